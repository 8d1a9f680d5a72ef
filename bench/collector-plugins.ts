import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './app-process.ts';

/**
 * Names of the collectors shipped under plugins/ (folders whose package.json declares
 * `"vigia": {"type": "collector"}`). Every built-in folder is `collector-<name>`, and the plugin
 * calls itself `<name>`; reading the name from the folder avoids importing every plugin here.
 */
export function builtInCollectors(): string[] {
  const dir = join(REPO_ROOT, 'plugins');
  const names: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const pkgFile = join(dir, entry.name, 'package.json');
    if (!entry.isDirectory() || !existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { vigia?: { type?: string } };
    if (pkg.vigia?.type === 'collector') names.push(entry.name.replace(/^collector-/, ''));
  }
  return names.sort();
}

/** monitoring.yaml running only `keep` at `interval`, every other built-in collector switched off. */
export function onlyCollectorYaml(keep: string, interval: string): string {
  const others = builtInCollectors().filter((n) => n !== keep);
  return ['collectors:', `  ${keep}:`, `    interval: ${interval}`, ...others.flatMap((n) => [`  ${n}:`, '    enabled: false']), ''].join('\n');
}
