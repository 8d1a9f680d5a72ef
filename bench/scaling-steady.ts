import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { COLLECT_JOBS, redisKeys } from '@vigia/live';
import { freePort, spawnApp, tempConfig, waitHealthy, type AppProcess } from './app-process.ts';
import { benchSeries } from './bench-series.ts';
import { pollUntil, sleep } from './poll.ts';
import { sampleProcess } from './proc-stats.ts';
import { quietYaml } from './scaling-config.ts';
import { callsBetween, commandCalls, usedMemory } from './scaling-redis.ts';

export const STEADY_SERIES = 1_000;
export const STEADY_INTERVAL_S = 5;
const TICKS = 12;
const WARM_UP_TICKS = 2;

// A collector plugin dropped into a plugin dir, as users add theirs: STEADY_SERIES series per
// tick shaped like benchSeries (ten metric names, a host label each).
const FLEET_PLUGIN = `
const NAMES = 10;
export default {
  name: 'bench_fleet',
  metrics: {},
  async collect({ config, now }) {
    const count = config.series ?? 1000;
    const width = String(Math.ceil(count / NAMES)).length;
    return Array.from({ length: count }, (_, i) => ({
      name: 'bench_metric_' + (i % NAMES),
      labels: { host: 'host-' + String(Math.floor(i / NAMES)).padStart(width, '0') },
      value: Math.round((50 + 40 * Math.sin(i + now / 60000)) * 100) / 100,
    }));
  },
};
`;

export interface SteadyFigures {
  series: number;
  intervalSeconds: number;
  ticks: number;
  samples: number;
  windowSeconds: number;
  redis: {
    commandsPerSample: number;
    commandsPerTick: number;
    /** Commands per tick that do not grow with the series (job lifecycle, health, streams, persister, API feed, evaluation). */
    fixedCommandsPerTick: number;
    /** The ten busiest commands in the window, calls per tick. */
    topCommandsPerTick: Record<string, number>;
    /** Redis' own CPU (used_cpu_user + used_cpu_sys) per sample: 1,000,000 / this is what one Redis core could take. */
    cpuMicrosPerSample: number;
    netInBytesPerSample: number;
    netOutBytesPerSample: number;
    usedMemoryBytes: number;
    latestHashBytesPerSeries: number;
  };
  postgres: {
    rawRowsPerSecond: number;
    rollupUpsertsPerSecond: { '1m': number; '1h': number };
    /** Row versions written per sample collected: inserts plus updates, all three tables. */
    rowVersionsPerSample: number;
  };
  cpuPercentOfOneCore: { worker: number; api: number };
}

interface TableStats {
  ins: number;
  upd: number;
}

