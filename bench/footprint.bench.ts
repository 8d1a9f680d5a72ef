import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { TEST_POSTGRES_URL } from '@vigia/testing';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import { PostgresBackends } from './postgres-backends.ts';
import { clockTicksPerSecond } from './proc-stats.ts';
import { PidSetCpu, readTrees } from './process-tree.ts';
import { missingReferencePackages, startReferenceStack, type ReferenceStack } from './reference-stack.ts';
import { mean } from './stats.ts';
import { startVigia, type VigiaStack } from './vigia-stacks.ts';

const TARGET_CPU_RATIO = 1.0;
const TARGET_RSS_RATIO = 2.0;
const TARGET_PEAK_RSS_MB = 300;
const WARM_UP_SECONDS = 20;
const WINDOWS = 3;
const WINDOW_SECONDS = 20;

/** A whole process tree watched from its spawn: RSS every half second for the peak, start-up included. */
class Watched {
  peakRssMB = 0;
  private timer: NodeJS.Timeout | undefined;
  private pids: () => number[] = () => [];
  readonly postgres = new PidSetCpu();

  constructor(readonly name: string) {}

  watch(pids: () => number[]): void {
    this.pids = pids;
    this.timer ??= setInterval(() => {
      this.peakRssMB = Math.max(this.peakRssMB, readTrees(this.pids()).rssMB);
    }, 500);
  }

