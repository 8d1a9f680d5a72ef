import type { ReceivedRequest, ScriptedResponse } from '@vigia/testing';

export const API_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

let requestNumber = 0;
const json = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ ...body, took: 0.01, requestId: `req-${++requestNumber}` }),
});
export const unprocessable = (errors: Record<string, string>) => json(422, { message: 'Request body is not processable. Please check the errors.', errors });
export const throttled = (periodSeconds: number) =>
  json(429, { message: 'TooManyRequests' }, { 'x-ratelimit-state': 'THROTTLED', 'x-ratelimit-reason': 'INTEGRATION', 'x-ratelimit-period-in-sec': String(periodSeconds) });

interface Create {
  message?: unknown;
  alias?: unknown;
  description?: unknown;
  priority?: unknown;
  tags?: unknown;
  details?: unknown;
}

/**
 * The Alert API as documented (https://docs.opsgenie.com/docs/alert-api): GenieKey auth, 422 for
 * a bad body, 202 when queued; alerts kept by alias, a create for an open alias counted as a repeat.
 */
export function opsgenieLike() {
  const alerts = new Map<string, { status: 'open' | 'closed'; acknowledged: boolean; count: number; priority: string; notes: string[] }>();
  const respond = (req: ReceivedRequest): ScriptedResponse => {
    if (req.headers.authorization !== `GenieKey ${API_KEY}`) return json(401, { message: 'Could not authenticate' });
    if (req.method !== 'POST') return json(404, { message: 'Not Found' });
    const url = new URL(req.path, 'http://opsgenie');
    const body = JSON.parse(req.body) as Create & { note?: string };
    if (url.pathname === '/v2/alerts') {
      if (typeof body.message !== 'string' || !body.message.trim()) return unprocessable({ message: 'Message can not be empty.' });
      if (body.message.length > 130) return unprocessable({ message: 'Message can not be longer than 130 characters.' });
      if (typeof body.alias !== 'string' || body.alias.length > 512) return unprocessable({ alias: 'Alias can not be longer than 512 characters.' });
      if (!['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(body.priority))) return unprocessable({ priority: 'Priority should be one of [P1, P2, P3, P4, P5]' });
      if (body.details && Object.values(body.details as object).some((v) => typeof v !== 'string')) return unprocessable({ details: 'Details values should be strings.' });
      const open = alerts.get(body.alias);
      if (open?.status === 'open') open.count++;
      else alerts.set(body.alias, { status: 'open', acknowledged: false, count: 1, priority: String(body.priority), notes: body.note ? [body.note] : [] });
      return json(202, { result: 'Request will be processed' });
    }
    const action = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(url.pathname);
    if (!action) return json(404, { message: 'Not Found' });
    if (url.searchParams.get('identifierType') !== 'alias') return json(202, { result: 'Request will be processed' }); // looked up as an id: finds nothing
    const alert = alerts.get(decodeURIComponent(action[1]!));
    if (alert) {
      if (action[2] === 'acknowledge') alert.acknowledged = true;
      else alert.status = 'closed';
      if (body.note) alert.notes.push(body.note);
    }
    return json(202, { result: 'Request will be processed' });
  };
  return { respond, alerts };
}
