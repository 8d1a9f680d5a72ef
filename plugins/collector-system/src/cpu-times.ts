import { readFileSync } from 'node:fs';
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

/**
 * The all-cores line of /proc/stat (user nice system idle iowait irq …, in clock ticks), counted
 * as os.cpus() counts each core: user + nice + system + idle + irq. os.cpus() also reads and
 * parses /proc/cpuinfo for the model and speed on every call; this is one small read. Null when
 * the file is missing (not Linux).
 */
export function parseProcStat(text: string): { busy: number; total: number } | null {
  const line = /^cpu\s+(.*)$/m.exec(text)?.[1];
  if (!line) return null;
  const [user, nice, system, idle, , irq] = line.trim().split(/\s+/).map(Number);
  if ([user, nice, system, idle, irq].some((n) => n === undefined || !Number.isFinite(n))) return null;
  const total = user! + nice! + system! + idle! + irq!;
  return { busy: total - idle!, total };
}

function readProcStat(): { busy: number; total: number } | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** Cumulative CPU time over all cores (/proc/stat, else libuv's per-core figures; no process is started). */
export function readCpuTimes(): CpuTimes {
  const at = performance.now();
  const stat = readProcStat();
  if (stat) return { ...stat, at };
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const sum = times.user + times.nice + times.sys + times.idle + times.irq;
    total += sum;
    busy += sum - times.idle;
  }
  return { busy, total, at };
}

/** Percent busy between two readings, or null when they are less than MIN_CPU_WINDOW_MS apart. */
export function cpuUsage(previous: CpuTimes, current: CpuTimes): number | null {
  const total = current.total - previous.total;
  if (total <= 0 || current.at - previous.at < MIN_CPU_WINDOW_MS) return null;
  return Math.min(100, Math.max(0, ((current.busy - previous.busy) / total) * 100));
}
