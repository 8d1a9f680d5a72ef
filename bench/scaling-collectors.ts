import { loadConfig } from '@vigia/config';
import { parseDuration } from '@vigia/core';
import type { Collector, Logger, Sample } from '@vigia/plugin-sdk';
import { loadPlugins } from '@vigia/plugin-loader';
import { tempConfig } from './app-process.ts';
import { clockTicksPerSecond, readCpuTicks } from './proc-stats.ts';
import { mean } from './stats.ts';

const RUNS = 10;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface CollectorCost {
  collector: string;
  intervalSeconds: number;
  samplesPerTick: number;
  wallMsPerTick: number;
  /** This process's CPU plus that of the children it started (systeminformation runs a few commands). */
  cpuMsPerTick: number;
  cpuPercentOfOneCoreAtInterval: number;
}

/**
 * Each built-in collector run RUNS times in this process against the benchmark's Redis and
 * database, as the worker runs it (init once, then collect), timing wall clock and CPU per run.
 * The inputs are near empty (no application writes the seed's keys here): the figures are the
 * floor of each collector's cost, the part that does not grow with the application.
 */
export async function collectorCosts(env: { databaseUrl: string; redisUrl: string }, log: (line: string) => void): Promise<CollectorCost[]> {
  const db = new URL(env.databaseUrl);
  const file = tempConfig('collectors: {}\n');
  try {
    const config = loadConfig({
      file: file.file,
      env: {
        REDIS_URL: env.redisUrl,
        DB_HOST: db.hostname,
        DB_PORT: db.port || '5432',
        DB_NAME: db.pathname.slice(1),
        DB_USER: decodeURIComponent(db.username),
        DB_PASSWORD: decodeURIComponent(db.password) || undefined,
      },
    });
    const plugins = await loadPlugins(config.pluginDirs, [], quiet);
    const hz = clockTicksPerSecond();
    const costs: CollectorCost[] = [];
    for (const [name, loaded] of [...plugins.collectors].sort(([a], [b]) => a.localeCompare(b))) {
      const collector = loaded.plugin as Collector<unknown>;
      const options = config.collectors[name]?.options ?? {};
      const settings = collector.configSchema ? collector.configSchema.parse(options) : options;
      const intervalMs = config.collectors[name]?.intervalMs ?? (collector.interval !== undefined ? parseDuration(collector.interval) : null) ?? config.collection.intervalMs;
      await collector.init?.({ config: settings, logger: quiet });
      const once = async () => {
        const samples: Sample[] = [];
        const returned = await collector.collect({
          config: settings,
          logger: quiet,
          signal: AbortSignal.timeout(10_000),
          now: Date.now(),
          emit: (s) => samples.push(...(Array.isArray(s) ? s : [s])),
          reject: () => {},
          publishInfo: () => {},
        });
        return samples.length + (returned?.length ?? 0);
      };
      try {
        await once(); // first run: connections, caches, rate baselines
        const wall: number[] = [];
        const cpu: number[] = [];
        let samples = 0;
        for (let i = 0; i < RUNS; i++) {
          const cpuBefore = process.cpuUsage();
          const childrenBefore = readCpuTicks(process.pid).children;
          const started = performance.now();
          samples = await once();
          wall.push(performance.now() - started);
          const own = process.cpuUsage(cpuBefore);
          const children = ((readCpuTicks(process.pid).children - childrenBefore) / hz) * 1000;
          cpu.push((own.user + own.system) / 1000 + children);
        }
        const cpuMs = mean(cpu);
        costs.push({
          collector: name,
          intervalSeconds: intervalMs / 1000,
          samplesPerTick: samples,
          wallMsPerTick: Math.round(mean(wall) * 10) / 10,
          cpuMsPerTick: Math.round(cpuMs * 10) / 10,
          cpuPercentOfOneCoreAtInterval: Math.round((cpuMs / intervalMs) * 100 * 1000) / 1000,
        });
        log(`collector ${name}: ${samples} samples, ${costs.at(-1)!.wallMsPerTick} ms wall, ${costs.at(-1)!.cpuMsPerTick} ms CPU per tick`);
      } finally {
        await collector.close?.();
      }
    }
    return costs;
  } finally {
    file.remove();
  }
}
