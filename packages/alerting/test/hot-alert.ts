import type { alerts } from '@vigia/db';

type AlertRow = typeof alerts.$inferInsert;

/**
 * A row of the Hot rule's alert (temp over 50) for room `id`, firing and critical unless `fields`
 * say otherwise: the alert the escalation tests page people about.
 */
export function hotAlert(id: string, startedAt: Date, fields: Partial<AlertRow> = {}): AlertRow {
  return {
    id,
    rule: 'Hot',
    seriesKey: `temp{room="${id}"}`,
    metric: 'temp',
    labels: { room: id },
    severity: 'critical',
    status: 'firing',
    operator: '>',
    threshold: 50,
    summary: 'hot',
    startedAt,
    ...fields,
  };
}
