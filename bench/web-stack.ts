import { randomBytes } from 'node:crypto';
import { freePort, spawnApp, tempConfig, waitHealthy, type AppProcess } from './app-process.ts';
import { REDIS_URL } from './scratch.ts';

export interface WebStack {
  url: string;
  adminPassword: string;
  token: string;
  api: AppProcess;
  worker: AppProcess;
  stop(): Promise<void>;
}

// What a small install runs: the host every second, nothing that needs other services, and a rule
// on the metric the bench pushes so charts carry a threshold line like real ones.
const YAML = `collectors:
  system: { interval: 1s }
  api: { enabled: false }
  business: { enabled: false }
  custom: { enabled: false }
  postgres: { enabled: false }
  redis: { enabled: false }
alerts:
  collector_down: { enabled: false }
  rules:
    - name: Bench Chart High
      metric: bench_chart_01
      operator: ">"
      threshold: 90
      for: 1m
      severity: warning
`;

/**
 * The API and a worker as people run them (`apps/api/src/main.ts`, `apps/worker/src/main.ts`, each its own process) with a
 * known admin password, serving the dashboard built in apps/web/dist.
 */
export async function startWebStack(databaseUrl: string, prefix: string): Promise<WebStack> {
  const config = tempConfig(YAML);
  const port = await freePort();
  const adminPassword = randomBytes(12).toString('hex');
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    VIGIA_KEY_PREFIX: prefix,
    MONITORING_CONFIG: config.file,
    VIGIA_DATA_DIR: config.dir,
    MONITORING_HOST: '127.0.0.1',
    MONITORING_PORT: String(port),
    API_TOKEN: token,
    ADMIN_PASSWORD: adminPassword,
    SECRET_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  const url = `http://127.0.0.1:${port}`;
  // The API first: it migrates the database and creates the admin before the worker connects.
  const api = spawnApp('api', env);
  let worker: AppProcess | undefined;
  const stop = async () => {
    await worker?.stop();
    await api.stop();
    config.remove();
  };
  try {
    await waitHealthy(api, url);
    worker = spawnApp('worker', env);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, adminPassword, token, api, worker, stop };
}
