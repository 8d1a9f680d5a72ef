import { UnrecoverableError, type Job } from 'bullmq';
import { signActionLink, type LinkAction } from '@vigia/auth';
import { messageContext, renderTemplate } from '@vigia/core';
import type { Database } from '@vigia/db';
import type { NotifyPayload } from '@vigia/live';
import { readNotification, recordAttempts, type DeliveredCopy, type LedgerAttempt } from './delivery-ledger.ts';
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
  let delivered: DeliveredCopy[] = [];
  if (job.data.test) {
    channelName = job.data.test.channel;
    notification = testNotification(channelName, job.data.test.requestedBy, options.vigiaUrl);
    alertId = 'test';
    notificationId = notification.notificationId;
  } else {
    const row = await readNotification(db, job.data.notificationId!);
    if (!row) return { delivered: false, skipped: 'no such notification' };
    if (row.state === 'delivered' || row.state === 'failed') return { delivered: row.state === 'delivered', skipped: `already ${row.state}` };
    notification = row.payload;
    channelName = row.channel;
    alertId = row.alertId;
    notificationId = row.id;
    delivered = row.delivered;
  }

  const served = new Set<string | null>();
  const channel = channels.get(channelName);
  if (!channel) {
    await finish([{ recipient: null, outcome: 'permanent', durationMs: 0, error: `channel "${channelName}" is not configured or not enabled on this worker` }]);
    throw new UnrecoverableError(`channel ${channelName} is not configured`);
  }

  // A channel that addresses people one by one gets one copy each, with links signed for them;
  // recipients already served by an earlier attempt are not sent the message again. A page of
  // one on-call person names its recipient (their address) and reaches only them.
  const everyone: (string | null)[] = notification.recipient ? [notification.recipient] : (channel.notifier.recipients?.(channel.config) ?? [null]);
  for (const copy of delivered) if (copy.notificationId === notificationId) served.add(copy.recipient);
  const pending = everyone.filter((r) => !served.has(r));
  const attempts: LedgerAttempt[] = [];
  let receipt: DeliveryReceipt | void = undefined;
  let lastError: unknown;
  for (const [i, recipient] of pending.entries()) {
    // The receiver's id of the last message about this alert, so a channel can edit it in place.
    const previousExternalId = delivered.find((p) => p.recipient === recipient && p.externalId)?.externalId ?? undefined;
    const linked = options.links ? withLinks(notification, recipient ?? `${channelName} channel`, options.links) : notification;
    const copy = channel.template ? { ...linked, message: renderTemplate(channel.template, messageContext({ ...linked, recipient: recipient ?? undefined } as AlertNotification)) } : linked;
    const started = performance.now();
    try {
      receipt = await sendWithTimeout(channel, { ...copy, ...(recipient ? { recipient } : {}), ...(previousExternalId ? { previousExternalId } : {}) }, options.timeoutMs, logger);
      const attempt: LedgerAttempt = { recipient, outcome: 'delivered', durationMs: performance.now() - started, externalId: receipt?.externalId };
      // Served recipients are recorded at once (a crash later must not send them a second copy);
      // the last one lands with the notification's new state, so readers see both together.
      if (i < pending.length - 1) await insertAttempts([attempt]);
      else attempts.push(attempt);
    } catch (error) {
      lastError = error;
      attempts.push({ recipient, outcome: isPermanentError(error) ? 'permanent' : 'retryable', durationMs: performance.now() - started, error: (error as Error)?.message ?? String(error) });
      logger.warn('delivery failed', {
        channel: channelName,
        notification: notificationId,
        recipient: recipient ?? undefined,
        attempt,
        permanent: isPermanentError(error),
        error: (error as Error)?.message,
      });
    }
  }
  await finish(attempts);
  const retry = attempts.find((a) => a.outcome === 'retryable');
  if (retry) throw lastError instanceof Error ? lastError : new Error(retry.error);
  const permanent = attempts.find((a) => a.outcome === 'permanent');
  if (permanent && attempts.every((a) => a.outcome !== 'delivered') && served.size === 0) throw new UnrecoverableError(permanent.error ?? 'permanent failure');
  return { delivered: true, detail: receipt?.detail, externalId: receipt?.externalId };

  async function insertAttempts(rows: LedgerAttempt[]): Promise<void> {
    await recordAttempts(db, { id: notificationId, alertId, channel: channelName, attempt }, rows);
  }

  /** The ledger rows of this attempt and the notification's state, together. */
  async function finish(rows: LedgerAttempt[]): Promise<void> {
    if (job.data.test) return insertAttempts(rows);
    const retryable = rows.some((a) => a.outcome === 'retryable');
    const someDelivered = served.size > 0 || rows.some((a) => a.outcome === 'delivered');
    const state = retryable ? (attempt >= options.attempts ? 'failed' : null) : someDelivered ? 'delivered' : 'failed';
    await recordAttempts(db, { id: notificationId, alertId, channel: channelName, attempt }, rows, { state, error: rows.find((a) => a.error)?.error ?? null });
  }
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
