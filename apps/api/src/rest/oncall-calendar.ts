import type { FastifyInstance } from 'fastify';
import { loadSchedules } from '@vigia/alerting';
import { shiftsBetween } from '@vigia/oncall';
import { bearerToken } from '../context.ts';
import type { ApiDeps } from '../deps.ts';
import { calendar } from '../ical.ts';

const DAY = 86_400_000;

/**
 * `GET /api/oncall/<schedule>.ics?token=<API token>`: the schedule's shifts from a week ago to 60
 * days ahead, for a calendar app. Calendar apps cannot send headers, hence the token in the query
 * (a bearer header works too); the request log never records the query.
 */
export function oncallCalendarRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: { file: string }; Querystring: { token?: string } }>('/api/oncall/:file', async (req, reply) => {
    const principal = await deps.auth.fromBearer(req.query.token ?? bearerToken(req.headers.authorization));
    if (!principal) return reply.code(401).send({ error: 'send an API token as ?token= (or a bearer header); it is unknown, revoked or missing' });
    const name = /^(.+)\.ics$/.exec(req.params.file)?.[1];
    // Whole UTC days, so a shift cut at the range's start keeps the same UID all day.
    const from = Math.floor(Date.now() / DAY) * DAY - 7 * DAY;
    const to = from + 68 * DAY;
    const schedule = name ? (await loadSchedules(deps.store.db, deps.config, from, to))[name] : undefined;
    if (!schedule) return reply.code(404).send({ error: `no schedule named "${name ?? req.params.file}" (ask for /api/oncall/<schedule>.ics)` });
    const shifts = shiftsBetween(schedule, from, to);
    const text = calendar(
      `${schedule.name} on call`,
      shifts.map((s) => ({
        uid: `${s.start}-${encodeURIComponent(s.user)}-${encodeURIComponent(schedule.name)}@vigia`,
        start: s.start,
        end: s.end,
        summary: `On call: ${s.user} (${schedule.name})`,
        description: `${s.user} is on call in the ${schedule.name} schedule (${schedule.timeZone}).`,
      })),
    );
    return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(text);
  });
}
