import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { publishAlertEvents, runEscalationStep, type AlertStore, type Escalations, type OutboxRelay } from '@vigia/alerting';
import type { VigiaConfig } from '@vigia/config';
import type { Store } from '@vigia/db';
import { QUEUES, type EscalatePayload, type RedisKeys } from '@vigia/live';

/** One escalation step of one alert, due when its delayed job comes up: the `escalate` queue's processor. */
export function escalateJob(deps: { store: Store; alertStore: AlertStore; config: VigiaConfig; escalations: Escalations; redis: Redis; keys: RedisKeys; relay: OutboxRelay }) {
  const { store, alertStore, config, escalations, redis, keys, relay } = deps;
  return async (job: Job<EscalatePayload>) => {
    const events = await runEscalationStep(store.db, alertStore, config, QUEUES.escalate.payload.parse(job.data), Date.now(), escalations);
    await publishAlertEvents(redis, keys, events);
    if (events.length) relay.kick();
    return { escalated: events.length > 0 };
  };
}
