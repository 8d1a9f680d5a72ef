// The one module that reads process.env. Everything else receives these values.

import { proxyEntryProblem } from './trust-proxy.ts';

export type Env = Record<string, string | undefined>;

export interface EnvSettings {
  configFile?: string;
  host?: string;
  port?: number;
  publicUrl?: string;
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDR ranges); empty: none. */
  trustProxy: string[];
  redisUrl?: string;
  keyPrefix?: string;
  databaseUrl?: string;
  dataDir?: string;
  secretKey?: string;
  adminUser?: string;
  adminPassword?: string;
  apiToken?: string;
  metricsPublic?: boolean;
  logLevel?: string;
  /** The name this worker's machine reports its host metrics under. */
  hostname?: string;
  monitoredDb: { host?: string; port?: number; database?: string; user?: string; password?: string };
  email: { enabled?: boolean; host?: string; port?: number; user?: string; password?: string; from?: string; to: string[] };
  slack: { enabled?: boolean; webhookUrl?: string; channel?: string; signingSecret?: string; botToken?: string };
  webhook: { enabled?: boolean; url?: string; authToken?: string };
  /**
   * `<NAME>_SIGNING_SECRET` by NAME (`SLACK`): what a notifier's inbound routes check the
   * service's signature with. A naming rule rather than a list, so a new plugin needs no change here.
   */
  signingSecrets: Record<string, string>;
}

export class EnvError extends Error {}

function int(env: Env, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new EnvError(`environment variable ${key}: "${raw}" is not a port number`);
  return n;
}

function bool(env: Env, key: string): boolean | undefined {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new EnvError(`environment variable ${key}: "${env[key]}" is not a boolean (use true or false)`);
}

function str(env: Env, key: string): string | undefined {
  const raw = env[key];
  return raw === undefined || raw === '' ? undefined : raw;
}

function signingSecrets(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const name = /^([A-Z0-9_]+)_SIGNING_SECRET$/.exec(key)?.[1];
    if (name && value) out[name] = value;
  }
  return out;
}

/** ALERT_TO_EMAIL_1 … ALERT_TO_EMAIL_N, in numeric order, plus a comma list in ALERT_TO_EMAILS. */
function recipients(env: Env): string[] {
  const numbered = Object.keys(env)
    .map((k) => /^ALERT_TO_EMAIL_(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null && !!env[m[0]])
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => env[m[0]]!.trim());
  const listed = (env.ALERT_TO_EMAILS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return [...numbered, ...listed];
}

/** VIGIA_TRUST_PROXY: a comma list; one bad entry stops the start rather than trusting less (or more) than meant. */
function trustedProxies(env: Env, key: string): string[] {
  const entries = (env[key] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const problem = proxyEntryProblem(entry);
    if (problem) throw new EnvError(`environment variable ${key}: "${entry}" ${problem}`);
  }
  return entries;
}

function redisUrl(env: Env): string | undefined {
  const url = str(env, 'REDIS_URL');
  if (url) return url;
  const host = str(env, 'REDIS_HOST');
  const port = int(env, 'REDIS_PORT');
  const password = str(env, 'REDIS_PASSWORD');
  if (!host && port === undefined && !password) return undefined;
  const auth = password ? `:${encodeURIComponent(password)}@` : '';
  return `redis://${auth}${host ?? '127.0.0.1'}:${port ?? 6379}`;
}

export function readEnv(env: Env = process.env): EnvSettings {
  return {
    configFile: str(env, 'MONITORING_CONFIG'),
    host: str(env, 'MONITORING_HOST'),
    port: int(env, 'MONITORING_PORT'),
    publicUrl: str(env, 'VIGIA_PUBLIC_URL'),
    trustProxy: trustedProxies(env, 'VIGIA_TRUST_PROXY'),
    redisUrl: redisUrl(env),
    keyPrefix: str(env, 'VIGIA_KEY_PREFIX'),
    databaseUrl: str(env, 'DATABASE_URL'),
    dataDir: str(env, 'VIGIA_DATA_DIR'),
    secretKey: str(env, 'SECRET_KEY'),
    adminUser: str(env, 'ADMIN_USER'),
    adminPassword: str(env, 'ADMIN_PASSWORD'),
    apiToken: str(env, 'API_TOKEN'),
    metricsPublic: bool(env, 'METRICS_PUBLIC'),
    logLevel: str(env, 'LOG_LEVEL'),
    hostname: str(env, 'VIGIA_HOSTNAME')?.trim() || undefined,
    monitoredDb: {
      host: str(env, 'DB_HOST'),
      port: int(env, 'DB_PORT'),
      database: str(env, 'DB_NAME'),
      user: str(env, 'DB_USER'),
      password: str(env, 'DB_PASSWORD'),
    },
    email: {
      enabled: bool(env, 'EMAIL_ALERTS_ENABLED'),
      host: str(env, 'SMTP_HOST'),
      port: int(env, 'SMTP_PORT'),
      user: str(env, 'SMTP_USER'),
      password: str(env, 'SMTP_PASSWORD'),
      from: str(env, 'ALERT_FROM_EMAIL'),
      to: recipients(env),
    },
    slack: {
      enabled: bool(env, 'SLACK_ALERTS_ENABLED'),
      webhookUrl: str(env, 'SLACK_WEBHOOK_URL'),
      channel: str(env, 'SLACK_CHANNEL'),
      signingSecret: str(env, 'SLACK_SIGNING_SECRET'),
      botToken: str(env, 'SLACK_BOT_TOKEN'),
    },
    webhook: {
      enabled: bool(env, 'WEBHOOK_ALERTS_ENABLED'),
      url: str(env, 'ALERT_WEBHOOK_URL'),
      authToken: str(env, 'WEBHOOK_AUTH_TOKEN'),
    },
    signingSecrets: signingSecrets(env),
  };
}
