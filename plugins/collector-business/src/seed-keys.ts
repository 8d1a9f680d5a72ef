import type { Redis } from 'ioredis';

/** The seed's business keys (after the prefix) and the series each becomes. */
export const SEED_KEYS = [
  { key: 'metrics:orders:today', metric: 'business_orders_today' },
  { key: 'metrics:revenue:today', metric: 'business_revenue_today' },
  { key: 'metrics:quotes:today', metric: 'business_quotes_today' },
  { key: 'metrics:active_users', metric: 'business_active_users' },
] as const;

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export type SeedReading = { metric: string; key: string } & ({ value: number } | { invalid: string } | { missing: true });

/** One MGET for all of them; a key nobody wrote yet is `missing`, one that is not a number `invalid`. */
export async function readSeedKeys(redis: Redis, prefix: string): Promise<SeedReading[]> {
  const keys = SEED_KEYS.map((k) => `${prefix}${k.key}`);
  const values = await redis.mget(...keys);
  return SEED_KEYS.map(({ metric }, i) => {
    const key = keys[i]!;
    const raw = values[i];
    if (raw === null || raw === undefined) return { metric, key, missing: true };
    const text = raw.trim();
    const n = Number(text);
    return NUMBER.test(text) && Number.isFinite(n) ? { metric, key, value: n } : { metric, key, invalid: raw.slice(0, 40) };
  });
}
