/** The rule of the tests that page people: a room's temp over 50 is critical. */
export const HOT_RULE = 'Hot';

/**
 * monitoring.yaml for a test that pages people about hot rooms: no collector, quick evaluation and
 * delivery, and HOT_RULE. `alerts` is written under `alerts:` (routing, escalation: two spaces in),
 * `rest` after it (channels, oncall).
 */
export function hotRoomsYaml(alerts: string, rest: string): string {
  return `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms }
${alerts}  rules:
    - { name: ${HOT_RULE}, metric: temp, operator: ">", threshold: 50, severity: critical }
${rest}`;
}
