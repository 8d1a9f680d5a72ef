import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { fileSchema, type ConfigFile } from './schema.ts';
import { readEnv, type Env, type EnvSettings } from './env.ts';
import { toOncallConfig, type OncallConfig } from './oncall.ts';
import type { SloConfig } from './slos.ts';
import type { StatusPageConfig } from './status-page.ts';
import { resolveScrapeFiles, type ScrapeTargetConfig } from './scrape.ts';

/**
 * The install's root: the nearest folder up holding config/monitoring.yaml. Found by looking,
 * because this code runs both from its source file and bundled into dist/.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'config', 'monitoring.yaml'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '../../..');
  }
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_CONFIG_FILE = join(REPO_ROOT, 'config/monitoring.yaml');

export interface CollectorConfig {
  enabled: boolean;
  intervalMs?: number;
  timeoutMs?: number;
  /** Everything under collectors.<name> except enabled/interval/timeout: validated by the plugin. */
  options: Record<string, unknown>;
}

export interface VigiaConfig {
  /** The file this came from, for messages that name it. */
  file: string;
  /** `trustProxy`: VIGIA_TRUST_PROXY; empty means X-Forwarded-For is ignored. */
  server: { host: string; port: number; publicUrl: string; trustProxy: string[] };
  redis: { url: string; keyPrefix: string };
  database: { url?: string; dataDir: string };
  auth: {
    secretKey?: string;
    adminUser: string;
    adminPassword?: string;
    apiToken?: string;
    metricsPublic: boolean;
    sessionTtlMs: number;
  };
  /** `host`: what this worker's host-scoped collectors label their samples with (`host="…"`). */
  collection: { intervalMs: number; timeoutMs: number; host: string };
  collectors: Record<string, CollectorConfig>;
  plugins: string[];
  pluginDirs: string[];
  retention: { raw: number; '1m': number; '1h': number };
  storage: { liveWindowMs: number; flushIntervalMs: number; batchSize: number; staleAfterMs: number };
  limits: { seriesPerMetric: number; newSeriesPerMinute: number; labelsPerSample: number; labelNameLength: number; labelValueLength: number };
  alerts: ConfigFile['alerts'];
  channels: ConfigFile['channels'];
  maintenanceWindows: ConfigFile['maintenance_windows'];
  probes: ConfigFile['probes'];
  /** `scrape:` targets, their files resolved against the config file's folder. */
  scrape: ScrapeTargetConfig[];
  oncall: OncallConfig;
  slos: SloConfig[];
  statusPage: StatusPageConfig;
  env: EnvSettings;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** A configuration problem, worded for the person who has to fix the file. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describePath(path: PropertyKey[], raw: unknown): string {
  let out = '';
  let node: unknown = raw;
  let ruleName: string | undefined;
  let kind = 'rule';
  path.forEach((part, i) => {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
    if ((path[i - 1] === 'rules' || (i === 1 && path[0] === 'slos')) && typeof part === 'number' && node && typeof node === 'object') {
      const name = (node as unknown[])[part] && ((node as unknown[])[part] as Record<string, unknown>).name;
      if (typeof name === 'string') ruleName = name;
      kind = path[0] === 'slos' ? 'SLO' : 'rule';
    }
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
  });
  return `${out || '(top level)'}${ruleName ? ` (${kind} "${ruleName}")` : ''}`;
}

export function formatIssues(issues: z.core.$ZodIssue[], raw: unknown): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `${describePath(issue.path, raw)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    return `${describePath(issue.path, raw)}: ${issue.message}`;
  });
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML syntax at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
  }
  return doc.toJS() ?? {};
}

/** Parses one monitoring.yaml (no environment applied): what `vigia check-config` uses. */
export function parseConfigFile(file: string): ConfigFile {
  const raw = readYaml(file);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, formatIssues(parsed.error.issues, raw));
  return parsed.data;
}

export interface LoadOptions {
  env?: Env;
  /** Overrides MONITORING_CONFIG and the default file. */
  file?: string;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * The seed's environment reaches the built-in collectors here: DB_* (the monitored database)
 * overrides the file, like every variable; the monitored Redis defaults to Vigia's own.
 */
function applyCollectorEnv(collectors: Record<string, CollectorConfig>, env: EnvSettings, redisUrl: string): void {
  const entry = (name: string) => (collectors[name] ??= { enabled: true, options: {} });
  const db = withoutUndefined({ ...env.monitoredDb });
  if (Object.keys(db).length) {
    Object.assign(entry('postgres').options, db);
    const business = entry('business').options;
    business.database = { ...(business.database as Record<string, unknown> | undefined), ...db };
  }
  for (const name of ['redis', 'api', 'business', 'custom']) {
    const options = entry(name).options;
    options.url ??= redisUrl;
  }
}

/**
 * The seed's channel variables become channels `email`, `slack` and `webhook`: each variable
 * overrides the same key in the file; a channel that exists only through the environment is on
 * when its *_ALERTS_ENABLED says so.
 */
function applyChannelEnv(fromFile: ConfigFile['channels'], env: EnvSettings): ConfigFile['channels'] {
  const channels: ConfigFile['channels'] = structuredClone(fromFile);
  const overlay = (name: string, type: string, values: Record<string, unknown>, enabled: boolean | undefined) => {
    const set = withoutUndefined(values);
    if (!channels[name] && enabled === undefined && Object.keys(set).length === 0) return;
    const existing = channels[name];
    channels[name] = { type, ...existing, ...set, enabled: enabled ?? existing?.enabled ?? (existing ? true : false) };
  };
  const { email, slack, webhook } = env;
  overlay('email', 'email', { host: email.host, port: email.port, user: email.user, password: email.password, from: email.from, to: email.to.length ? email.to : undefined }, email.enabled);
  overlay('slack', 'slack', { webhook_url: slack.webhookUrl, bot_token: slack.botToken, channel: slack.channel, interactive: slack.signingSecret ? true : undefined }, slack.enabled);
  overlay('webhook', 'webhook', { url: webhook.url, auth_token: webhook.authToken }, webhook.enabled);
  return channels;
}

/** Reads the configuration once: the YAML file, validated, then the environment on top. */
export function loadConfig(options: LoadOptions = {}): VigiaConfig {
  const env = readEnv(options.env ?? process.env);
  const file = resolve(options.file ?? env.configFile ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) throw new ConfigError(file, ['the file does not exist (MONITORING_CONFIG points to it)']);
  const parsed = parseConfigFile(file);
  const baseDir = dirname(file);
  const host = env.host ?? parsed.server.host ?? '127.0.0.1';
  const port = env.port ?? parsed.server.port ?? 5001;

  const redisUrl = env.redisUrl ?? 'redis://127.0.0.1:6379';
  const collectors: Record<string, CollectorConfig> = {};
  for (const [name, settings] of Object.entries(parsed.collectors)) {
    const { enabled, interval, timeout, ...options } = settings;
    collectors[name] = { enabled, intervalMs: interval, timeoutMs: timeout, options };
  }
  applyCollectorEnv(collectors, env, redisUrl);
  // The probe collector runs one part per probe; `collectors.probe.enabled: false` pauses them all.
  (collectors.probe ??= { enabled: true, options: {} }).options.probes = parsed.probes;
  // Likewise one part per scrape target; `collectors.scrape.enabled: false` pauses them all.
  const scrape = parsed.scrape.map((t) => resolveScrapeFiles(t, baseDir));
  (collectors.scrape ??= { enabled: true, options: {} }).options.targets = scrape;
  const channels = applyChannelEnv(parsed.channels, env);

  const dataDir = resolve(env.dataDir ?? join(REPO_ROOT, '.data'));
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    file: relative(process.cwd(), file) || file,
    server: { host, port, publicUrl: env.publicUrl ?? parsed.server.public_url ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`, trustProxy: env.trustProxy },
    redis: { url: redisUrl, keyPrefix: env.keyPrefix ?? 'vigia' },
    database: { url: env.databaseUrl, dataDir },
    auth: {
      secretKey: env.secretKey,
      adminUser: env.adminUser ?? 'admin',
      adminPassword: env.adminPassword,
      apiToken: env.apiToken,
      metricsPublic: env.metricsPublic ?? false,
      sessionTtlMs: parsed.auth.session_ttl,
    },
    collection: { intervalMs: parsed.collection.interval, timeoutMs: parsed.collection.timeout, host: env.hostname ?? parsed.collection.host ?? hostname() },
    collectors,
    plugins: parsed.plugins,
    pluginDirs: [join(REPO_ROOT, 'plugins'), ...parsed.plugin_dirs.map(rel)],
    retention: parsed.retention,
    storage: { liveWindowMs: parsed.storage.live_window, flushIntervalMs: parsed.storage.flush_interval, batchSize: parsed.storage.batch_size, staleAfterMs: parsed.storage.stale_after },
    limits: {
      seriesPerMetric: parsed.limits.series_per_metric,
      newSeriesPerMinute: parsed.limits.new_series_per_minute,
      labelsPerSample: parsed.limits.labels_per_sample,
      labelNameLength: parsed.limits.label_name_length,
      labelValueLength: parsed.limits.label_value_length,
    },
    alerts: parsed.alerts,
    channels,
    maintenanceWindows: parsed.maintenance_windows,
    probes: parsed.probes,
    scrape,
    oncall: toOncallConfig(parsed.oncall),
    slos: parsed.slos as SloConfig[],
    statusPage: parsed.status_page,
    env,
    logLevel: (env.logLevel as VigiaConfig['logLevel']) ?? parsed.log_level ?? 'info',
  };
}
