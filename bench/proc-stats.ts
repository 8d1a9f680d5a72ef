import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './poll.ts';

let ticksPerSecond: number | undefined;

/** USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) throw new Error('getconf CLK_TCK gave no usable value');
  return ticksPerSecond;
}

export interface CpuTicks {
  /** utime + stime of the process itself */
  own: number;
  /** cutime + cstime: children it has waited for (df and the like spawned by systeminformation) */
  children: number;
}

export function readCpuTicks(pid: number): CpuTicks {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses; the fields proper start after the last ')'.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // Fields 14-17 of proc(5), counted from `state` (field 3) here.
  const [utime, stime, cutime, cstime] = [fields[11]!, fields[12]!, fields[13]!, fields[14]!];
  return { own: utime + stime, children: cutime + cstime };
}

export function readRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

/**
 * Children alive right now, whichever thread started them (needs CONFIG_PROC_CHILDREN; an empty
 * list when the kernel lacks it).
 */
export function liveChildren(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

export interface ProcessUsage {
  seconds: number;
  /** Mean over the window, percent of one core, children included. */
  cpuPercent: number;
  cpuPercentOwn: number;
  cpuPercentChildren: number;
  /** Per-interval CPU percent, to see spikes the mean hides. */
  cpuPercentPerInterval: number[];
  rssMB: number[];
  /** Largest number of children seen alive at one sampling instant. */
  maxLiveChildren: number;
}

/**
 * Reads a process's CPU time and RSS every `intervalMs` for `seconds` (bounded by count, each
 * sample scheduled on an absolute clock so the window does not drift).
 */
export async function sampleProcess(pid: number, seconds: number, intervalMs = 1_000): Promise<ProcessUsage> {
  const hz = clockTicksPerSecond();
  const count = Math.round((seconds * 1000) / intervalMs);
  const start = performance.now();
  const first = readCpuTicks(pid);
  let previous = first;
  let previousAt = start;
  const perInterval: number[] = [];
  const rss: number[] = [];
  let maxLiveChildren = 0;
  for (let i = 1; i <= count; i++) {
    const due = start + i * intervalMs;
    await sleep(Math.max(0, due - performance.now()));
    const now = performance.now();
    const ticks = readCpuTicks(pid);
    rss.push(readRssMB(pid));
    maxLiveChildren = Math.max(maxLiveChildren, liveChildren(pid).length);
    const used = ticks.own + ticks.children - previous.own - previous.children;
    perInterval.push((used / hz / ((now - previousAt) / 1000)) * 100);
    previous = ticks;
    previousAt = now;
  }
  const elapsed = (previousAt - start) / 1000;
  const pct = (ticks: number) => (ticks / hz / elapsed) * 100;
  return {
    seconds: elapsed,
    cpuPercent: pct(previous.own + previous.children - first.own - first.children),
    cpuPercentOwn: pct(previous.own - first.own),
    cpuPercentChildren: pct(previous.children - first.children),
    cpuPercentPerInterval: perInterval,
    rssMB: rss,
    maxLiveChildren,
  };
}
