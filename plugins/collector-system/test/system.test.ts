import { describe, expect, it } from 'vitest';
import { runCollectorOnce } from '@vigia/plugin-sdk';
import systemCollector from '../src/index.ts';

describe('system collector', () => {
  it('reads this machine', async () => {
    const result = await runCollectorOnce(systemCollector(), { timeoutMs: 20_000 });
    expect(result.invalid).toEqual([]);
    const byName = (n: string) => result.samples.filter((s) => s.name === n);
    const cpu = byName('cpu_usage')[0]!;
    expect(cpu.value).toBeGreaterThanOrEqual(0);
    expect(cpu.value).toBeLessThanOrEqual(100);
    const mem = byName('memory_usage')[0]!.value;
    expect(mem).toBeGreaterThan(0);
    expect(mem).toBeLessThan(100);
    expect(byName('memory_total_bytes')[0]!.value).toBeGreaterThan(byName('memory_used_bytes')[0]!.value);
    const root = byName('disk_usage').find((s) => s.labels?.mount === '/');
    expect(root?.value).toBeGreaterThan(0);
    expect(byName('load_average_1m')).toHaveLength(1);
    // The first network reading only sets a baseline; init takes it, so collect has rates.
    for (const s of byName('network_rx_bytes_per_sec')) expect(s.labels?.interface).not.toBe('lo');
    expect(result.info).toMatchObject({ cpuCores: expect.any(Number), hostname: expect.any(String), memoryTotalBytes: expect.any(Number) });
  }, 30_000);

  it('measures the machine it runs on, so every worker machine runs it for itself', () => {
    expect(systemCollector().scope).toBe('host');
  });

  it('validates its options', async () => {
    await expect(runCollectorOnce(systemCollector(), { config: { exclude_mounts: '/' } })).rejects.toThrow();
  });
});
