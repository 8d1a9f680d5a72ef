import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { formatDuration, renderTemplate, type SeriesState, type NotificationReason } from '@vigia/core';
import { alertEvents, alertStates, alerts, notifications, type Database } from '@vigia/db';
import { buildNotification, notificationId } from './notification-payload.ts';
import type { AlertEvent, Change } from './alert-change.ts';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type AlertRow = typeof alerts.$inferSelect;

/** Rows per multi-row statement: keeps every statement well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1_000;

const d = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

function stateColumns(s: SeriesState) {
  return {
    status: s.status,
    pendingSince: d(s.pendingSince),
    episodeId: s.episodeId ?? null,
    firedAt: d(s.firedAt),
    lastResolvedAt: d(s.lastResolvedAt),
    clearSince: d(s.clearSince),
    lastNotifiedAt: d(s.lastNotifiedAt),
    notifiedState: s.notifiedState,
    repeats: s.repeats,
    notifySeq: s.notifySeq,
    held: s.held ?? null,
  };
}

const EPISODE_STATUS = { firing: 'firing', acknowledged: 'acknowledged', inactive: 'resolved', pending: 'resolved' } as const;

/** A short, stable tag for a rule name (part of notification ids). */
function ruleTag(name: string): string {
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h.toString(36);
}

const stateKey = (rule: string, seriesKey: string) => `${rule}\u0000${seriesKey}`;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `(VALUES (…), (…)) AS alias(col, …)` with every value cast, so PostgreSQL knows each column's type. */
function valuesTable(alias: string, columns: [name: string, type: string][], rows: unknown[][]): SQL {
  const tuples = rows.map(
    (row) =>
      sql`(${sql.join(
        row.map((value, i) => sql`${value}::${sql.raw(columns[i]![1])}`),
        sql`, `,
      )})`,
  );
  return sql`(VALUES ${sql.join(tuples, sql`, `)}) AS ${sql.raw(alias)}(${sql.raw(columns.map(([name]) => name).join(', '))})`;
}

/**
 * Splits changes into groups that can each go out as one set of multi-row statements: within a
 * group no engine state and no episode appears twice (an UPDATE … FROM touches a row once), and
 * groups keep the order the changes were made in.
 */
export function independentGroups(changes: Change[]): Change[][] {
  const groups: Change[][] = [];
  let current: Change[] = [];
  let seen = new Set<string>();
  for (const change of changes) {
    const keys = [stateKey(change.rule.name, change.seriesKey), change.step.state.episodeId ? `episode\u0000${change.step.state.episodeId}` : ''].filter(Boolean);
    if (current.length >= ROWS_PER_STATEMENT || keys.some((k) => seen.has(k))) {
      groups.push(current);
      current = [];
      seen = new Set();
    }
    current.push(change);
    for (const k of keys) seen.add(k);
  }
  if (current.length) groups.push(current);
  return groups;
}

/**
 * Engine states, with the version check: a change whose state moved since it was read (a person
 * acted, another worker ticked) is left out and returned as a conflict.
 */
