const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** Full date and time: on-call notes and timelines need the exact moment, in the reader's zone. */
export function formatDateTime(t: number | null | undefined): string {
  return t == null ? '–' : dateTime.format(t);
}

/** Today's moments need only the time; older ones get their date. */
export function formatWhen(t: number | null | undefined, now = Date.now()): string {
  if (t == null) return '–';
  return new Date(t).toDateString() === new Date(now).toDateString() ? timeOnly.format(t) : dateTime.format(t);
}

/** "3 minutes ago": how fresh something is matters more than when exactly. */
export function formatAgo(t: number | null | undefined, now = Date.now()): string {
  if (t == null) return 'never';
  const seconds = Math.round((t - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3_600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3_600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

/** For <input type="datetime-local">, which speaks local wall-clock time without a zone. */
export function toLocalInput(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : null;
}