  read() {
    return readTrees(this.pids());
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

interface Series {
  ticks: number[];
  rssMB: number[];
  /** PostgreSQL backend ticks at each reading (cumulative), for the trees that have connections. */
  postgresTicks: number[];
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

function figures(series: Series, seconds: number, hz: number) {
  const cpu = (from: number, to: number, span: number) => ((series.ticks[to]! - series.ticks[from]!) / hz / span) * 100;
  const perWindow = Array.from({ length: WINDOWS }, (_, w) => round(cpu(w * WINDOW_SECONDS, (w + 1) * WINDOW_SECONDS, WINDOW_SECONDS))!);
  const last = series.ticks.length - 1;
  return {
    cpuPercent: round(cpu(0, last, seconds))!,
    cpuPercentPerWindow: perWindow,
    rssMB: round(mean(series.rssMB.slice(1)), 1)!,
    rssMaxMB: round(Math.max(...series.rssMB.slice(1)), 1)!,
    postgresCpuPercent: round(((series.postgresTicks[last]! - series.postgresTicks[0]!) / hz / seconds) * 100),
  };
}

/**
 * Vigia (`npm start`, and api + worker) against Prometheus + node_exporter + Alertmanager, all
 * running at once and measured in the same windows.
 */
export const footprintBenchmark: Benchmark = {
  name: 'footprint',
  expectedSeconds: 240,
  async run(log) {
    const hz = clockTicksPerSecond();
    const missing = missingReferencePackages();
    if (missing.length) log(`reference stack skipped: install ${missing.join(' ')} (apt-get install ${missing.join(' ')})`);
    const stacks: { watched: Watched; stop(): Promise<void>; vigia?: VigiaStack; reference?: ReferenceStack }[] = [];
    const backends = await PostgresBackends.connect(TEST_POSTGRES_URL);
    try {
      if (!missing.length) {
        const reference = await startReferenceStack();
        const watched = new Watched('reference');
        watched.watch(() => reference.pids());
        stacks.push({ watched, stop: () => reference.stop(), reference });
        log(`reference: ${reference.processes.map((p) => `${p.name} ${p.pid}`).join(', ')}`);
      }
      for (const mode of ['start', 'split'] as const) {
        const watched = new Watched(mode);
        const spawnedAt = performance.now();
        const vigia = await startVigia(mode, (pids) => watched.watch(pids));
        stacks.push({ watched, stop: () => vigia.stop(), vigia });
        log(`${mode}: pids ${vigia.pids().join(', ')}, first cpu_usage after ${((performance.now() - spawnedAt) / 1000).toFixed(1)} s`);
      }
      log(`warming up ${WARM_UP_SECONDS} s, then ${WINDOWS} windows of ${WINDOW_SECONDS} s with every stack running`);
      await sleep(WARM_UP_SECONDS * 1000);

      const loadAtStart = loadavg().map((l) => round(l)!);
      const series = new Map(stacks.map((s) => [s.watched.name, { ticks: [], rssMB: [], postgresTicks: [] } as Series]));
      const start = performance.now();
      const samples = WINDOWS * WINDOW_SECONDS;
      let elapsed = 0;
      for (let i = 0; i <= samples; i++) {
        if (i > 0) await sleep(Math.max(0, start + i * 1000 - performance.now()));
        elapsed = (performance.now() - start) / 1000;
        for (const stack of stacks) {
          const s = series.get(stack.watched.name)!;
          const reading = stack.watched.read();
          s.ticks.push(reading.ticks);
          s.rssMB.push(reading.rssMB);
          if (stack.vigia) stack.watched.postgres.observe(await backends.of(reading.pids));
          s.postgresTicks.push(stack.watched.postgres.ticks());
          const dead = stack.vigia?.apps.find((a) => a.exited());
          if (dead) throw new Error(`Vigia (${stack.watched.name}) exited during the window:\n${dead.output()}`);
        }
      }
      const loadAtEnd = loadavg().map((l) => round(l)!);
      const load = { atStart: loadAtStart, atEnd: loadAtEnd };

      const reference = stacks.find((s) => s.reference);
      const ref = reference ? { ...figures(series.get('reference')!, elapsed, hz), postgresCpuPercent: undefined, peakRssMB: round(reference.watched.peakRssMB, 1) } : null;
      const modes: Record<string, unknown> = {};
      const details: string[] = [];
      let startPass = true;
      let headline = '';
      for (const stack of stacks.filter((s) => s.vigia)) {
        const name = stack.watched.name;
        const v = figures(series.get(name)!, elapsed, hz);
        const vigia = {
          ...v,
          peakRssMB: round(stack.watched.peakRssMB, 1)!,
          // The kernel's own high-water mark per process, in case a spike fell between samples.
          vmHWMMB: stack.vigia!.apps.map((a) => round(highWaterMB(a.pid), 1)),
        };
        const cpuRatio = ref ? round(v.cpuPercent / ref.cpuPercent) : null;
        const cpuRatioWithPostgres = ref && v.postgresCpuPercent !== null ? round((v.cpuPercent + v.postgresCpuPercent) / ref.cpuPercent) : null;
        const rssRatio = ref ? round(v.rssMB / ref.rssMB) : null;
        modes[name] = { vigia, reference: ref, cpuRatio, cpuRatioWithPostgres, rssRatio, load };
        const line = `${name}: CPU ${v.cpuPercent} % (windows ${v.cpuPercentPerWindow.join(' / ')}; PostgreSQL backends +${v.postgresCpuPercent} %), RSS mean ${v.rssMB} MB, max ${v.rssMaxMB} MB, peak since spawn ${vigia.peakRssMB} MB${ref ? `; ratios CPU ${cpuRatio}× (${cpuRatioWithPostgres}× with PostgreSQL), RSS ${rssRatio}×` : ''}`;
        details.push(line);
        if (name === 'start') {
          const peakOk = vigia.peakRssMB <= TARGET_PEAK_RSS_MB;
          startPass = peakOk && (!ref || ((cpuRatio ?? Infinity) <= TARGET_CPU_RATIO && (rssRatio ?? Infinity) <= TARGET_RSS_RATIO));
          headline = ref
            ? `npm start: CPU ratio ${cpuRatio}× (target ≤ ${TARGET_CPU_RATIO}), RSS ratio ${rssRatio}× (target ≤ ${TARGET_RSS_RATIO}), peak RSS ${vigia.peakRssMB} MB (target ≤ ${TARGET_PEAK_RSS_MB})`
            : `npm start: CPU ${v.cpuPercent} %, RSS ${v.rssMB} MB, peak ${vigia.peakRssMB} MB (target ≤ ${TARGET_PEAK_RSS_MB}); reference skipped (install ${missing.join(' ')})`;
        }
      }
      if (ref) details.unshift(`reference: CPU ${ref.cpuPercent} % (windows ${ref.cpuPercentPerWindow.join(' / ')}), RSS mean ${ref.rssMB} MB, max ${ref.rssMaxMB} MB`);
      details.push(`load average ${load.atStart.join(' ')} → ${load.atEnd.join(' ')} (every stack runs at once; the figures are CPU time used, not wall time)`);
      return {
        target: `npm start with the system collector at 1 s against Prometheus + node_exporter (1 s scrape) + Alertmanager: CPU ratio ≤ ${TARGET_CPU_RATIO}, RSS ratio ≤ ${TARGET_RSS_RATIO}, no RSS above ${TARGET_PEAK_RSS_MB} MB from the start on`,
        pass: startPass,
        headline,
        details,
        figures: {
          ...modes,
          referenceSkipped: missing.length ? { install: missing } : null,
          windows: { count: WINDOWS, seconds: WINDOW_SECONDS, warmUpSeconds: WARM_UP_SECONDS, measuredSeconds: round(elapsed) },
          targets: { cpuRatio: TARGET_CPU_RATIO, rssRatio: TARGET_RSS_RATIO, peakRssMB: TARGET_PEAK_RSS_MB },
        },
      };
    } finally {
      for (const stack of stacks.reverse()) {
        stack.watched.stop();
        await stack.stop().catch(() => {});
      }
      await backends.close();
    }
  },
};

/** The kernel's peak RSS of one process (VmHWM), NaN once it is gone. */
function highWaterMB(pid: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}