async function writeStates(tx: Tx, changes: Change[]): Promise<{ applied: Change[]; conflicts: Change[] }> {
  const written = new Set<string>();
  const inserts = changes.filter((c) => c.version === null);
  const updates = changes.filter((c) => c.version !== null);
  if (inserts.length) {
    const rows = await tx
      .insert(alertStates)
      .values(inserts.map((c) => ({ rule: c.rule.name, seriesKey: c.seriesKey, ...stateColumns(c.step.state), labels: c.labels, lastValue: c.value, updatedAt: new Date(c.now), version: 1 })))
      .onConflictDoNothing()
      .returning({ rule: alertStates.rule, seriesKey: alertStates.seriesKey });
    for (const r of rows) written.add(stateKey(r.rule, r.seriesKey));
  }
  if (updates.length) {
    const v = valuesTable(
      'v',
      [
        ['rule', 'text'],
        ['series_key', 'text'],
        ['version', 'int'],
        ['labels', 'jsonb'],
        ['status', 'text'],
        ['pending_since', 'timestamptz'],
        ['episode_id', 'text'],
        ['fired_at', 'timestamptz'],
        ['last_resolved_at', 'timestamptz'],
        ['clear_since', 'timestamptz'],
        ['last_notified_at', 'timestamptz'],
        ['notified_state', 'text'],
        ['repeats', 'int'],
        ['notify_seq', 'int'],
        ['held', 'text'],
        ['last_value', 'float8'],
        ['updated_at', 'timestamptz'],
      ],
      updates.map((c) => {
        const s = stateColumns(c.step.state);
        return [
          c.rule.name,
          c.seriesKey,
          c.version,
          JSON.stringify(c.labels),
          s.status,
          s.pendingSince,
          s.episodeId,
          s.firedAt,
          s.lastResolvedAt,
          s.clearSince,
          s.lastNotifiedAt,
          s.notifiedState,
          s.repeats,
          s.notifySeq,
          s.held,
          c.value,
          new Date(c.now),
        ];
      }),
    );
    const column = (name: string) => sql.raw(`v.${name}`);
    const rows = await tx
      .update(alertStates)
      .set({
        labels: column('labels'),
        status: column('status'),
        pendingSince: column('pending_since'),
        episodeId: column('episode_id'),
        firedAt: column('fired_at'),
        lastResolvedAt: column('last_resolved_at'),
        clearSince: column('clear_since'),
        lastNotifiedAt: column('last_notified_at'),
        notifiedState: column('notified_state'),
        repeats: column('repeats'),
        notifySeq: column('notify_seq'),
        held: column('held'),
        lastValue: column('last_value'),
        updatedAt: column('updated_at'),
        version: sql`v.version + 1`,
      })
      .from(v)
      .where(and(eq(alertStates.rule, sql`v.rule`), eq(alertStates.seriesKey, sql`v.series_key`), eq(alertStates.version, sql`v.version`)))
      .returning({ rule: alertStates.rule, seriesKey: alertStates.seriesKey });
    for (const r of rows) written.add(stateKey(r.rule, r.seriesKey));
  }
  const applied: Change[] = [];
  const conflicts: Change[] = [];
  for (const c of changes) (written.has(stateKey(c.rule.name, c.seriesKey)) ? applied : conflicts).push(c);
  return { applied, conflicts };
}

function renderContext(c: Change) {
  return {
    value: c.value,
    threshold: c.rule.threshold,
    duration: formatDuration(Math.max(0, c.now - (c.prev.pendingSince ?? c.now))),
    labels: c.labels,
    rule: c.rule.name,
    metric: c.metric,
    severity: c.rule.severity,
  };
}

/** New episodes: the row people see, created as it was when the rule started to hold. */
async function insertEpisodes(tx: Tx, changes: Change[]): Promise<void> {
  const rows = changes.map((c) => {
    const { rule } = c;
    const ctx = renderContext(c);
    return {
      id: c.step.state.episodeId!,
      rule: rule.name,
      seriesKey: c.seriesKey,
      metric: c.metric,
      labels: c.labels,
      severity: rule.severity,
      status: 'firing' as const,
      operator: rule.operator,
      threshold: rule.threshold,
      value: c.value,
      peakValue: c.value,
      summary: c.summary ?? renderTemplate(rule.annotations.summary ?? `${rule.name}: ${c.metric} is {{ value }} (${rule.operator} {{ threshold }})`, ctx),
      description: rule.annotations.description ? renderTemplate(rule.annotations.description, ctx) : null,
      runbookUrl: rule.annotations.runbook_url ? renderTemplate(rule.annotations.runbook_url, ctx) : null,
      startedAt: new Date(c.prev.pendingSince ?? c.now),
    };
  });
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) await tx.insert(alerts).values(part);
}

