import { cpus } from 'node:os';

export interface CpuTimes {
  busy: number;
  total: number;
}

/** Cumulative CPU time over all cores (libuv reads /proc/stat here; no process is started). */
export function readCpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const sum = times.user + times.nice + times.sys + times.idle + times.irq;
    total += sum;
    busy += sum - times.idle;
  }
  return { busy, total };
}

/** Percent busy between two readings, or null when no time passed. */
export function cpuUsage(previous: CpuTimes, current: CpuTimes): number | null {
  const total = current.total - previous.total;
  if (total <= 0) return null;
  return Math.min(100, Math.max(0, ((current.busy - previous.busy) / total) * 100));
}
