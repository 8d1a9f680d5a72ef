import type { Alert, Rule } from '../api/types.ts';
import { areaOf, type AreaKey } from './areas.ts';

/** Worst first: the order a person should look at things. */
export type Health = 'critical' | 'warning' | 'info' | 'acknowledged' | 'pending' | 'ok' | 'nodata';

export interface AreaHealth {
  health: Health;
  firing: number;
  acknowledged: number;
  pending: number;
  /** Rules watching the area's metrics. */
  rules: number;
}

const FIRING_HEALTH: Record<string, Health> = { emergency: 'critical', critical: 'critical', warning: 'warning', info: 'info' };

export function areaHealth(area: AreaKey, open: readonly Alert[], rules: readonly Rule[], hasData: boolean): AreaHealth {
  const alerts = open.filter((a) => areaOf(a.metric) === area);
  const mine = rules.filter((r) => areaOf(r.metric) === area);
  const firing = alerts.filter((a) => a.status === 'firing');
  const acknowledged = alerts.filter((a) => a.status === 'acknowledged').length;
  const pending = mine.filter((r) => r.state === 'pending').length;
  let health: Health = hasData ? 'ok' : 'nodata';
  if (firing.length) {
    const order: Health[] = ['critical', 'warning', 'info'];
    health = order.find((h) => firing.some((a) => (FIRING_HEALTH[a.severity] ?? 'warning') === h)) ?? 'warning';
  } else if (acknowledged) health = 'acknowledged';
  else if (pending) health = 'pending';
  return { health, firing: firing.length, acknowledged, pending, rules: mine.length };
}

export const HEALTH_TEXT: Record<Health, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Notice',
  acknowledged: 'Acknowledged',
  pending: 'Pending',
  ok: 'OK',
  nodata: 'No data',
};
