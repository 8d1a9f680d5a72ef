import { defineCollector, type Sample } from '@vigia/plugin-sdk';
import { runProbe, targetOf } from './run-probe.ts';
import type { ProbeSpec } from './spec.ts';

export type { ProbeSpec, ProbeCheck } from './spec.ts';
export { runProbe } from './run-probe.ts';

/**
 * The whole list (`probes:` of monitoring.yaml, put here by @vigia/config), or, for one part as
 * the worker runs it, the one probe.
 */
export interface ProbeCollectorConfig {
  probes?: ProbeSpec[];
  probe?: ProbeSpec;
}

// Past its own timeout a probe has already reported "timed out"; the host's deadline comes after.
const HOST_GRACE_MS = 2_000;

/**
 * Each probe's last failure reason: after a recovery its `probe_failure_info` series is set to 0
 * instead of being left at 1 until it goes stale.
 */
const lastReasons = new Map<string, string>();

function samplesOf(spec: ProbeSpec, result: Awaited<ReturnType<typeof runProbe>>): Sample[] {
  const labels = { ...spec.labels, probe: spec.name };
  const out: Sample[] = [
    { name: 'probe_success', value: result.ok ? 1 : 0, labels },
    { name: 'probe_duration_seconds', value: result.durationSeconds, labels, unit: 's' },
  ];
  if (result.httpStatus !== undefined) out.push({ name: 'probe_http_status', value: result.httpStatus, labels });
  if (result.tlsDaysLeft !== undefined) out.push({ name: 'probe_tls_days_left', value: Number(result.tlsDaysLeft.toFixed(3)), labels, unit: 'd' });
  const previous = lastReasons.get(spec.name);
  if (!result.ok && result.reason) {
    if (previous !== undefined && previous !== result.reason) out.push({ name: 'probe_failure_info', value: 0, labels: { ...labels, reason: previous } });
    out.push({ name: 'probe_failure_info', value: 1, labels: { ...labels, reason: result.reason } });
    lastReasons.set(spec.name, result.reason);
  } else if (previous !== undefined) {
    out.push({ name: 'probe_failure_info', value: 0, labels: { ...labels, reason: previous } });
  }
  return out;
}

export default defineCollector<ProbeCollectorConfig>({
  name: 'probe',
  description: 'Checks from outside: HTTP, TCP, DNS, TLS certificates, a real PostgreSQL or Redis login',
  // Every worker machine probes for itself: one location's network trouble shows as that host failing.
  scope: 'host',
  metrics: {
    probe_success: { help: 'Whether the probe passed its check (1) or failed (0)', type: 'gauge' },
    probe_duration_seconds: { help: 'How long the check took, to its answer or failure', unit: 's', type: 'gauge' },
    probe_http_status: { help: 'The HTTP status of the final answer (after redirects)', type: 'gauge' },
    probe_tls_days_left: { help: "Days until the TLS target's certificate expires (negative once expired)", unit: 'd', type: 'gauge' },
    probe_failure_info: { help: 'Why the probe fails (label reason): 1 while it fails with that reason, 0 after', type: 'gauge' },
  },
  parts: (config) => (config.probes ?? []).map((probe) => ({ key: probe.name, interval: probe.intervalMs, timeout: probe.timeoutMs + HOST_GRACE_MS, config: { probe } })),
  async collect({ config, signal, publishInfo }) {
    const specs = config.probe ? [config.probe] : (config.probes ?? []);
    const results = await Promise.all(specs.map(async (spec) => ({ spec, result: await runProbe(spec, signal) })));
    if (config.probe) {
      const { spec, result } = results[0]!;
      publishInfo({
        probe: spec.name,
        type: spec.check.type,
        target: targetOf(spec.check),
        ok: result.ok,
        reason: result.reason ?? null,
        http_status: result.httpStatus ?? null,
        tls_days_left: result.tlsDaysLeft !== undefined ? Math.floor(result.tlsDaysLeft) : null,
        checked_at: new Date().toISOString(),
      });
    }
    return results.flatMap(({ spec, result }) => samplesOf(spec, result));
  },
});
