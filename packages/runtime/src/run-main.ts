import { ConfigError, EnvError } from '@vigia/config';
import { createLogger, type AppLogger, type LogLevel } from '@vigia/log';
import { FatalError } from './fatal.ts';

function explain(error: unknown): string {
  if (error instanceof ConfigError || error instanceof EnvError || error instanceof FatalError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `the port is already in use (${(error as Error).message}); stop the other process or set MONITORING_PORT`;
  return (error as Error)?.stack ?? String(error);
}

/**
 * Runs an app's start function, prints start-up failures as one clear message (no stack for the
 * ones users cause), and on SIGINT/SIGTERM runs the returned stop function once.
 */
export async function runMain(scope: string, start: (logger: AppLogger) => Promise<() => Promise<void>>): Promise<void> {
  const logger = createLogger(scope, (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info');
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await stop?.();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    stop = await start(logger);
  } catch (error) {
    // `npm start` runs everything as scope `vigia`: "vigia cannot start", not "vigia vigia".
    const who = scope === 'vigia' ? 'vigia' : `vigia ${scope}`;
    process.stderr.write(`\n${who} cannot start: ${explain(error)}\n\n`);
    process.exit(1);
  }
}
