import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { SampleWriter, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL } from '@vigia/testing';

export interface FedSample {
  name: string;
  labels?: Record<string, string>;
  value: number;
}

export interface SampleFeed {
  /** Ends the feed once its write under way has landed. */
  stop(): Promise<void>;
}

function batch(samples: FedSample[]) {
  const timestamp = Date.now();
  return { source: 'test', samples: samples.map(({ name, labels = {}, value }) => ({ key: seriesKey(name, labels), name, labels, value, timestamp })) };
}

function writerFor(redis: Redis, prefix: string): SampleWriter {
  return new SampleWriter(redis, redisKeys(prefix), { liveWindowMs: 60_000 });
}

/** Writes `samples` into the live store under `prefix` (a stack's) once, stamped now. */
export async function writeSamples(prefix: string, samples: FedSample[]): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    await writerFor(redis, prefix).write(batch(samples));
  } finally {
    redis.disconnect();
  }
}

/**
 * Stands in for a collector: writes what `next` gives into the live store under `prefix`
 * (a stack's), stamped now, every `everyMs` until stopped. `next` is asked again each time, so a
 * test changes what is fed by changing what it reads.
 */
export function feedSamples(prefix: string, next: () => FedSample[], everyMs = 100): SampleFeed {
  const redis = new Redis(TEST_REDIS_URL);
  const writer = writerFor(redis, prefix);
  let feeding = true;
  const loop = (async () => {
    while (feeding) {
      const samples = next();
      if (samples.length) await writer.write(batch(samples));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      feeding = false;
      await loop.finally(() => redis.disconnect());
    },
  };
}
