import { readFileSync } from 'node:fs';
import { liveChildren, readCpuTicks, readRssMB } from './proc-stats.ts';

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** `pid` and every process below it, depth first. */
export function descendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...liveChildren(out[i]!));
  return out;
}

export interface TreeReading {
  /** CPU clock ticks: each live process's utime + stime + cutime + cstime. */
  ticks: number;
  rssMB: number;
  pids: number[];
}

/**
 * One reading of the trees under `roots`. A child that exits and is reaped moves its time into
 * its parent's cutime/cstime, so the sum only ever grows across readings (short-lived children
 * included). `npm` wrappers (a dashboard build's `npm run`) are left out; their children are not.
 * A process that vanished between listing and reading counts nothing this time.
 */
export function readTrees(roots: number[]): TreeReading {
  let ticks = 0;
  let rssMB = 0;
  const pids: number[] = [];
  for (const root of roots) {
    for (const pid of descendants(root)) {
      if (pid !== root && commandName(pid) === 'npm') continue;
      try {
        const cpu = readCpuTicks(pid);
        const rss = readRssMB(pid);
        ticks += cpu.own + cpu.children;
        rssMB += rss;
        pids.push(pid);
      } catch {
        // gone already
      }
    }
  }
  return { ticks, rssMB, pids };
}

/**
 * CPU of processes that come and go and are not ours to wait for (PostgreSQL backends serving
 * one database): each pid's time counted from its first reading, or from zero for a pid first seen
 * after the first reading (it started within the window); a pid that ended keeps its last reading.
 */
export class PidSetCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private started = false;

  observe(pids: number[]): void {
    for (const pid of pids) {
      let ticks: number;
      try {
        const cpu = readCpuTicks(pid);
        ticks = cpu.own + cpu.children;
      } catch {
        continue;
      }
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : ticks);
      this.last.set(pid, ticks);
    }
    this.started = true;
  }

  ticks(): number {
    let sum = 0;
    for (const [pid, last] of this.last) sum += last - (this.first.get(pid) ?? last);
    return sum;
  }
}
