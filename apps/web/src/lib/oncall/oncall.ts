import { ms, type AuditRow, type Matchers, type Silence, type WindowSchedule } from '../api/types.ts';
import { formatDuration } from '../format/units.ts';
import { labelPairs } from '../live/series-key.ts';
import { pathTo } from '../router/match.ts';

export interface LabelRow {
  key: string;
  value: string;
}

export function rowsFromLabels(labels: Record<string, string> | undefined): LabelRow[] {
  return Object.keys(labels ?? {})
    .sort()
    .map((key) => ({ key, value: labels![key]! }));
}

/**
 * The rows a person typed, as the API's label map. Half-filled rows are a mistake worth naming
 * rather than silently dropping: a silence that matches more than intended is the worse outcome.
 */
export function labelsFromRows(rows: LabelRow[]): { labels: Record<string, string>; error: string | null } {
  const labels: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    const value = row.value.trim();
    if (!key && !value) continue;
    if (!key) return { labels, error: `the label with value “${value}” needs a name` };
    if (key in labels) return { labels, error: `the label ${key} is given twice` };
    labels[key] = value;
  }
  return { labels, error: null };
}

/** "rule High CPU, host=a" — or a warning-worthy "every alert" when nothing narrows it. */
export function describeMatch(m: Matchers | { rule?: string | null; labels?: Record<string, string> }): string {
  const labels = m.labels ?? {};
  const parts: string[] = [];
  if (m.rule) parts.push(`rule ${m.rule}`);
  if (Object.keys(labels).length) parts.push(labelPairs(labels));
  return parts.length ? parts.join(', ') : 'every alert';
}

export function matchesEverything(m: { rule?: string | null; labels?: Record<string, string> }): boolean {
  return !m.rule && Object.keys(m.labels ?? {}).length === 0;
}

export type SilenceState = 'active' | 'scheduled' | 'ended' | 'expired';

export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt' | 'endedAt'>, now: number): SilenceState {
  if (s.endedAt) return 'ended';
  if ((ms(s.endsAt) ?? 0) <= now) return 'expired';
  if ((ms(s.startsAt) ?? 0) > now) return 'scheduled';
  return 'active';
}

export const DURATION_PRESETS = [
  { key: '1h', label: '1 hour', ms: 3_600_000 },
  { key: '4h', label: '4 hours', ms: 4 * 3_600_000 },
  { key: '1d', label: '1 day', ms: 86_400_000 },
] as const;

/** The API refuses longer silences; recurring quiet belongs in a maintenance window. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
const DAY_NAMES: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** "Weekly on Mon, Thu at 02:00 for 1 h (Europe/Lisbon)": the schedule as people say it. */
export function describeSchedule(s: WindowSchedule): string {
  const length = formatDuration(s.durationMs / 1000);
  let when: string;
  if (s.every === 'cron') when = `Cron ${s.cron ?? '?'}`;
  else if (s.every === 'weekly') {
    // In week order, whatever order they were written in.
    const days = DAYS.filter((d) => s.days?.includes(d)).map((d) => DAY_NAMES[d]);
    when = `Weekly on ${days.join(', ') || '?'} at ${s.at ?? '?'}`;
  } else when = `Daily at ${s.at ?? '?'}`;
  return `${when} for ${length} (${s.timezone})`;
}

/** The browser's zone, the likeliest one its user means; UTC when the browser will not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** API windows are listed with their row id as text; config ones (`config:<name>`) have none. */
export function windowRowId(id: string): number | null {
  return /^\d+$/.test(id) ? Number(id) : null;
}

const ACTIONS: Record<string, string> = {
  'alert.acknowledge': 'acknowledged an alert',
  'alert.unacknowledge': 'un-acknowledged an alert',
  'alert.resolve': 'resolved an alert',
  'alert.silence': 'silenced an alert',
  'silence.create': 'created a silence',
  'silence.expire': 'ended a silence',
  'maintenance.create': 'created a maintenance window',
  'maintenance.delete': 'deleted a maintenance window',
  'user.create': 'created a user',
  'user.update': 'changed a user',
  'token.create': 'created an API token',
  'token.revoke': 'revoked an API token',
};

/** Offered in the audit filter; actions the server adds later still show, by their raw name. */
export const KNOWN_ACTIONS = Object.keys(ACTIONS);

export function actionText(action: string): string {
  return ACTIONS[action] ?? action;
}

// The API filters by target type, not by action; an action's prefix names its target, so the
// server can still narrow the rows before the page picks the action out of them.
const TARGET_OF_PREFIX: Record<string, string> = { alert: 'alert', silence: 'silence', maintenance: 'maintenance_window', user: 'user', token: 'token' };

export function targetTypeOfAction(action: string): string | undefined {
  return TARGET_OF_PREFIX[action.split('.')[0]!];
}

export function targetHref(row: Pick<AuditRow, 'targetType' | 'targetId'>): string | null {
  switch (row.targetType) {
    case 'alert':
      return pathTo('/alerts/:id', { id: row.targetId });
    case 'silence':
      return '/silences?ended=1';
    case 'maintenance_window':
      return '/maintenance';
    case 'rule':
      return pathTo('/rules/:name', { name: row.targetId });
    default:
      return null;
  }
}

const TARGET_WORDS: Record<string, string> = { alert: 'alert', silence: 'silence', maintenance_window: 'window', user: 'user', token: 'token' };

export function targetText(row: Pick<AuditRow, 'targetType' | 'targetId'>): string {
  const word = TARGET_WORDS[row.targetType] ?? row.targetType;
  if (/^\d+$/.test(row.targetId)) return `${word} #${row.targetId}`;
  // Alert ids are UUIDs: the first block tells them apart in a list, the link carries the rest.
  if (row.targetType === 'alert' && /^[0-9a-f]{8}-/.test(row.targetId)) return `${word} ${row.targetId.slice(0, 8)}`;
  return `${word} ${row.targetId}`;
}

/**
 * The detail an action recorded, as short "what: value" pieces. Times and matchers get their
 * human form; anything unexpected is still shown, compactly, rather than hidden.
 */
export function detailParts(detail: Record<string, unknown> | null | undefined, format: (t: number) => string): [string, string][] {
  if (!detail) return [];
  const out: [string, string][] = [];
  // jsonb hands keys back in its own order; read a silence as matches, from, until, why.
  const order = ['match', 'startsAt', 'endsAt', 'comment'];
  const keys = Object.keys(detail).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  for (const key of keys) {
    const value = detail[key];
    if (value === undefined || value === null || value === '') continue;
    if (key === 'match' && typeof value === 'object') out.push(['matches', describeMatch(value as Matchers)]);
    else if ((key === 'startsAt' || key === 'endsAt') && typeof value === 'number') out.push([key === 'startsAt' ? 'from' : 'until', format(value)]);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.push([key === 'passwordChanged' ? 'password changed' : key, String(value)]);
    else out.push([key, JSON.stringify(value)]);
  }
  return out;
}
