// Helpers for tests that load a monitoring.yaml: here, beside the loader, so every workspace's
// tests write and read configuration files the same way (re-exported by @vigia/testing).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type VigiaConfig } from './index.ts';

/** A monitoring.yaml holding `text`, in a folder of its own: its path. */
export function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigia-config-')), 'monitoring.yaml');
  writeFileSync(file, text);
  return file;
}

/** Loads `yaml` as the whole configuration, with `env` as the environment (none by default). */
export function loadYamlConfig(yaml: string, env: Record<string, string> = {}): VigiaConfig {
  return loadConfig({ env, file: configFile(yaml) });
}

/**
 * The problems of the ConfigError `fn` throws; any other error, or none, fails the caller, and so
 * does an error whose message does not name `file` when one is given.
 */
export function configProblems(fn: () => unknown, file?: string): string[] {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (file && !error.message.includes(file)) throw new Error(`the ConfigError does not name ${file}: ${error.message}`, { cause: error });
    return error.problems;
  }
  throw new Error('expected a ConfigError');
}

/** The problems of `yaml` loaded with no environment, checking the error names the file they are in. */
export function yamlConfigProblems(yaml: string): string[] {
  return configProblems(() => loadYamlConfig(yaml), 'monitoring.yaml');
}
