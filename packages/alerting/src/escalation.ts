import type { Queue } from 'bullmq';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { alertEvents, alerts, auditEvents, notifications, type Database } from '@vigia/db';
import { QUEUES, type EscalatePayload } from '@vigia/live';
import type { AlertEvent, AlertStore } from './alert-store.ts';
import { buildNotification, notificationId } from './notification-payload.ts';
import { loadSchedules, withStoredOncall } from './oncall-schedules.ts';
import { describePage, pagedUsers, pagesFor, possiblyPaged, shownAddress, type Page } from './paging.ts';

const jobId = (alertId: string, step: number) => `${alertId}.esc.${step}`;
/** A delayed notification rule of one paged person (user names may hold characters job ids may not). */
const ruleJobId = (alertId: string, step: number, user: string, rule: number) => `${alertId}.esc.${step}.${encodeURIComponent(user).replaceAll('.', '%2E')}.${rule}`;
/** How a step's event names the step (a step is taken once: this is how it is found again). */
const stepMarker = (step: number) => `: step ${step + 1} notifies `;
const ruleMarker = (step: number, user: string, rule: number) => `: step ${step + 1} rule ${rule + 1} of ${user} pages `;

/**
 * Escalation policies (alerts.escalation): when an alert of a severity starts firing, one delayed
 * job per step; an acknowledgement or resolution removes the steps still waiting. A step that
 * runs anyway (the removal raced it) checks the alert again and does nothing if it was handled.
 */
export class Escalations {
  constructor(
    private readonly queue: Queue<EscalatePayload>,
    private readonly config: VigiaConfig,
    /** Where people and schedules added from the dashboard are read (without it, monitoring.yaml's only). */
    private readonly db?: Database,
  ) {}

  private async oncallConfig(db = this.db): Promise<VigiaConfig> {
    return db ? withStoredOncall(db, this.config) : this.config;
  }

  private steps(severity: string) {
    return this.config.alerts.escalation[severity as keyof VigiaConfig['alerts']['escalation']] ?? [];
  }

  private job(alertId: string, step: number, delay: number) {
    return { name: 'escalate', data: { alertId, step }, opts: { ...QUEUES.escalate.jobOptions, delay, jobId: jobId(alertId, step) } };
  }

  /**
   * Puts back the steps still to come for every alert firing unacknowledged, from PostgreSQL: a
   * Redis that restarted empty lost the delayed jobs. Steps already taken are left out, but the
   * later notification rules of the people they paged that have not run are put back; job ids
   * make it harmless where the jobs were not lost. Returns how many jobs it handed to the queue.
   */
  async restore(db: Database, now = Date.now()): Promise<number> {
    const severities = Object.keys(this.config.alerts.escalation).filter((s) => this.steps(s).length);
    if (!severities.length) return 0;
    const config = await this.oncallConfig(db);
    const open = await db
      .select({
        id: alerts.id,
        severity: alerts.severity,
        firedAt: sql<string | null>`(SELECT min(e.at) FROM alert_events e WHERE e.alert_id = alerts.id AND e.type = 'firing')`,
        taken: sql<
          { comment: string; at: string }[]
        >`(SELECT coalesce(json_agg(json_build_object('comment', e.comment, 'at', e.at)), '[]'::json) FROM alert_events e WHERE e.alert_id = alerts.id AND e.type = 'escalated' AND e.comment IS NOT NULL)`,
      })
      .from(alerts)
      .where(and(eq(alerts.status, 'firing'), inArray(alerts.severity, severities)));
    const jobs = [];
    for (const a of open) {
      const firedAt = a.firedAt ? new Date(a.firedAt).getTime() : now;
      for (const [step, s] of this.steps(a.severity).entries()) {
        const taken = a.taken.find((t) => t.comment.includes(stepMarker(step)));
        if (!taken) {
          jobs.push(this.job(a.id, step, Math.max(0, firedAt + s.after - now)));
          continue;
        }
        // A step taken already may have left later rules of the people it paged ("after 5m by
        // sms"): who it paged is worked out again for the moment it was taken.
        if (!s.schedules.length && !s.users.length) continue;
        const at = new Date(taken.at).getTime();
        const { paged } = pagedUsers(s.schedules.length ? await loadSchedules(db, config, at, at + 1, config.oncall) : {}, s, at);
        for (const p of paged) {
          (config.oncall.users[p.user]?.rules ?? []).forEach((rule, i) => {
            if (rule.afterMs <= 0 || a.taken.some((t) => t.comment.includes(ruleMarker(step, p.user, i)))) return;
            jobs.push(this.ruleJob(a.id, step, { user: p.user, rule: i, schedule: p.schedule, afterMs: Math.max(0, at + rule.afterMs - now) }));
          });
        }
      }
    }
    if (jobs.length) await this.queue.addBulk(jobs);
    return jobs.length;
  }

