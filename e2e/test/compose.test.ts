import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';

// Debian's docker-compose (v1) validates a compose file without a Docker engine; no engine runs
// here, so nothing is built or started.
const DOCKER_COMPOSE = process.env.VIGIA_DOCKER_COMPOSE ?? '/usr/bin/docker-compose';
const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
const run = promisify(execFile);

/** The seed's environment variables (its README, "Environment Variables"). */
const SEED_VARIABLES = [
  'DB_HOST',
  'DB_NAME',
  'DB_USER',
  'DB_PASSWORD',
  'SECRET_KEY',
  'EMAIL_ALERTS_ENABLED',
  'SMTP_HOST',
  'SMTP_PORT',
  'SMTP_USER',
  'SMTP_PASSWORD',
  'ALERT_FROM_EMAIL',
  'ALERT_TO_EMAIL_1',
  'SLACK_ALERTS_ENABLED',
  'SLACK_WEBHOOK_URL',
  'SLACK_CHANNEL',
  'WEBHOOK_ALERTS_ENABLED',
  'ALERT_WEBHOOK_URL',
  'WEBHOOK_AUTH_TOKEN',
];

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

async function dockerCompose(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  if (!existsSync(DOCKER_COMPOSE)) throw new Error(`no ${DOCKER_COMPOSE}: run \`apt-get install -y docker-compose\` (bash .ci/run does)`);
  // Only the variables under test: a developer's own GRAFANA_PASSWORD and the like must not leak in.
  return run(DOCKER_COMPOSE, ['-f', COMPOSE_FILE, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env } });
}

