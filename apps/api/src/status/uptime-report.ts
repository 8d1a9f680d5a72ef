import { computeUptime, UPTIME_WINDOWS, type ProbeUptime } from '@vigia/core';
import type { VigiaConfig } from '@vigia/config';
import { UptimeHistory, type Store } from '@vigia/db';

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