  private ruleJob(alertId: string, step: number, p: { user: string; rule: number; schedule?: string; afterMs: number }) {
    return {
      name: 'escalate',
      data: { alertId, step, user: p.user, rule: p.rule, schedule: p.schedule },
      opts: { ...QUEUES.escalate.jobOptions, delay: p.afterMs, jobId: ruleJobId(alertId, step, p.user, p.rule) },
    };
  }

  async cancel(alertId: string, severity: string): Promise<void> {
    const steps = this.steps(severity);
    const config = steps.some((s) => s.schedules.length || s.users.length) ? await this.oncallConfig() : this.config;
    const ids = steps.flatMap((s, step) => [
      jobId(alertId, step),
      ...possiblyPaged(config, s).flatMap((user) => (config.oncall.users[user]?.rules ?? []).map((_, rule) => ruleJobId(alertId, step, user, rule))),
    ]);
    await Promise.all(ids.map((id) => this.queue.remove(id).catch(() => 0)));
  }

  /** Queues the later notification rules of the people a step paged ("after 5 min by SMS"). */
  async pageLater(alertId: string, step: number, pages: Page[]): Promise<void> {
    const later = pages.filter((p) => p.afterMs > 0);
    if (!later.length) return;
    await this.queue.addBulk(later.map((p) => this.ruleJob(alertId, step, p)));
  }

  /** Keeps the policies in step with what happened: new episodes scheduled, handled ones cancelled. */
  async follow(events: AlertEvent[]): Promise<void> {
    // One round trip for a tick that opened thousands of alerts, not one each.
    const jobs = events.filter((e) => e.type === 'firing').flatMap((e) => this.steps(e.severity).map((s, step) => this.job(e.alertId, step, s.after)));
    if (jobs.length) await this.queue.addBulk(jobs);
    await Promise.all(events.filter((e) => e.type === 'acknowledged' || e.type === 'resolved').map((e) => this.cancel(e.alertId, e.severity)));
  }
}

/**
 * Runs one escalation step: still firing and unacknowledged? then notify the step's channels and
 * page its people (its users, whoever is on call now in its schedules) through their notification
 * rules: the immediate ones now, the later ones queued on `escalations`. A payload naming a user
 * and rule is one of those later rules. Each page is recorded on the alert and in the audit log.
 */
