import { cpus, loadavg, totalmem, release } from 'node:os';

export function machineFacts() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform} ${release()}`,
  };
}

export interface LoadSummary {
  /** 1-minute load average when the benchmark started and ended, and its range in between. */
  atStart: number[];
  atEnd: number[];
  min1m: number;
  max1m: number;
}

/**
 * Samples the load average while a benchmark runs: figures taken while other work competes for
 * two cores are not comparable with a quiet run, and the result file has to say so.
 */
export function trackLoad(everyMs = 5_000): () => LoadSummary {
  const atStart = loadavg().map((l) => Math.round(l * 100) / 100);
  const seen = [atStart[0]!];
  const timer = setInterval(() => seen.push(loadavg()[0]!), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    const atEnd = loadavg().map((l) => Math.round(l * 100) / 100);
    seen.push(atEnd[0]!);
    return { atStart, atEnd, min1m: Math.round(Math.min(...seen) * 100) / 100, max1m: Math.round(Math.max(...seen) * 100) / 100 };
  };
}