/** What each change does to its episode: status, severity, value and peak, acknowledgement, resolution. */
async function updateEpisodes(tx: Tx, changes: Change[]): Promise<Map<string, AlertRow>> {
  const v = valuesTable(
    'v',
    [
      ['id', 'text'],
      ['status', 'text'],
      ['severity', 'text'],
      ['value', 'float8'],
      ['lower_is_worse', 'boolean'],
      ['ack', 'text'],
      ['resolve', 'text'],
      ['actor', 'text'],
      ['at', 'timestamptz'],
      ['summary', 'text'],
    ],
    changes.map((c) => {
      const events = c.step.events;
      const status = c.keepEpisodeOpen ? EPISODE_STATUS[c.prev.status] : EPISODE_STATUS[c.step.state.status];
      // Later events win, as they happened: an escalation asks for a person again.
      let ack: 'set' | 'clear' | null = null;
      if (events.includes('acknowledged')) ack = 'set';
      if (events.includes('unacknowledged')) ack = 'clear';
      if (events.includes('escalated') && c.severity) ack = 'clear';
      let resolve: 'set' | 'clear' | null = null;
      if (events.includes('resolved') && !c.keepEpisodeOpen) resolve = 'set';
      if (events.includes('reopened')) resolve = 'clear';
      return [c.step.state.episodeId, status, c.severity ?? null, c.value, c.rule.operator === '<' || c.rule.operator === '<=', ack, resolve, c.actor, new Date(c.now), c.summary ?? null];
    }),
  );
  const rows = await tx
    .update(alerts)
    .set({
      status: sql`v.status`,
      updatedAt: sql`v.at`,
      severity: sql`COALESCE(v.severity, ${alerts.severity})`,
      summary: sql`COALESCE(v.summary, ${alerts.summary})`,
      value: sql`COALESCE(v.value, ${alerts.value})`,
      peakValue: sql`CASE WHEN v.value IS NULL THEN ${alerts.peakValue} WHEN ${alerts.peakValue} IS NULL THEN v.value
        WHEN v.lower_is_worse AND v.value < ${alerts.peakValue} THEN v.value WHEN NOT v.lower_is_worse AND v.value > ${alerts.peakValue} THEN v.value
        ELSE ${alerts.peakValue} END`,
      acknowledgedAt: sql`CASE v.ack WHEN 'set' THEN v.at WHEN 'clear' THEN NULL ELSE ${alerts.acknowledgedAt} END`,
      acknowledgedBy: sql`CASE v.ack WHEN 'set' THEN v.actor WHEN 'clear' THEN NULL ELSE ${alerts.acknowledgedBy} END`,
      resolvedAt: sql`CASE v.resolve WHEN 'set' THEN v.at WHEN 'clear' THEN NULL ELSE ${alerts.resolvedAt} END`,
      resolvedBy: sql`CASE v.resolve WHEN 'set' THEN v.actor WHEN 'clear' THEN NULL ELSE ${alerts.resolvedBy} END`,
    })
    .from(v)
    .where(eq(alerts.id, sql`v.id`))
    .returning(getTableColumns(alerts));
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Writes one group of independent changes with a handful of multi-row statements, inside the
 * caller's transaction: engine states (version-checked), new episodes, every episode's update,
 * its timeline and the notifications it causes (the outbox). Returns what happened, for live
 * subscribers, and the changes that lost a race.
 */
export async function writeChanges(tx: Tx, changes: Change[], vigiaUrl: string): Promise<{ events: AlertEvent[]; conflicts: Change[] }> {
  const { applied, conflicts } = await writeStates(tx, changes);
  // Pending-only steps change the engine's memory, not an episode.
  const episodic = applied.filter((c) => c.step.state.episodeId && !c.step.events.every((e) => e === 'pending'));
  if (!episodic.length) return { events: [], conflicts };

  await insertEpisodes(
    tx,
    episodic.filter((c) => c.step.newEpisode),
  );
  const episodes = await updateEpisodes(tx, episodic);

  const events: AlertEvent[] = [];
  const timeline: (typeof alertEvents.$inferInsert)[] = [];
  const outbox: (typeof notifications.$inferInsert)[] = [];
  for (const c of episodic) {
    const episodeId = c.step.state.episodeId!;
    const alert = episodes.get(episodeId);
    // An episode deleted meanwhile has no timeline to add to.
    if (!alert) continue;
    const stored = c.step.events.filter((e) => e !== 'pending');
    for (const type of stored) {
      timeline.push({ alertId: episodeId, at: new Date(c.now), type, actor: c.actor, value: c.value, comment: c.comment ?? null });
      events.push({ alertId: episodeId, type, rule: c.rule.name, severity: alert.severity, status: alert.status, labels: c.labels, value: c.value, actor: c.actor, comment: c.comment, at: c.now });
    }
    if (!c.step.notify) continue;
    const reason = c.step.notify as NotificationReason;
    // Two rules can share an episode (a severity raised): each numbers its own messages.
    const seq = alert.rule === c.rule.name ? c.step.state.notifySeq : `${ruleTag(c.rule.name)}-${c.step.state.notifySeq}`;
    for (const channel of c.channels) {
      outbox.push({
        id: notificationId(episodeId, seq, reason, channel),
        alertId: episodeId,
        channel,
        reason,
        payload: buildNotification(alert, reason, seq, channel, { vigiaUrl, now: c.now, unit: c.unit, comment: c.comment }),
        state: 'pending',
      });
    }
  }
  for (const part of chunks(timeline, ROWS_PER_STATEMENT)) await tx.insert(alertEvents).values(part);
  for (const part of chunks(outbox, ROWS_PER_STATEMENT)) await tx.insert(notifications).values(part).onConflictDoNothing();
  return { events, conflicts };
}