export async function runEscalationStep(
  db: Database,
  store: AlertStore,
  config: VigiaConfig,
  payload: EscalatePayload,
  now = Date.now(),
  escalations?: Pick<Escalations, 'pageLater'>,
): Promise<AlertEvent[]> {
  const found = await store.get(payload.alertId);
  if (!found || found.alert.status !== 'firing') return [];
  // People and schedules saved from the dashboard count from the next step on, without a restart.
  config = await withStoredOncall(db, config);
  const { alert } = found;
  const step = config.alerts.escalation[alert.severity as keyof VigiaConfig['alerts']['escalation']]?.[payload.step];
  if (!step) return [];
  const laterRule = payload.user !== undefined && payload.rule !== undefined ? { user: payload.user, rule: payload.rule } : undefined;

  let channels: string[] = [];
  let pages: Page[];
  let nobody: string[];
  let marker: string;
  let comment: string;
  if (laterRule) {
    pages = await pagesFor(db, config, [{ user: laterRule.user, schedule: payload.schedule }], laterRule.rule);
    marker = ruleMarker(payload.step, laterRule.user, laterRule.rule);
    comment = `unacknowledged after ${Math.round((step.after + (pages[0]?.afterMs ?? 0)) / 1000)} s${marker}${pages.map(describePage).join('; ') || 'nobody (the rule is gone)'}`;
  } else {
    channels = step.channels.filter((c) => config.channels[c] && config.channels[c]!.enabled !== false);
    const people = pagedUsers(step.schedules.length ? await loadSchedules(db, config, now, now + 1, config.oncall) : {}, step, now);
    nobody = people.nobody;
    pages = await pagesFor(db, config, people.paged);
    marker = stepMarker(payload.step);
    const parts = [
      ...(step.channels.length ? [channels.join(', ') || 'no enabled channel'] : []),
      ...(pages.length
        ? [
            `${pages
              .filter((p) => p.afterMs === 0 || p.problem)
              .map(describePage)
              .concat(pages.filter((p) => p.afterMs > 0 && !p.problem).map((p) => `${describePage(p)} unless acknowledged`))
              .join('; ')}`,
          ]
        : []),
      ...nobody.map((s) => `nobody on call in ${s}`),
    ];
    comment = `unacknowledged after ${Math.round(step.after / 1000)} s${marker}${parts.join('; ')}`;
  }
  const now0 = pages.filter((p) => !p.problem && (laterRule || p.afterMs === 0));
  const seq = laterRule ? `esc${payload.step + 1}.${encodeURIComponent(laterRule.user)}.r${laterRule.rule + 1}` : `esc${payload.step + 1}`;
  const taken = await db.transaction(async (tx) => {
    // Checked again inside the transaction, under the alert's row lock: an acknowledgement that
    // just landed wins, and a step restored after a Redis restart is not taken twice.
    const [current] = await tx
      .select({ status: alerts.status })
      .from(alerts)
      .where(and(eq(alerts.id, alert.id), eq(alerts.status, 'firing')))
      .for('update');
    if (!current) return false;
    const [done] = await tx
      .select({ id: alertEvents.id })
      .from(alertEvents)
      .where(and(eq(alertEvents.alertId, alert.id), eq(alertEvents.type, 'escalated'), like(alertEvents.comment, `%${marker}%`)));
    if (done) return false;
    await tx.insert(alertEvents).values({ alertId: alert.id, at: new Date(now), type: 'escalated', actor: 'vigia', value: alert.value, comment });
    const rows = [
      ...channels.map((channel) => ({ channel, id: notificationId(alert.id, seq, 'escalated', channel), recipient: undefined as string | undefined })),
      ...now0.map((p) => ({
        channel: p.channel,
        id: notificationId(alert.id, laterRule ? seq : `${seq}.${encodeURIComponent(p.user)}.r${p.rule + 1}`, 'escalated', p.channel),
        recipient: p.recipient,
      })),
    ];
    if (rows.length) {
      await tx
        .insert(notifications)
        .values(
          rows.map(({ channel, id, recipient }) => ({
            id,
            alertId: alert.id,
            channel,
            reason: 'escalated',
            payload: { ...buildNotification(alert, 'escalated', seq, channel, { vigiaUrl: config.server.publicUrl, now, comment }), notificationId: id, ...(recipient ? { recipient } : {}) },
            state: 'pending' as const,
          })),
        )
        .onConflictDoNothing();
    }
    const audited = laterRule ? pages : pages.filter((p) => p.afterMs === 0 || p.problem);
    if (audited.length) {
      await tx.insert(auditEvents).values(
        audited.map((p) => ({
          at: new Date(now),
          actor: 'vigia',
          action: p.problem ? 'oncall.page_skipped' : 'oncall.page',
          targetType: 'alert',
          targetId: alert.id,
          detail: {
            user: p.user,
            schedule: p.schedule ?? null,
            channel: p.channel,
            recipient: shownAddress(p) ?? null,
            step: payload.step + 1,
            rule: p.rule + 1,
            ...(p.problem ? { problem: p.problem } : {}),
          },
        })),
      );
    }
    return true;
  });
  if (!taken) return [];
  if (!laterRule)
    await escalations?.pageLater(
      alert.id,
      payload.step,
      pages.filter((p) => !p.problem),
    );
  return [{ alertId: alert.id, type: 'escalated', rule: alert.rule, severity: alert.severity, status: alert.status, labels: alert.labels, value: alert.value, actor: 'vigia', comment, at: now }];
}
