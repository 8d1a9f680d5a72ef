import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { builtInCollectors } from './collector-plugins.ts';

export const HOOK_CHANNEL = 'hook';

/** The webhook receiver's JSON (Vigia's format), as far as the alerting benchmarks read it. */
export interface HookBody {
  status: string;
  reason: string;
  notificationId: string;
  alertId: string;
  alert: { rule: string; labels: Record<string, string>; value: number };
}

/**
 * monitoring.yaml for the alerting benchmarks: no collector (their samples and the Collector Not
 * Reporting rule would be noise), the given rules, and one webhook channel to the local receiver.
 */
export function alertingYaml(options: { hookUrl: string; rules: Record<string, unknown>[]; alerts?: Record<string, unknown> }): string {
  return stringify({
    collectors: Object.fromEntries(builtInCollectors().map((n) => [n, { enabled: false }])),
    alerts: { ...options.alerts, rules: options.rules },
    channels: { [HOOK_CHANNEL]: { type: 'webhook', url: `${options.hookUrl}/hook` } },
  });
}

/** config/monitoring.yaml as shipped (collectors, intervals, its rules), plus the given rules and the webhook channel. */
export function shippedYamlWith(options: { hookUrl: string; rules: Record<string, unknown>[] }): string {
  const shipped = parse(readFileSync(join(import.meta.dirname, '..', 'config', 'monitoring.yaml'), 'utf8')) as { alerts: { rules: unknown[] } } & Record<string, unknown>;
  shipped.alerts.rules.push(...options.rules);
  shipped.channels = { [HOOK_CHANNEL]: { type: 'webhook', url: `${options.hookUrl}/hook` } };
  return stringify(shipped);
}
