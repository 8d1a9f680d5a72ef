import type { Benchmark, BenchOutcome } from './benchmark.ts';
import { historyBenchmark } from './history.bench.ts';
import { ingestBenchmark } from './ingest.bench.ts';
import { liveBenchmark } from './live.bench.ts';
import { trackLoad } from './machine.ts';
import { summaryLine, writeResult } from './report.ts';
import { interruptSleeps } from './poll.ts';
import { payOwedCleanups } from './scratch.ts';
import { scalingBenchmark } from './scaling.bench.ts';
import { workerBenchmark } from './worker.bench.ts';

// `npm run bench` runs them all, one after another (they would skew each other's figures run
// together); `npm run bench -- live ingest` runs those named.
const BENCHMARKS: Benchmark[] = [workerBenchmark, liveBenchmark, ingestBenchmark, historyBenchmark, scalingBenchmark];
BENCHMARKS.push((await import('./collectors.bench.ts')).collectorsBenchmark);
BENCHMARKS.push((await import('./collectors-api.bench.ts')).apiCollectorBenchmark);
BENCHMARKS.push((await import('./push.bench.ts')).pushBenchmark);
BENCHMARKS.push((await import('./remote-write.bench.ts')).remoteWriteBenchmark);
BENCHMARKS.push((await import('./alerting-latency.bench.ts')).alertingLatencyBenchmark);
BENCHMARKS.push((await import('./alerting-rules.bench.ts')).alertingRulesBenchmark);
BENCHMARKS.push((await import('./alerting-delivery.bench.ts')).alertingDeliveryBenchmark);
BENCHMARKS.push((await import('./channel-fanout.bench.ts')).channelFanoutBenchmark);
BENCHMARKS.push((await import('./web.bench.ts')).webBenchmark);
BENCHMARKS.push((await import('./backtest.bench.ts')).backtestBenchmark);
BENCHMARKS.push((await import('./promql.bench.ts')).promqlBenchmark);
BENCHMARKS.push((await import('./footprint.bench.ts')).footprintBenchmark);
BENCHMARKS.push((await import('./status-page.bench.ts')).statusPageBenchmark);
BENCHMARKS.push((await import('./probes.bench.ts')).probesBenchmark);
BENCHMARKS.push((await import('./history-rules.bench.ts')).historyRulesBenchmark);

function usage(): string {
  return `usage: npm run bench [-- <name> ...]\nbenchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}`;
}

function parseArgs(argv: string[]): Benchmark[] {
  if (argv.some((a) => a === '-h' || a === '--help')) {
    console.log(usage());
    process.exit(0);
  }
  if (argv.length === 0) return BENCHMARKS;
  const unknown = argv.filter((a) => !BENCHMARKS.some((b) => b.name === a));
  if (unknown.length) {
    console.error(`unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n${usage()}`);
    process.exit(2);
  }
  return BENCHMARKS.filter((b) => argv.includes(b.name));
}

// Ctrl-C still drops the scratch database, removes the Redis keys and stops spawned processes.
let interrupted = false;
// Interrupted waits reject wherever they are, some in promises nobody awaits yet: that must not
// end the process before the cleanup has run.
process.on('unhandledRejection', (reason) => {
  if (interrupted) return;
  throw reason;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: cleaning up (again to quit at once)`);
    interruptSleeps(new Error(`interrupted by ${signal}`));
    // A write already on its way when the loops stopped lands before the keys are removed.
    setTimeout(() => void payOwedCleanups().finally(() => process.exit(130)), 300);
  });
}

/** A benchmark stuck on a promise that never settles must not hold the run forever. */
function withDeadline<T>(promise: Promise<T>, seconds: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} took longer than ${seconds} s; abandoned`)), seconds * 1000);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const selected = parseArgs(process.argv.slice(2));
const expected = selected.reduce((s, b) => s + b.expectedSeconds, 0);
console.log(`vigia bench: ${selected.map((b) => b.name).join(', ')} (about ${Math.ceil(expected / 60)} min)\n`);

const summaries: string[] = [];
let errors = 0;
for (const benchmark of selected) {
  if (interrupted) break;
  console.log(`── ${benchmark.name}`);
  const startedAt = new Date();
  const began = performance.now();
  const stopLoad = trackLoad();
  let outcome: BenchOutcome;
  try {
    outcome = await withDeadline(
      benchmark.run((line) => console.log(`   ${line}`)),
      benchmark.expectedSeconds * 4,
      benchmark.name,
    );
  } catch (error) {
    stopLoad();
    // The signal handler is cleaning up and will exit; starting the next benchmark would race it.
    if (interrupted) await new Promise(() => {});
    errors++;
    await payOwedCleanups();
    const line = `ERROR ${benchmark.name.padEnd(8)} ${(error as Error).message}`;
    console.log(`${line}\n`);
    summaries.push(line.split('\n')[0]!);
    continue;
  }
  const load = stopLoad();
  const file = writeResult(benchmark.name, outcome, { startedAt, durationMs: performance.now() - began, load });
  const line = summaryLine(benchmark.name, outcome, load);
  for (const detail of outcome.details) console.log(`   ${detail}`);
  console.log(`${line}\n   → ${file}\n`);
  summaries.push(line);
}

if (selected.length > 1) console.log(`── summary\n${summaries.join('\n')}`);
// Figures are reported, never asserted: a MISS is information, only a benchmark that could not run fails the command.
process.exit(errors ? 1 : 0);
