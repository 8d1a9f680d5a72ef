import { describe, expect, it } from 'vitest';
import { runCollectorOnce, type Sample } from '@vigia/plugin-sdk';
import { cpuUsage, MIN_CPU_WINDOW_MS } from '../src/cpu-times.ts';
import { MIN_NET_WINDOW_MS, networkRates } from '../src/net-dev.ts';
import systemCollector from '../src/index.ts';

describe('system collector', () => {
  it('reads this machine', async () => {
    const collector = systemCollector();
    const result = await runCollectorOnce(collector, { timeoutMs: 20_000 });
    expect(result.invalid).toEqual([]);
    const byName = (n: string) => result.samples.filter((s) => s.name === n);
    const mem = byName('memory_usage')[0]!.value;
    expect(mem).toBeGreaterThan(0);
    expect(mem).toBeLessThan(100);
    expect(byName('memory_total_bytes')[0]!.value).toBeGreaterThan(byName('memory_used_bytes')[0]!.value);
    const root = byName('disk_usage').find((s) => s.labels?.mount === '/');
    expect(root?.value).toBeGreaterThan(0);
    expect(byName('load_average_1m')).toHaveLength(1);
    // The loopback interface is left out unless asked for.
    for (const s of byName('network_rx_bytes_per_sec')) expect(s.labels?.interface).not.toBe('lo');
    // Host facts are read in the background, never inside a tick's time budget: a later tick publishes them.
    expect(result.info).toEqual({});
    let info: Record<string, unknown> = {};
    for (let tick = 0; tick < 50 && !Object.keys(info).length; tick++) {
      await new Promise((r) => setTimeout(r, 200));
      info = (await runCollectorOnce(collector, { timeoutMs: 20_000 })).info;
    }
    expect(info).toMatchObject({ cpuCores: expect.any(Number), hostname: expect.any(String), memoryTotalBytes: expect.any(Number) });
  }, 30_000);

  it('publishes no cpu_usage on the first collection after a start, and a real figure once a full window has passed', async () => {
    const collector = systemCollector();
    try {
      // init takes the baseline and collect runs straight after: a window of a few ms, which
      // would read as 100 % (or 0 %) whatever the machine does.
      const first = await runCollectorOnce(collector, { timeoutMs: 20_000, keepOpen: true });
      expect(first.samples.filter((s) => s.name === 'cpu_usage')).toEqual([]);
      expect(first.samples.some((s) => s.name === 'memory_usage')).toBe(true);
      // A pause of a whole window (not a timing assertion: only what the next run may compute over).
      await new Promise((r) => setTimeout(r, MIN_CPU_WINDOW_MS + 100));
      const second = await runCollectorOnce(collector, { timeoutMs: 20_000, keepOpen: true });
      const cpu = second.samples.filter((s) => s.name === 'cpu_usage');
      expect(cpu).toHaveLength(1);
      expect(cpu[0]!.value).toBeGreaterThanOrEqual(0);
      expect(cpu[0]!.value).toBeLessThanOrEqual(100);
    } finally {
      await collector.close?.();
    }
  }, 30_000);

  it('computes no CPU figure over less than a full window', () => {
    const start = { busy: 0, total: 0, at: 0 };
    expect(cpuUsage(start, { busy: 20, total: 20, at: MIN_CPU_WINDOW_MS - 1 })).toBeNull();
    expect(cpuUsage(start, { busy: 500, total: 2_000, at: MIN_CPU_WINDOW_MS })).toBe(25);
  });

  it('publishes no network rates on the first collection after a start, and real ones once a full window has passed', async () => {
    const collector = systemCollector();
    // Loopback exists on every Linux machine, so the second run has an interface to report.
    const config = { include_interfaces: ['lo'] };
    const network = (samples: Sample[]) => samples.filter((s) => s.name.startsWith('network_'));
    try {
      // init takes the baseline and collect runs straight after: a window of a few ms.
      const first = await runCollectorOnce(collector, { config, timeoutMs: 20_000, keepOpen: true });
      expect(network(first.samples)).toEqual([]);
      expect(first.samples.some((s) => s.name === 'memory_usage')).toBe(true);
      // A pause of a whole window (not a timing assertion: only what the next run may compute over).
      await new Promise((r) => setTimeout(r, MIN_NET_WINDOW_MS + 100));
      const second = await runCollectorOnce(collector, { config, timeoutMs: 20_000, keepOpen: true });
      const lo = network(second.samples).filter((s) => s.labels?.interface === 'lo');
      expect(lo.map((s) => s.name).sort()).toEqual(['network_rx_bytes_per_sec', 'network_tx_bytes_per_sec']);
      for (const s of lo) expect(s.value).toBeGreaterThanOrEqual(0);
    } finally {
      await collector.close?.();
    }
  }, 30_000);

  it('computes no network rate over less than a full window, and none for a counter that was reset', () => {
    const start = {
      at: 0,
      counters: new Map([
        ['eth0', { rx: 1_000, tx: 2_000 }],
        ['eth1', { rx: 5_000, tx: 5_000 }],
      ]),
    };
    const soon = {
      at: MIN_NET_WINDOW_MS - 1,
      counters: new Map([
        ['eth0', { rx: 1_500, tx: 2_000 }],
        ['eth1', { rx: 10, tx: 10 }],
      ]),
    };
    expect(networkRates(start, soon)).toBeNull();
    const later = { at: 2 * MIN_NET_WINDOW_MS, counters: soon.counters };
    expect(networkRates(start, later)).toEqual([{ iface: 'eth0', rx: 500 / ((2 * MIN_NET_WINDOW_MS) / 1000), tx: 0 }]);
  });

  it('measures the machine it runs on, so every worker machine runs it for itself', () => {
    expect(systemCollector().scope).toBe('host');
  });

  it('validates its options', async () => {
    await expect(runCollectorOnce(systemCollector(), { config: { exclude_mounts: '/' } })).rejects.toThrow();
  });
});
