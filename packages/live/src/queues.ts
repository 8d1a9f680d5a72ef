import { z } from 'zod';

/** Every queue the workers consume (shared with the API, which reports their depth and enqueues work), its job payloads and how its jobs are kept. */
export const QUEUES = {
  collect: {
    name: 'collect',
    payload: z.object({ collector: z.string() }),
    // Collections are retried by the next tick, never by BullMQ: a late sample is worth less than the next one.
    jobOptions: { removeOnComplete: { count: 50 }, removeOnFail: { count: 200 }, attempts: 1 },
  },
  evaluate: {
    name: 'evaluate',
    payload: z.object({}),
    // A tick that fails is not retried: the next one re-reads everything anyway.
    jobOptions: { removeOnComplete: { count: 20 }, removeOnFail: { count: 100 }, attempts: 1 },
  },
  notify: {
    name: 'notify',
    payload: z.object({ notificationId: z.string().optional(), test: z.object({ channel: z.string(), requestedBy: z.string() }).optional() }),
    // Retries with exponential backoff for retryable failures; a permanent one stops at once.
    jobOptions: { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 }, attempts: 8, backoff: { type: 'exponential' as const, delay: 2_000 } },
  },
  escalate: {
    name: 'escalate',
    /** With `user` and `rule`: one delayed notification rule of a person the step paged ("after 5 min by SMS"). */
    payload: z.object({ alertId: z.string(), step: z.number().int().nonnegative(), user: z.string().optional(), rule: z.number().int().nonnegative().optional(), schedule: z.string().optional() }),
    jobOptions: { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 1_000 }, attempts: 3, backoff: { type: 'exponential' as const, delay: 2_000 } },
  },
  maintenance: {
    name: 'maintenance',
    payload: z.object({ task: z.enum(['retention']) }),
    jobOptions: { removeOnComplete: { count: 20 }, removeOnFail: { count: 50 }, attempts: 3, backoff: { type: 'exponential' as const, delay: 10_000 } },
  },
} as const;

export const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * The collect queue of one machine, for collectors that measure the machine they run on: only
 * the workers of that host consume it, so each host's ticks are run there, once however many
 * workers share the machine. Characters BullMQ or Redis keys would trip on become `_`.
 */
export function hostCollectQueueName(host: string): string {
  return `${QUEUES.collect.name}-host.${host.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

export type CollectPayload = z.infer<typeof QUEUES.collect.payload>;
export type MaintenancePayload = z.infer<typeof QUEUES.maintenance.payload>;
export type NotifyPayload = z.infer<typeof QUEUES.notify.payload>;
export type EscalatePayload = z.infer<typeof QUEUES.escalate.payload>;
