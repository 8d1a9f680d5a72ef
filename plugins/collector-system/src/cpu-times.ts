import { cpus } from 'node:os';
import { MIN_RATE_WINDOW_MS } from './rate-window.ts';

export interface CpuTimes {
  busy: number;
  total: number;
  /** When it was read (performance.now()). */
  at: number;
}

/** The shortest window a CPU figure is computed over (see rate-window.ts). */
export const MIN_CPU_WINDOW_MS = MIN_RATE_WINDOW_MS;

/** Cumulative CPU time over all cores (libuv reads /proc/stat here; no process is started). */
export function readCpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const sum = times.user + times.nice + times.sys + times.idle + times.irq;
    total += sum;
    busy += sum - times.idle;
  }
  return { busy, total, at: performance.now() };
}

/** Percent busy between two readings, or null when they are less than MIN_CPU_WINDOW_MS apart. */
export function cpuUsage(previous: CpuTimes, current: CpuTimes): number | null {
  const total = current.total - previous.total;
  if (total <= 0 || current.at - previous.at < MIN_CPU_WINDOW_MS) return null;
  return Math.min(100, Math.max(0, ((current.busy - previous.busy) / total) * 100));
}
