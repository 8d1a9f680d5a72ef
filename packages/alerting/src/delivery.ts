import { UnrecoverableError, type Job } from 'bullmq';
import { and, desc, eq, sql } from 'drizzle-orm';
import { signActionLink, type LinkAction } from '@vigia/auth';
import { messageContext, renderTemplate } from '@vigia/core';
import { deliveries, notifications, type Database } from '@vigia/db';
import type { NotifyPayload } from '@vigia/live';
import { isPermanentError, type AlertNotification, type DeliveryReceipt, type Logger, type Notifier } from '@vigia/plugin-sdk';

export interface Channel {
  name: string;
  notifier: Notifier<unknown>;
  config: unknown;
  /** `channels.<name>.template`: the channel's own message text (fields: MESSAGE_FIELDS). */
  template?: string;
}

export interface DeliveryOptions {
  timeoutMs: number;
  attempts: number;
  vigiaUrl: string;
  /** Signs the acknowledge / silence links of each copy (the API's SECRET_KEY). */
  links?: { secret: string; ttlMs: number };
}

export interface DeliveryOutcome {
  delivered: boolean;
  skipped?: string;
  detail?: string;
  externalId?: string;
}

class TimeoutError extends Error {}

/** A notification of reason `test`, sent by `channels.test` to check a channel end to end. */
export function testNotification(channel: string, requestedBy: string, vigiaUrl: string): AlertNotification {
  const now = new Date().toISOString();
  return {
    notificationId: `test.${Date.now()}.${channel}`,
    reason: 'test',
    status: 'firing',
    alertId: 'test',
    episodeId: 'test',
    rule: 'Test notification',
    severity: 'info',
    metric: 'vigia_test',
    labels: { requested_by: requestedBy },
    value: 1,
    threshold: 0,
    operator: '>',
    startedAt: now,
    durationSeconds: 0,
    summary: `Test notification from Vigia, requested by ${requestedBy}`,
    links: { alert: vigiaUrl },
    channel,
    vigiaUrl,
  };
}

/**
 * Processes one delivery job: one attempt of one notification to one channel, recorded in the
 * ledger whatever happens. Delivered rows are never sent again; a permanent failure stops at
 * once; anything else is retried by BullMQ with backoff.
 */
