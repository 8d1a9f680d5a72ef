import { computeUptime, UPTIME_WINDOWS, type ProbeUptime } from '@vigia/core';
import type { VigiaConfig } from '@vigia/config';
import { probes as storedProbes, UptimeHistory, type Store } from '@vigia/db';

/** What the report reads; narrower than ApiDeps so the status cache that ApiDeps holds can use it. */
export interface UptimeDeps {
  store: Store;
  config: VigiaConfig;
}

export interface ProbeUptimeReport extends ProbeUptime {
  probe: string;
}

/**
 * Uptime of the named probes (all known ones when absent): the probes of monitoring.yaml and any
 * other probe with stored results, read in two queries whatever their number.
 */
export async function uptimeReport(deps: UptimeDeps, now: number, only?: string[]): Promise<ProbeUptimeReport[]> {
  const history = new UptimeHistory(deps.store.sql);
  const probes = only ?? [...new Set([...deps.config.probes.map((p) => p.name), ...(await history.probeNames())])].sort();
  const [fine, coarse] = await Promise.all([history.minuteBuckets(probes, now - UPTIME_WINDOWS['24h'], now, deps.config.retention), history.hourBuckets(probes, now - UPTIME_WINDOWS['90d'])]);
  return probes.map((probe) => ({ probe, ...computeUptime(fine.get(probe) ?? [], coarse.get(probe) ?? [], now) }));
}

/**
 * Those of `names` that are probes, in monitoring.yaml or stored from the dashboard (paused ones
 * too: their history still counts). A status page component naming any other shows no bar.
 */
export async function existingProbes(deps: UptimeDeps, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const stored = await deps.store.db.select({ name: storedProbes.name }).from(storedProbes);
  const known = new Set([...deps.config.probes.map((p) => p.name), ...stored.map((p) => p.name)]);
  return names.filter((name) => known.has(name));
}
