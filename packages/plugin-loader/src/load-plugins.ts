import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Collector, Notifier } from '@vigia/plugin-sdk';
import type { Logger } from '@vigia/core';

export type PluginType = 'collector' | 'notifier';

export interface LoadedPlugin<P> {
  name: string;
  /** Folder or npm package it came from, for messages. */
  source: string;
  plugin: P;
}

export interface PluginFailure {
  source: string;
  error: string;
}

export interface PluginSet {
  collectors: Map<string, LoadedPlugin<Collector>>;
  notifiers: Map<string, LoadedPlugin<Notifier>>;
  failures: PluginFailure[];
}

interface PackageJson {
  name?: string;
  main?: string;
  exports?: string | Record<string, unknown>;
  /** `name` (optional) lets the worker skip a disabled plugin without loading its code. */
  vigia?: { type?: string; name?: string };
}

// Bundled into dist/ (npm start), TypeScript plugins run from the dist/index.js the build made;
// from source (tests, tsx) they run from their TypeScript entry.
const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

function builtEntry(folder: string, entry: string): string {
  if (RUNNING_FROM_SOURCE || !entry.endsWith('.ts')) return entry;
  if (!existsSync(join(folder, 'dist', 'index.js'))) throw new Error(`${entry} is TypeScript and has no build yet: run \`npm run build\` (npm start does it)`);
  return 'dist/index.js';
}

function entryOf(pkg: PackageJson): string {
  const root = typeof pkg.exports === 'string' ? pkg.exports : (pkg.exports?.['.'] as unknown);
  if (typeof root === 'string') return root;
  if (root && typeof root === 'object') {
    const conditions = root as Record<string, unknown>;
    for (const c of ['import', 'node', 'default']) if (typeof conditions[c] === 'string') return conditions[c] as string;
  }
  return pkg.main ?? 'index.js';
}

/** A plugin module's default export: the plugin object, or a factory that returns it. */
async function instantiate(mod: Record<string, unknown>): Promise<unknown> {
  const exported = mod.default ?? mod;
  return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
}

function kindOf(plugin: unknown): PluginType | string {
  if (!plugin || typeof plugin !== 'object') return 'the default export is not an object or a factory returning one';
  const p = plugin as Record<string, unknown>;
  if (typeof p.name !== 'string' || !p.name.trim()) return 'the plugin has no name';
  if (!/^[a-zA-Z0-9_-]+$/.test(p.name)) return `the plugin name "${p.name}" may only hold letters, digits, _ and -`;
  if (typeof p.collect === 'function') {
    // A misspelt scope would quietly mean `shared`: one machine's figures standing for every host's.
    if (p.scope !== undefined && p.scope !== 'shared' && p.scope !== 'host') return `collector "${p.name}" has scope ${JSON.stringify(p.scope)} (use "shared" or "host")`;
    return 'collector';
  }
  if (typeof p.send === 'function') return 'notifier';
  return `plugin "${p.name}" has neither collect() nor send()`;
}

interface Candidate {
  source: string;
  declared?: string;
  declaredName?: string;
  load: () => Promise<Record<string, unknown>>;
}

function folderCandidates(dir: string): Candidate[] {
  if (!existsSync(dir)) return [];
  const out: Candidate[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(dir, entry.name);
    const pkgFile = join(folder, 'package.json');
    if (!existsSync(pkgFile)) continue;
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as PackageJson;
    } catch (error) {
      out.push({ source: folder, load: () => Promise.reject(new Error(`package.json is not valid JSON: ${(error as Error).message}`)) });
      continue;
    }
    const declared = pkg.vigia?.type;
    if (declared !== 'collector' && declared !== 'notifier') continue;
    out.push({ source: folder, declared, declaredName: pkg.vigia?.name, load: () => import(pathToFileURL(join(folder, builtEntry(folder, entryOf(pkg)))).href) as Promise<Record<string, unknown>> });
  }
  return out.sort((a, b) => a.source.localeCompare(b.source));
}

/**
 * Finds plugins: every folder under the plugin dirs whose package.json says
 * `"vigia": { "type": "collector" | "notifier" }`, plus npm packages named in the config.
 * A plugin that fails to load is reported and skipped; two plugins with one name stop the start.
 */
export async function loadPlugins(dirs: string[], packages: string[], logger: Logger, skip: (type: PluginType, name: string) => boolean = () => false): Promise<PluginSet> {
  const set: PluginSet = { collectors: new Map(), notifiers: new Map(), failures: [] };
  const candidates = [...dirs.flatMap(folderCandidates), ...packages.map((name): Candidate => ({ source: `npm:${name}`, load: () => import(name) as Promise<Record<string, unknown>> }))];
  for (const candidate of candidates) {
    if (candidate.declared && candidate.declaredName && skip(candidate.declared as PluginType, candidate.declaredName)) continue;
    let plugin: unknown;
    try {
      plugin = await instantiate(await candidate.load());
    } catch (error) {
      const message = (error as Error).message?.split('\n')[0] ?? String(error);
      set.failures.push({ source: candidate.source, error: message });
      logger.error('plugin failed to load; skipped', { plugin: candidate.source, error: message });
      continue;
    }
    const kind = kindOf(plugin);
    if (kind !== 'collector' && kind !== 'notifier') {
      set.failures.push({ source: candidate.source, error: kind });
      logger.error('plugin is not a collector or notifier; skipped', { plugin: candidate.source, error: kind });
      continue;
    }
    if (candidate.declared && candidate.declared !== kind) {
      const error = `package.json declares a ${candidate.declared} but the module is a ${kind}`;
      set.failures.push({ source: candidate.source, error });
      logger.error('plugin skipped', { plugin: candidate.source, error });
      continue;
    }
    const name = (plugin as { name: string }).name;
    const registry = (kind === 'collector' ? set.collectors : set.notifiers) as Map<string, LoadedPlugin<unknown>>;
    const existing = registry.get(name);
    if (existing) throw new Error(`two ${kind} plugins are named "${name}": ${existing.source} and ${candidate.source}; rename one`);
    registry.set(name, { name, source: candidate.source, plugin });
  }
  return set;
}