export async function deliver(job: Job<NotifyPayload>, db: Database, channels: Map<string, Channel>, options: DeliveryOptions, logger: Logger): Promise<DeliveryOutcome> {
  const attempt = job.attemptsMade + 1;
  let notification: AlertNotification;
  let channelName: string;
  let alertId: string;
  let notificationId: string;
  if (job.data.test) {
    channelName = job.data.test.channel;
    notification = testNotification(channelName, job.data.test.requestedBy, options.vigiaUrl);
    alertId = 'test';
    notificationId = notification.notificationId;
  } else {
    const [row] = await db.select().from(notifications).where(eq(notifications.id, job.data.notificationId!));
    if (!row) return { delivered: false, skipped: 'no such notification' };
    if (row.state === 'delivered' || row.state === 'failed') return { delivered: row.state === 'delivered', skipped: `already ${row.state}` };
    notification = row.payload;
    channelName = row.channel;
    alertId = row.alertId;
    notificationId = row.id;
  }

  const served = new Set<string | null>();
  const channel = channels.get(channelName);
  if (!channel) {
    await finish([{ recipient: null, outcome: 'permanent', durationMs: 0, error: `channel "${channelName}" is not configured or not enabled on this worker` }]);
    throw new UnrecoverableError(`channel ${channelName} is not configured`);
  }

  // A channel that addresses people one by one gets one copy each, with links signed for them;
  // recipients already served by an earlier attempt are not sent the message again.
  const everyone: (string | null)[] = channel.notifier.recipients?.(channel.config) ?? [null];
  if (!job.data.test) {
    const done = await db.select({ recipient: deliveries.recipient }).from(deliveries).where(and(eq(deliveries.notificationId, notificationId), eq(deliveries.outcome, 'delivered')));
    for (const row of done) served.add(row.recipient);
  }
  const pending = everyone.filter((r) => !served.has(r));
  const attempts: Attempt[] = [];
  let receipt: DeliveryReceipt | void = undefined;
  let lastError: unknown;
  // The receiver's id of the last message about this alert, so a channel can edit it in place.
  const previous = job.data.test
    ? []
    : await db
        .select({ recipient: deliveries.recipient, externalId: deliveries.externalId })
        .from(deliveries)
        .where(and(eq(deliveries.alertId, alertId), eq(deliveries.channel, channelName), eq(deliveries.outcome, 'delivered')))
        .orderBy(desc(deliveries.id));
  for (const [i, recipient] of pending.entries()) {
    const previousExternalId = previous.find((p) => p.recipient === recipient && p.externalId)?.externalId ?? undefined;
    const linked = options.links ? withLinks(notification, recipient ?? `${channelName} channel`, options.links) : notification;
    const copy = channel.template ? { ...linked, message: renderTemplate(channel.template, messageContext({ ...linked, recipient: recipient ?? undefined } as AlertNotification)) } : linked;
    const started = performance.now();
    try {
      receipt = await sendWithTimeout(channel, { ...copy, ...(recipient ? { recipient } : {}), ...(previousExternalId ? { previousExternalId } : {}) }, options.timeoutMs, logger);
      const attempt: Attempt = { recipient, outcome: 'delivered', durationMs: performance.now() - started, externalId: receipt?.externalId };
      // Served recipients are recorded at once (a crash later must not send them a second copy);
      // the last one lands with the notification's new state, so readers see both together.
      if (i < pending.length - 1) await insertAttempts([attempt]);
      else attempts.push(attempt);
    } catch (error) {
      lastError = error;
      attempts.push({ recipient, outcome: isPermanentError(error) ? 'permanent' : 'retryable', durationMs: performance.now() - started, error: (error as Error)?.message ?? String(error) });
      logger.warn('delivery failed', { channel: channelName, notification: notificationId, recipient: recipient ?? undefined, attempt, permanent: isPermanentError(error), error: (error as Error)?.message });
    }
  }
  await finish(attempts);
  const retry = attempts.find((a) => a.outcome === 'retryable');
  if (retry) throw lastError instanceof Error ? lastError : new Error(retry.error);
  const permanent = attempts.find((a) => a.outcome === 'permanent');
  if (permanent && attempts.every((a) => a.outcome !== 'delivered') && served.size === 0) throw new UnrecoverableError(permanent.error ?? 'permanent failure');
  return { delivered: true, detail: receipt?.detail, externalId: receipt?.externalId };

  async function insertAttempts(rows: Attempt[], tx: Pick<Database, 'insert'> = db): Promise<void> {
    if (rows.length) await tx.insert(deliveries).values(rows.map((a) => ({ notificationId, alertId, channel: channelName, recipient: a.recipient, attempt, outcome: a.outcome, error: a.error ?? null, durationMs: a.durationMs, externalId: a.externalId ?? null })));
  }

  /** The ledger rows of this attempt and the notification's state, in one transaction. */
  async function finish(rows: Attempt[]): Promise<void> {
    await db.transaction(async (tx) => {
      await insertAttempts(rows, tx);
      if (job.data.test) return;
      const retryable = rows.some((a) => a.outcome === 'retryable');
      const someDelivered = served.size > 0 || rows.some((a) => a.outcome === 'delivered');
      const final = retryable ? (attempt >= options.attempts ? 'failed' : null) : someDelivered ? 'delivered' : 'failed';
      const error = rows.find((a) => a.error)?.error ?? null;
      await tx
        .update(notifications)
        .set({ attempts: sql`${notifications.attempts} + 1`, lastError: error, ...(final ? { state: final, finishedAt: new Date() } : {}) })
        .where(eq(notifications.id, notificationId));
    });
  }
}

interface Attempt {
  recipient: string | null;
  externalId?: string;
  outcome: 'delivered' | 'retryable' | 'permanent';
  durationMs: number;
  error?: string;
}

async function sendWithTimeout(channel: Channel, notification: AlertNotification, timeoutMs: number, logger: Logger): Promise<DeliveryReceipt | void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      channel.notifier.send(notification, { config: channel.config, logger, signal: controller.signal }),
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => {
          controller.abort();
          fail(new TimeoutError(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Signed acknowledge and silence links for one recipient, for messages about something still firing. */
function withLinks(notification: AlertNotification, recipient: string, links: { secret: string; ttlMs: number }): AlertNotification {
  if (!['new', 'repeat', 'escalated'].includes(notification.reason)) return notification;
  const expiresAt = Date.now() + links.ttlMs;
  const url = (action: LinkAction) => `${notification.vigiaUrl}/act/${signActionLink({ alertId: notification.alertId, action, recipient, expiresAt }, links.secret)}`;
  return { ...notification, links: { ...notification.links, acknowledge: url('acknowledge'), silence: url('silence') } };
}

/** Exponential backoff that honours a receiver's Retry-After. */
export function backoffDelay(attemptsMade: number, baseMs: number, error?: Error): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const retryAfter = (error as { retryAfterMs?: number } | undefined)?.retryAfterMs;
  return Math.min(Math.max(exponential, retryAfter ?? 0), 15 * 60_000);
}
