import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';

/** A monitoring.yaml holding `text`, in a folder of its own. */
export function fileWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-config-'));
  const file = join(dir, 'monitoring.yaml');
  writeFileSync(file, text);
  return file;
}

/** Loads `yaml` as the whole configuration, with no environment. */
export function loadYaml(yaml: string) {
  return loadConfig({ env: {}, file: fileWith(yaml) });
}

/** The problems of the ConfigError `fn` throws (fails the test when it throws none or another). */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** The problems of `yaml`, checking the error names the file they are in. */
export function yamlProblems(yaml: string): string[] {
  try {
    loadYaml(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('monitoring.yaml');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
