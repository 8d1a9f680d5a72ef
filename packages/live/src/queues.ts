import { z } from 'zod';

/** Every queue the workers consume (shared with the API, which reports their depth and enqueues work), its job payloads and how its jobs are kept. */
export const QUEUES = {
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
} as const;

export type NotifyPayload = z.infer<typeof QUEUES.notify.payload>;
export type EscalatePayload = z.infer<typeof QUEUES.escalate.payload>;