const SCRIPTS = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The command an npm script runs (`exec` only tells npm's shell to hand its process over). */
const scriptCommand = (name: string) => SCRIPTS[name]!.replace(/^exec /, '').split(' ');
const compose = parseYaml(readFileSync(COMPOSE_FILE, 'utf8')) as Compose;
const healthTest = (s: Service) => (Array.isArray(s.healthcheck?.test) ? s.healthcheck.test.join(' ') : (s.healthcheck?.test ?? ''));

describe('docker-compose.yml', () => {
  it('is accepted by docker-compose config', async () => {
    const { stderr } = await dockerCompose(['config', '-q']);
    expect(stderr).not.toMatch(/error|invalid/i);
    const { stdout } = await dockerCompose(['config', '--services']);
    expect(stdout.trim().split('\n').sort()).toEqual(['grafana', 'postgres', 'prometheus', 'redis', 'vigia-api', 'vigia-worker']);
  });

  it('passes the seed’s variables through, with defaults when they are unset', async () => {
    const env = { GRAFANA_USER: 'ops', GRAFANA_PASSWORD: 's3cret', SMTP_HOST: 'smtp.example.com', ALERT_TO_EMAIL_1: 'admin@example.com', API_TOKEN: 'tok-123' };
    const resolved = parseYaml((await dockerCompose(['config'], env)).stdout) as Compose;
    expect(resolved.services.grafana!.environment).toMatchObject({ GF_SECURITY_ADMIN_USER: 'ops', GF_SECURITY_ADMIN_PASSWORD: 's3cret' });
    for (const name of ['vigia-api', 'vigia-worker']) {
      expect(resolved.services[name]!.environment, name).toMatchObject({
        SMTP_HOST: 'smtp.example.com',
        ALERT_TO_EMAIL_1: 'admin@example.com',
        API_TOKEN: 'tok-123',
        REDIS_HOST: 'redis',
        MONITORING_HOST: '0.0.0.0',
      });
    }
    const defaults = parseYaml((await dockerCompose(['config'])).stdout) as Compose;
    expect(defaults.services.grafana!.environment).toMatchObject({ GF_SECURITY_ADMIN_USER: 'admin', GF_SECURITY_ADMIN_PASSWORD: 'admin' });
    expect(defaults.services['vigia-api']!.environment).toMatchObject({ DATABASE_URL: 'postgres://vigia:vigia@postgres:5432/vigia', DB_HOST: 'postgres', EMAIL_ALERTS_ENABLED: 'false' });
  });

  it('runs the seed’s stack: redis, postgres, the API, scalable workers, Prometheus and Grafana', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['grafana', 'postgres', 'prometheus', 'redis', 'vigia-api', 'vigia-worker']);
    expect(s.redis!.image).toMatch(/^redis:7-alpine$/);
    expect(healthTest(s.redis!)).toMatch(/redis-cli ping/);
    expect(s.postgres!.image).toMatch(/^postgres:15-alpine$/);
    expect(healthTest(s.postgres!)).toMatch(/pg_isready/);
    expect(s.postgres!.environment).toMatchObject({ POSTGRES_DB: 'vigia' });

    const api = s['vigia-api']!;
    expect(api.build).toBeDefined();
    // What `npm run start:api` runs, without npm between Docker and the app (it does not pass SIGTERM on).
    expect(api.command).toEqual(scriptCommand('start:api'));
    expect(api.ports).toEqual(['5001:5001']);
    expect(healthTest(api)).toMatch(/\/healthz/);
    const worker = s['vigia-worker']!;
    expect(worker.command).toEqual(scriptCommand('start:worker'));
    expect(worker.image).toBe(api.image);
    // `docker-compose up --scale vigia-worker=3` needs every replica free to pick its own name and ports.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    // The image's health check asks the HTTP API, which a worker does not serve.
    expect(worker.healthcheck?.disable).toBe(true);
    for (const [name, service] of [
      ['vigia-api', api],
      ['vigia-worker', worker],
    ] as const) {
      expect(service.depends_on, name).toMatchObject({ redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
      const env = service.environment!;
      for (const key of ['DATABASE_URL', 'REDIS_HOST', 'REDIS_PORT', 'SECRET_KEY', 'API_TOKEN', 'MONITORING_HOST']) expect(env, `${name} ${key}`).toHaveProperty(key);
      for (const key of SEED_VARIABLES) expect(String(env[key]), `${name} passes ${key} through`).toMatch(new RegExp(`^\\$\\{${key}:-[^}]*\\}$`));
    }

    expect(s.prometheus!.image).toMatch(/^prom\/prometheus:/);
    expect(s.prometheus!.ports).toEqual(['9091:9090']);
    expect(s.prometheus!.volumes).toContain('./config/prometheus:/etc/prometheus:ro');
    // The scrape token file the shipped config names sits in that mounted directory.
    expect(readFileSync(join(REPO_ROOT, 'config/prometheus/prometheus.yml'), 'utf8')).toMatch(/credentials_file: \/etc\/prometheus\/vigia-token/);
    expect(s.grafana!.image).toMatch(/^grafana\/grafana:/);
    expect(s.grafana!.ports).toEqual(['3001:3000']);
    expect(s.grafana!.environment).toMatchObject({ GF_SECURITY_ADMIN_USER: '${GRAFANA_USER:-admin}', GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_PASSWORD:-admin}' });

    // Every service that keeps state keeps it in a named volume.
    const mounts = (name: string) => (s[name]!.volumes ?? []).map((v) => v.split(':')[0]);
    expect(mounts('redis')).toContain('redis-data');
    expect(mounts('postgres')).toContain('postgres-data');
    expect(mounts('prometheus')).toContain('prometheus-data');
    expect(mounts('grafana')).toContain('grafana-data');
    for (const volume of ['redis-data', 'postgres-data', 'prometheus-data', 'grafana-data']) expect(compose.volumes).toHaveProperty(volume);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));
  const runtime = dockerfile.slice(dockerfile.search(/^FROM\s+\S+\s+AS\s+runtime/im));

  it('builds the dashboard, the app bundles and the plugins in one stage and runs them from a production-only stage as a non-root user', () => {
    expect(stages[0]!.image).toBe('node:20-bookworm-slim');
    expect(stages.at(-1)!.name).toBe('runtime');
    expect(dockerfile).toMatch(/RUN npm ci\s*$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).toMatch(/COPY --from=build \/app\/plugins \.\/plugins/);
    expect(runtime).toMatch(/VIGIA_PREBUILT=1/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/apps\/web\/dist/);
    for (const dir of ['packages', 'apps', 'drizzle', 'config']) expect(runtime).toMatch(new RegExp(`^COPY ${dir} `, 'm'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 5001$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*healthz/m);
    expect(runtime.trim().split('\n').at(-1)).toBe(`CMD ${JSON.stringify(scriptCommand('start:api')).replaceAll(',', ', ')}`);
  });

  it('leaves local state and secrets out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['**/node_modules', '.data', '**/dist', '**/.turbo', 'test-artifacts', 'bench/results', 'config/prometheus/vigia-token', '.env']) expect(ignored).toContain(entry);
  });
});
