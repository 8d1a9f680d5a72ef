import { randomBytes } from 'node:crypto';
import { freePort, spawnApp, tempConfig, waitHealthy, type AppProcess } from './app-process.ts';
import { REDIS_URL } from './scratch.ts';

export interface ApiProcess {
  app: AppProcess;
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * `apps/api/src/main.ts` in a process of its own, on a free loopback port, with a static bearer
 * token: the server's event loop is not the one running the benchmark's clients.
 */
export async function startApiProcess(databaseUrl: string, prefix: string, yaml = 'collectors: {}\n'): Promise<ApiProcess> {
  const config = tempConfig(yaml);
  const port = await freePort();
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const app = spawnApp('api', {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    VIGIA_KEY_PREFIX: prefix,
    MONITORING_CONFIG: config.file,
    VIGIA_DATA_DIR: config.dir,
    MONITORING_HOST: '127.0.0.1',
    MONITORING_PORT: String(port),
    API_TOKEN: token,
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    SECRET_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await app.stop();
    config.remove();
  };
  try {
    await waitHealthy(app, url);
  } catch (error) {
    await stop();
    throw error;
  }
  return { app, url, token, stop };
}
