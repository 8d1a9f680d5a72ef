import { runCollectorOnce, type CollectorRunResult } from '@vigia/plugin-sdk';
import probeCollector, { type ProbeCheck, type ProbeSpec } from '../src/index.ts';

let count = 0;

/** Runs one probe the way a worker part does, and returns what it reported. */
export async function probe(check: ProbeCheck, options: Partial<Omit<ProbeSpec, 'check'>> = {}): Promise<CollectorRunResult & { value(name: string): number | undefined }> {
  const spec: ProbeSpec = { name: options.name ?? `target-${++count}`, intervalMs: 30_000, timeoutMs: 10_000, labels: {}, ...options, check };
  const result = await runCollectorOnce(probeCollector, { config: { probe: spec }, timeoutMs: spec.timeoutMs + 5_000 });
  return { ...result, value: (name) => result.samples.find((s) => s.name === name)?.value };
}

export const http = (url: string, more: Partial<Extract<ProbeCheck, { type: 'http' }>> = {}): ProbeCheck => ({
  type: 'http',
  url,
  method: 'GET',
  headers: {},
  expectStatus: [[200, 399]],
  followRedirects: true,
  tlsVerify: true,
  ...more,
});
