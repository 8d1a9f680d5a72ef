import { spawnApp, tempConfig, type AppProcess } from './app-process.ts';
import { pollUntil } from './poll.ts';
import { REDIS_URL, owe } from './scratch.ts';

export interface WorkerProcess {
  app: AppProcess;
  stop(): Promise<number | null>;
  /** pollUntil, but a worker that died ends the wait at once with its last output. */
  waitFor<T>(probe: () => T | Promise<T>, what: string, options?: { timeoutMs?: number; intervalMs?: number }): Promise<NonNullable<T>>;
}

/**
 * `apps/worker/src/main.ts` as users start it, on the benchmark's database and Redis prefix, with
 * `yaml` as its monitoring.yaml. Only LOG_LEVEL=warn: a worker printing every job would measure
 * its own logging.
 */
export function startWorkerProcess(databaseUrl: string, prefix: string, yaml: string, env: Record<string, string> = {}): WorkerProcess {
  const config = tempConfig(yaml);
  // Owed before the spawn, so on Ctrl-C it is paid after the process has stopped.
  const removeConfig = owe(async () => config.remove());
  const app = spawnApp('worker', {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    VIGIA_KEY_PREFIX: prefix,
    MONITORING_CONFIG: config.file,
    VIGIA_DATA_DIR: config.dir,
    LOG_LEVEL: 'warn',
    ...env,
  });
  return {
    app,
    async stop() {
      const code = await app.stop();
      await removeConfig();
      return code;
    },
    waitFor: (probe, what, options) =>
      pollUntil(
        async () => {
          if (app.exited()) throw new Error(`the worker exited while waiting for ${what}:\n${app.output()}`);
          return probe();
        },
        what,
        options,
      ),
  };
}

/** Output lines that look like trouble (the worker runs at LOG_LEVEL=warn, so most lines are). */
export function troubleLines(app: AppProcess): string[] {
  return app
    .output()
    .split('\n')
    .filter((l) => /warn|error/i.test(l));
}
