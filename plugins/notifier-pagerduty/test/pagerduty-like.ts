import type { ReceivedRequest, ScriptedResponse } from '@vigia/testing';

export const ROUTING_KEY = 'R0123456789abcdefABCDEF012345678';

const json = (status: number, body: unknown): ScriptedResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
export const invalid = (...errors: string[]) => json(400, { status: 'invalid event', message: 'Event object is invalid', errors });

interface Event {
  routing_key?: unknown;
  event_action?: unknown;
  dedup_key?: unknown;
  payload?: { summary?: unknown; source?: unknown; severity?: unknown };
}

/**
 * The Events API v2 as documented (https://developer.pagerduty.com/docs/events-api-v2/overview/):
 * validates the event, answers 202, and keeps each alert's state by dedup_key — acknowledge and
 * resolve for a key with no open alert are accepted and dropped, as PagerDuty does.
 */
export function pagerDutyLike() {
  const alerts = new Map<string, { state: 'triggered' | 'acknowledged' | 'resolved'; triggers: number }>();
  const respond = (req: ReceivedRequest): ScriptedResponse => {
    if (req.method !== 'POST' || req.path !== '/v2/enqueue') return json(404, { status: 'error', message: 'Not Found' });
    let event: Event;
    try {
      event = JSON.parse(req.body) as Event;
    } catch {
      return invalid('Malformed JSON');
    }
    if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32) return invalid("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (event.routing_key !== ROUTING_KEY) return invalid('Invalid routing key');
    if (!['trigger', 'acknowledge', 'resolve'].includes(String(event.event_action))) return invalid("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
    const key = event.dedup_key;
    if (key !== undefined && (typeof key !== 'string' || key.length > 255)) return invalid("'dedup_key' is invalid");
    if (event.event_action === 'trigger') {
      const p = event.payload;
      if (typeof p?.summary !== 'string' || !p.summary || p.summary.length > 1024) return invalid("'payload.summary' is missing or blank");
      if (typeof p.source !== 'string' || !p.source) return invalid("'payload.source' is missing or blank");
      if (!['critical', 'error', 'warning', 'info'].includes(String(p.severity)))
        return invalid("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')");
      const dedup = (key as string | undefined) ?? crypto.randomUUID();
      const open = alerts.get(dedup);
      if (open && open.state !== 'resolved') open.triggers++;
      else alerts.set(dedup, { state: 'triggered', triggers: 1 });
      return json(202, { status: 'success', message: 'Event processed', dedup_key: dedup });
    }
    if (typeof key !== 'string') return invalid("'dedup_key' is missing or blank");
    const open = alerts.get(key);
    if (open && open.state !== 'resolved') open.state = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
    return json(202, { status: 'success', message: 'Event processed', dedup_key: key });
  };
  return { respond, alerts };
}
