import type { Queue } from 'bullmq';
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { notifications, type Database } from '@vigia/db';
import { QUEUES, type NotifyPayload } from '@vigia/live';
import type { Logger } from '@vigia/core';

/**
 * Hands committed notifications to the delivery queue. The job id is the notification id, so a
 * relay that crashes after enqueueing and enqueues again adds nothing; rows stay `pending` until
 * enqueued, so a crash before enqueueing loses nothing either. Several workers may relay at once.
 */
/**
 * The poll's read, prepared once: it runs on every worker and almost always finds nothing, so it
 * should cost neither the ORM's query building nor a parse and plan each time.
 */
function pendingStatement(db: Database) {
  return db
    .select({ id: notifications.id })
    .from(notifications)
    .where(or(eq(notifications.state, 'pending'), and(eq(notifications.state, 'enqueued'), lt(notifications.enqueuedAt, sql.placeholder('stale')))))
    .orderBy(notifications.createdAt)
    .limit(500)
    .prepare('vigia_outbox_pending');
}

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private pending?: ReturnType<typeof pendingStatement>;
  /** Every pass runs after the one before it: a pass never races another over the same rows. */
  private passes: Promise<void> = Promise.resolve();
  private queued = false;
  private stopped = false;
  /** Attempts and backoff from the config (alerts.delivery). */
  jobOptions: { attempts?: number; backoff?: { type: 'vigia'; delay: number } } = {};

  constructor(
    private readonly db: Database,
    private readonly queue: Queue<NotifyPayload>,
    private readonly logger: Logger,
    // The engine kicks the relay after every commit that wrote notifications, and a commit
    // anywhere else (a person's acknowledgement in the API) nudges it through Redis pub/sub (see
    // publishAlertEvents). The poll is the safety net for a nudge lost while Redis was away.
    private readonly intervalMs = 15_000,
  ) {}

  /** Moves every pending notification to the queue; returns how many. */
  async relay(): Promise<number> {
    let total = 0;
    for (;;) {
      // Rows marked `enqueued` by a relay that died before the queue took them are retried after a minute.
      const stale = new Date(Date.now() - 60_000).toISOString();
      this.pending ??= pendingStatement(this.db);
      const rows = await this.pending.execute({ stale });
      if (rows.length === 0) return total;
      await this.queue.addBulk(rows.map((r) => ({ name: 'deliver', data: { notificationId: r.id }, opts: { ...QUEUES.notify.jobOptions, ...this.jobOptions, jobId: r.id } })));
      await this.db
        .update(notifications)
        .set({ state: 'enqueued', enqueuedAt: new Date() })
        .where(
          and(
            inArray(
              notifications.id,
              rows.map((r) => r.id),
            ),
            inArray(notifications.state, ['pending', 'enqueued']),
          ),
        );
      total += rows.length;
      if (rows.length < 500) return total;
    }
  }

  /** Queues one pass after the current one; kicks that arrive while one is queued join it. */
  private schedule(): Promise<void> {
    if (this.queued) return this.passes;
    this.queued = true;
    this.passes = this.passes.then(async () => {
      this.queued = false;
      try {
        await this.relay();
      } catch (error) {
        this.logger.warn('outbox relay failed; retrying', { error: (error as Error).message });
      }
    });
    return this.passes;
  }

  /** Relays now rather than at the next poll (the caller just committed notifications). */
  kick(): void {
    if (!this.stopped) void this.schedule();
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      await this.schedule();
      if (!this.stopped) this.timer = setTimeout(loop, this.intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.passes;
  }
}
