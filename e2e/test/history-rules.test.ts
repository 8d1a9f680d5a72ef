import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { startStack, trpcClient, type Stack } from '../src/index.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

describe('forecast rules through the API backtest', () => {
  let stack: Stack;
  // The disk fills from 70 % by 1 % an hour: full 30 h after t0.
  const t0 = Math.floor(Date.now() / HOUR) * HOUR - 31 * HOUR;

  beforeAll(async () => {
    stack = await startStack({
      worker: false,
      yaml: `alerts:
  rules:
    - { name: Disk Full Within a Day, metric: disk_usage_percent, predict: { over: 6h, within: 24h, value: 100 }, for: 10m, severity: warning }
`,
    });
    const samples: StoredSample[] = [];
    for (let t = t0; t < t0 + 30 * HOUR; t += MIN) samples.push({ name: 'disk_usage_percent', labels: { mount: '/' }, value: 70 + (t - t0) / HOUR, timestamp: t });
    await new HistoryStore(stack.store.sql).insert(samples);
  });
  afterAll(() => stack?.stop());

  it('replays a configured forecast and an edited one over the 1-minute history', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const configured = await client.rules.backtest.query({ rule: 'Disk Full Within a Day', from: t0, to: t0 + 29 * HOUR });
    expect(configured.resolution).toBe('1m');
    expect(configured.episodes).toHaveLength(1);
    // At 76 % the 6-hour line reaches 100 within 24 h; 10 minutes of `for` after that, 24 h before the disk is full.
    const fired = configured.episodes[0]!.firedAt;
    expect(t0 + 30 * HOUR - fired).toBeGreaterThanOrEqual(20 * HOUR);
    expect(fired - t0).toBeGreaterThanOrEqual(6 * HOUR);

    // Edited to look only 12 h ahead: it fires once the disk is at 88 %, about 18 h in.
    const edited = await client.rules.backtest.query({
      rule: { name: 'Disk Full Within 12h', metric: 'disk_usage_percent', predict: { over: '6h', within: '12h', value: 100 }, severity: 'warning' },
      from: t0,
      to: t0 + 29 * HOUR,
    });
    expect(Math.abs(edited.episodes[0]!.firedAt - (t0 + 18 * HOUR))).toBeLessThanOrEqual(5 * MIN);
  });

  it('refuses a forecast without `within`, naming the key', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    await expect(client.rules.backtest.query({ rule: { name: 'x', metric: 'disk_usage_percent', predict: { value: 100 } as never, severity: 'info' }, from: t0, to: t0 + HOUR })).rejects.toMatchObject(
      { data: { code: 'BAD_REQUEST' }, message: expect.stringContaining('within') },
    );
  });
});
