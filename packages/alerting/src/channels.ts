import type { Redis } from 'ioredis';
import { ConfigError, formatIssues, type VigiaConfig } from '@vigia/config';
import type { RedisKeys } from '@vigia/live';
import type { Notifier } from '@vigia/plugin-sdk';
import { MESSAGE_FIELDS, templateErrors } from '@vigia/core';
import type { Channel } from './delivery.ts';

export interface ChannelInfo {
  name: string;
  type: string;
  enabled: boolean;
  description?: string;
  /** The channel's settings with every secret replaced by "***". */
  config: Record<string, unknown>;
  /** The channel's message template, if it has one. */
  template?: string;
  error?: string;
}

const SECRET_NAME = /pass|secret|token|key|credential|webhook_url/i;

/** The values `redact` hides: each secret's text, so a preview can be checked for any of them. */
export function secretValues(config: Record<string, unknown>, secrets: string[] = []): string[] {
  return Object.entries(config)
    .filter(([key, value]) => typeof value === 'string' && (secrets.includes(key) || SECRET_NAME.test(key)))
    .map(([, value]) => value as string);
}

/** Secrets named by the plugin, plus anything that looks like one; URLs keep their host only. */
export function redact(config: Record<string, unknown>, secrets: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (secrets.includes(key) || SECRET_NAME.test(key)) out[key] = '***';
    else if (typeof value === 'string' && /^[a-z]+:\/\/[^/]*@/i.test(value)) out[key] = value.replace(/\/\/[^/]*@/, '//***@');
    else if (key === 'headers' && value && typeof value === 'object') out[key] = Object.fromEntries(Object.keys(value).map((h) => [h, '***']));
    else out[key] = value;
  }
  return out;
}

/**
 * The channels of monitoring.yaml (and the seed's *_ALERTS_* variables) bound to their notifier
 * plugins, settings validated by each plugin's schema. A mistake in an enabled channel stops the
 * start with the key named.
 */
export function buildChannels(config: VigiaConfig, notifiers: Map<string, Notifier<unknown>>): { channels: Map<string, Channel>; infos: ChannelInfo[] } {
  const channels = new Map<string, Channel>();
  const infos: ChannelInfo[] = [];
  const problems: string[] = [];
  for (const [name, settings] of Object.entries(config.channels)) {
    const { type = name, enabled = true, template, ...options } = settings as typeof settings & { template?: unknown };
    if (template !== undefined && typeof template !== 'string') problems.push(`channels.${name}.template: must be text`);
    for (const error of typeof template === 'string' ? templateErrors(template, MESSAGE_FIELDS) : []) problems.push(`channels.${name}.template: ${error}`);
    const notifier = notifiers.get(type);
    if (!notifier) {
      if (enabled) problems.push(`channels.${name}.type: no notifier plugin named "${type}" (installed: ${[...notifiers.keys()].join(', ') || 'none'})`);
      infos.push({ name, type, enabled, config: redact(options), error: `no notifier plugin "${type}"` });
      continue;
    }
    infos.push({ name, type, enabled, description: notifier.description, config: redact(options, notifier.secrets), template: typeof template === 'string' ? template : undefined });
    if (!enabled) continue;
    const parsed = notifier.configSchema ? notifier.configSchema.safeParse(options) : { success: true as const, data: options };
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, options).map((p) => `channels.${name}.${p}`));
      continue;
    }
    channels.set(name, { name, notifier, config: parsed.data, template: typeof template === 'string' ? template : undefined });
  }
  if (problems.length) throw new ConfigError(config.file, problems);
  return { channels, infos };
}

export async function publishChannels(redis: Redis, keys: RedisKeys, infos: ChannelInfo[]): Promise<void> {
  const tx = redis.multi().del(keys.channels);
  if (infos.length) tx.hset(keys.channels, ...infos.flatMap((i) => [i.name, JSON.stringify(i)]));
  await tx.exec();
}

export async function readChannels(redis: Redis, keys: RedisKeys): Promise<ChannelInfo[]> {
  const all = await redis.hvals(keys.channels);
  return all.map((raw) => JSON.parse(raw) as ChannelInfo).sort((a, b) => a.name.localeCompare(b.name));
}
