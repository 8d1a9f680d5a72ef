import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '@vigia/db';
import { startStack, trpcClient, type Stack } from '../src/index.ts';

const MIN = 60_000;

describe('rules.backtest over stored history', () => {
  let stack: Stack;
  // Recent hours: history older than a resolution's retention is not read from that resolution.
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;

  beforeAll(async () => {
    stack = await startStack({
      worker: false,
      yaml: [
        'alerts:',
        '  rules:',
        '    - { name: High Disk Usage, metric: disk_usage, operator: ">", threshold: 90, for: 10m, severity: warning }',
        '    - { name: Shop Down, metric: probe_success, operator: "<", threshold: 1, for: 1m, cooldown: 0s, severity: critical, locations: { min_failing: 2 } }',
        '',
      ].join('\n'),
    });
    // Two hours of one-minute history for two mounts, built by hand.
    const history = new HistoryStore(stack.store.sql);
    const samples = [];
    for (let m = 0; m < 120; m++) {
      const root = m >= 30 && m < 50 ? 95 : m >= 80 && m < 83 ? 99 : 60; // 20 min over, then a 3-minute blip
      samples.push({ name: 'disk_usage', labels: { mount: '/' }, value: root, timestamp: t0 + m * MIN });
      samples.push({ name: 'disk_usage', labels: { mount: '/data' }, value: 40, timestamp: t0 + m * MIN });
    }
    // The shop probe from three hosts: eu alone fails for minutes 10-19, eu and us together for 60-69.
    for (let m = 0; m < 120; m++) {
      const eu = (m >= 10 && m < 20) || (m >= 60 && m < 70) ? 0 : 1;
      const us = m >= 60 && m < 70 ? 0 : 1;
      for (const [host, value] of [
        ['eu', eu],
        ['us', us],
        ['ap', 1],
      ] as const)
        samples.push({ name: 'probe_success', labels: { probe: 'shop', host }, value, timestamp: t0 + m * MIN });
    }
    await history.insert(samples);
  });
  afterAll(() => stack?.stop());

  it('replays a configured rule and an edited one, with the episodes built by hand', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    // The seed's High Disk Usage: > 90 for 10 minutes.
    const configured = await client.rules.backtest.query({ rule: 'High Disk Usage', from: t0, to: t0 + 119 * MIN });
    expect(configured.episodes).toEqual([{ labels: { mount: '/' }, start: t0 + 30 * MIN, firedAt: t0 + 40 * MIN, end: t0 + 50 * MIN, peak: 95 }]);
    expect(configured.notifications).toBe(2);
    expect(configured.series).toBe(2);

    // The same rule edited to `for: 2m` also catches the 3-minute blip: two episodes, four messages.
    const edited = await client.rules.backtest.query({
      rule: { name: 'Disk, faster', metric: 'disk_usage', operator: '>', threshold: 90, for: '2m', severity: 'warning' },
      from: t0,
      to: t0 + 119 * MIN,
    });
    expect(edited.episodes.map((e) => [e.start - t0, e.end! - t0, e.peak])).toEqual([
      [30 * MIN, 50 * MIN, 95],
      [80 * MIN, 83 * MIN, 99],
    ]);
    expect(edited.notifications).toBe(4);
  });

  it('replays an N-of-M rule by locations failing together, and rules.list shows its locations', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const result = await client.rules.backtest.query({ rule: 'Shop Down', from: t0, to: t0 + 119 * MIN });
    // eu's own trouble (minutes 10-19) is one location of three: no episode. Two failing: one, for the probe.
    expect(result.series).toBe(3);
    expect(result.episodes.map((e) => ({ ...e, start: e.start - t0, firedAt: e.firedAt - t0, end: e.end! - t0 }))).toEqual([
      { labels: { probe: 'shop' }, start: 60 * MIN, firedAt: 61 * MIN, end: 70 * MIN, peak: 2 },
    ]);
    // Edited to 1 of 3, eu alone is enough.
    const edited = await client.rules.backtest.query({
      rule: { name: 'Shop Down (1 of 3)', metric: 'probe_success', operator: '<', threshold: 1, for: '1m', cooldown: '0s', severity: 'critical', locations: { min_failing: 1 } },
      from: t0,
      to: t0 + 119 * MIN,
    });
    expect(edited.episodes.map((e) => [(e.start - t0) / MIN, (e.end! - t0) / MIN])).toEqual([
      [10, 20],
      [60, 70],
    ]);
    const listed = (await client.rules.list.query()).find((r) => r.name === 'Shop Down');
    expect(listed?.locations).toEqual({ minFailing: 2, by: 'host' });
  });

  it('refuses what it cannot replay', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    await expect(client.rules.backtest.query({ rule: 'No Such Rule', from: t0, to: t0 + MIN })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(client.rules.backtest.query({ rule: 'High Disk Usage', from: t0, to: t0 - 1 })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    await expect(client.rules.backtest.query({ rule: { name: 'x', metric: 'disk_usage', operator: '=>' as '>', threshold: 1, severity: 'info' }, from: t0, to: t0 + MIN })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
  });
});