async function tableStats(db: pg.Client): Promise<Record<string, TableStats>> {
  const { rows } = await db.query<{ relname: string; ins: string; upd: string }>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd FROM pg_stat_user_tables WHERE relname IN ('samples_raw', 'samples_1m', 'samples_1h')`,
  );
  return Object.fromEntries(rows.map((r) => [r.relname, { ins: Number(r.ins), upd: Number(r.upd) }]));
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const text = await redis.info('cpu');
  return Number(/^used_cpu_user:([\d.]+)/m.exec(text)?.[1]) + Number(/^used_cpu_sys:([\d.]+)/m.exec(text)?.[1]);
}

async function netBytes(redis: Redis): Promise<{ input: number; output: number }> {
  const text = await redis.info('stats');
  return { input: Number(/^total_net_input_bytes:(\d+)/m.exec(text)?.[1]), output: Number(/^total_net_output_bytes:(\d+)/m.exec(text)?.[1]) };
}

/** Sleeps until `offsetMs` past the next multiple of `stepMs` (collector ticks fall on whole multiples). */
async function alignTo(stepMs: number, offsetMs: number): Promise<void> {
  const now = Date.now();
  await sleep(stepMs - (now % stepMs) + offsetMs);
}

/**
 * One worker collecting STEADY_SERIES series every STEADY_INTERVAL_S seconds and one API process
 * following the live stream, for TICKS ticks: what each collected sample costs Redis (commands,
 * bytes) and PostgreSQL (rows), and the two processes' CPU.
 */
export async function steadyRun(env: { databaseUrl: string; redisUrl: string; prefix: string }, log: (line: string) => void): Promise<SteadyFigures> {
  const keys = redisKeys(env.prefix);
  const config = tempConfig(quietYaml({ collectors: [`  bench_fleet: { interval: ${STEADY_INTERVAL_S}s, series: ${STEADY_SERIES} }`], top: ['plugin_dirs: [plugins]'] }));
  const pluginDir = join(config.dir, 'plugins', 'collector-bench-fleet');
  mkdirSync(pluginDir, { recursive: true });
  writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({ name: 'collector-bench-fleet', type: 'module', main: 'index.js', vigia: { type: 'collector' } }));
  writeFileSync(join(pluginDir, 'index.js'), FLEET_PLUGIN);

  const redis = new Redis(env.redisUrl);
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const common = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, VIGIA_KEY_PREFIX: env.prefix, MONITORING_CONFIG: config.file, VIGIA_DATA_DIR: config.dir, LOG_LEVEL: 'warn' };
  const apps: AppProcess[] = [];
  try {
    await db.query('TRUNCATE series, samples_raw, samples_1m, samples_1h RESTART IDENTITY');
    const worker = spawnApp('worker', common);
    apps.push(worker);
    const port = await freePort();
    const api = spawnApp('api', { ...common, MONITORING_HOST: '127.0.0.1', MONITORING_PORT: String(port), API_TOKEN: 'bench-steady', ADMIN_PASSWORD: 'bench-steady-password' });
    apps.push(api);
    await waitHealthy(api, `http://127.0.0.1:${port}`);
    const probeKey = seriesKey(benchSeries(STEADY_SERIES)[0]!.name, benchSeries(STEADY_SERIES)[0]!.labels);
    await pollUntil(
      async () => {
        if (worker.exited()) throw new Error(`the worker exited during start-up:\n${worker.output()}`);
        return redis.hexists(keys.latest, probeKey);
      },
      'the first bench_fleet tick in Redis',
      { timeoutMs: 120_000 },
    );
    await sleep(WARM_UP_TICKS * STEADY_INTERVAL_S * 1000);

    // Start and end half an interval after a tick, so the window holds exactly TICKS whole ticks.
    const stepMs = STEADY_INTERVAL_S * 1000;
    await alignTo(stepMs, stepMs / 2);
    const windowSeconds = TICKS * STEADY_INTERVAL_S;
    const jobsKey = `jobs:${COLLECT_JOBS}`;
    const [callsBefore, netBefore, statsBefore, jobsBefore, cpuBefore] = await Promise.all([
      commandCalls(redis),
      netBytes(redis),
      tableStats(db),
      redis.hget(keys.counters, jobsKey),
      redisCpuSeconds(redis),
    ]);
    log(`measuring ${TICKS} ticks of ${STEADY_SERIES.toLocaleString('en-US')} series every ${STEADY_INTERVAL_S} s (${windowSeconds} s)`);
    const [workerUsage, apiUsage] = await Promise.all([sampleProcess(worker.pid, windowSeconds), sampleProcess(api.pid, windowSeconds)]);
    const [callsAfter, netAfter, jobsAfter, cpuAfter] = await Promise.all([commandCalls(redis), netBytes(redis), redis.hget(keys.counters, jobsKey), redisCpuSeconds(redis)]);
    // PostgreSQL publishes table counters within a second of the commit; the next tick is still 2 s away.
    await sleep(1_500);
    const statsAfter = await tableStats(db);
    if (worker.exited() || api.exited()) throw new Error(`a process exited during the window:\n${worker.output()}\n${api.output()}`);

    const ticks = Number(jobsAfter ?? 0) - Number(jobsBefore ?? 0);
    const samples = ticks * STEADY_SERIES;
    const calls = callsBetween(callsBefore, callsAfter);
    calls.delete('info'); // the benchmark's own
    const totalCalls = [...calls.values()].reduce((a, b) => a + b, 0);
    const delta = (table: string, field: keyof TableStats) => statsAfter[table]![field] - statsBefore[table]![field];
    const rowVersions = ['samples_raw', 'samples_1m', 'samples_1h'].reduce((n, t) => n + delta(t, 'ins') + delta(t, 'upd'), 0);
    const latestBytes = (await redis.call('MEMORY', 'USAGE', keys.latest, 'SAMPLES', '0')) as number;
    const perSecond = (n: number) => Math.round((n / windowSeconds) * 10) / 10;
    const figures: SteadyFigures = {
      series: STEADY_SERIES,
      intervalSeconds: STEADY_INTERVAL_S,
      ticks,
      samples,
      windowSeconds,
      redis: {
        commandsPerSample: Math.round((totalCalls / samples) * 100) / 100,
        commandsPerTick: Math.round(totalCalls / ticks),
        // The live window is the per-series part: ZADD, ZREMRANGEBYSCORE and PEXPIRE for each one.
        fixedCommandsPerTick: Math.round((totalCalls - ['zadd', 'zremrangebyscore', 'pexpire'].reduce((n, c) => n + (calls.get(c) ?? 0), 0)) / ticks),
        topCommandsPerTick: Object.fromEntries([...calls].slice(0, 10).map(([c, n]) => [c, Math.round((n / ticks) * 10) / 10])),
        cpuMicrosPerSample: Math.round((((cpuAfter - cpuBefore) * 1e6) / samples) * 100) / 100,
        netInBytesPerSample: Math.round((netAfter.input - netBefore.input) / samples),
        netOutBytesPerSample: Math.round((netAfter.output - netBefore.output) / samples),
        usedMemoryBytes: await usedMemory(redis),
        latestHashBytesPerSeries: Math.round(latestBytes / STEADY_SERIES),
      },
      postgres: {
        rawRowsPerSecond: perSecond(delta('samples_raw', 'ins')),
        rollupUpsertsPerSecond: { '1m': perSecond(delta('samples_1m', 'ins') + delta('samples_1m', 'upd')), '1h': perSecond(delta('samples_1h', 'ins') + delta('samples_1h', 'upd')) },
        rowVersionsPerSample: Math.round((rowVersions / samples) * 100) / 100,
      },
      cpuPercentOfOneCore: { worker: Math.round(workerUsage.cpuPercent * 100) / 100, api: Math.round(apiUsage.cpuPercent * 100) / 100 },
    };
    log(
      `${ticks} ticks, ${samples.toLocaleString('en-US')} samples: ${figures.redis.commandsPerSample} Redis commands and ${figures.redis.cpuMicrosPerSample} µs of Redis CPU per sample, ${figures.postgres.rawRowsPerSecond} raw rows/s, worker CPU ${figures.cpuPercentOfOneCore.worker} %, API ${figures.cpuPercentOfOneCore.api} %`,
    );
    return figures;
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    redis.disconnect();
    await db.end();
    config.remove();
  }
}
