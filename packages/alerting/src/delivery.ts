import { UnrecoverableError, type Job } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { deliveries, notifications, type Database } from '@vigia/db';
import type { NotifyPayload } from '@vigia/live';
import { isPermanentError, type AlertNotification, type Logger, type Notifier } from '@vigia/plugin-sdk';

export interface Channel {
  name: string;
  notifier: Notifier<unknown>;
  config: unknown;
}

export interface DeliveryOptions {
  timeoutMs: number;
  attempts: number;
  vigiaUrl: string;
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

  // The ledger row and the notification's state change together, so readers never see one without the other.
  const record = async (outcome: 'delivered' | 'retryable' | 'permanent', durationMs: number, error?: string) => {
    await db.transaction(async (tx) => {
      await tx.insert(deliveries).values({ notificationId, alertId, channel: channelName, attempt, outcome, error: error ?? null, durationMs });
      if (job.data.test) return;
      const final = outcome === 'delivered' ? 'delivered' : outcome === 'permanent' || attempt >= options.attempts ? 'failed' : null;
      await tx
        .update(notifications)
        .set({ attempts: sql`${notifications.attempts} + 1`, lastError: error ?? null, ...(final ? { state: final, finishedAt: new Date() } : {}) })
        .where(eq(notifications.id, notificationId));
    });
  };

  const channel = channels.get(channelName);
  if (!channel) {
    await record('permanent', 0, `channel "${channelName}" is not configured or not enabled on this worker`);
    throw new UnrecoverableError(`channel ${channelName} is not configured`);
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    const receipt = await Promise.race([
      channel.notifier.send(notification, { config: channel.config, logger, signal: controller.signal }),
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => {
          controller.abort();
          fail(new TimeoutError(`no answer within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }),
    ]);
    await record('delivered', performance.now() - started);
    return { delivered: true, detail: receipt?.detail, externalId: receipt?.externalId };
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    const permanent = isPermanentError(error);
    await record(permanent ? 'permanent' : 'retryable', performance.now() - started, message);
    logger.warn('delivery failed', { channel: channelName, notification: notificationId, attempt, permanent, error: message });
    if (permanent) throw new UnrecoverableError(message);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff that honours a receiver's Retry-After. */
export function backoffDelay(attemptsMade: number, baseMs: number, error?: Error): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const retryAfter = (error as { retryAfterMs?: number } | undefined)?.retryAfterMs;
  return Math.min(Math.max(exponential, retryAfter ?? 0), 15 * 60_000);
}
