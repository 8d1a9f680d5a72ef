import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOutcome } from './benchmark.ts';
import { machineFacts, type LoadSummary } from './machine.ts';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

export interface RunFacts {
  startedAt: Date;
  durationMs: number;
  load: LoadSummary;
}

/** bench/results/<name>.json: everything needed to compare this run with another machine's. */
export function writeResult(name: string, outcome: BenchOutcome, run: RunFacts): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  const body = {
    benchmark: name,
    date: run.startedAt.toISOString(),
    durationSeconds: Math.round(run.durationMs / 100) / 10,
    target: outcome.target,
    pass: outcome.pass,
    headline: outcome.headline,
    machine: machineFacts(),
    loadAverage: run.load,
    figures: outcome.figures,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return relative(process.cwd(), file);
}

export function summaryLine(name: string, outcome: BenchOutcome, load: LoadSummary): string {
  return `${outcome.pass ? 'PASS' : 'MISS'}  ${name.padEnd(8)} ${outcome.headline}   [load ${load.atStart[0]} → ${load.atEnd[0]}]`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}
