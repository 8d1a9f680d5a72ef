import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';
import { waitFor } from '@vigia/testing';
import { startStack, type Stack } from '../src/index.ts';

// Debian's `prometheus` package (apt-get install -y prometheus) brings both binaries.
const PROMETHEUS = process.env.VIGIA_PROMETHEUS ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.VIGIA_PROMTOOL ?? '/usr/bin/promtool';
const SHIPPED = join(REPO_ROOT, 'config/prometheus');
const run = promisify(execFile);

function requireBinary(path: string): void {
  if (!existsSync(path)) throw new Error(`no ${path}: run \`apt-get install -y prometheus\` (bash .ci/run does)`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The shipped config with its token path pointed into `dir`: promtool refuses a config whose
 * credentials file does not exist, and /etc/prometheus/vigia-token only exists in the container.
 */
function shippedConfigIn(dir: string): string {
  copyFileSync(join(SHIPPED, 'alerting_rules.yml'), join(dir, 'alerting_rules.yml'));
  copyFileSync(join(SHIPPED, 'vigia-token.example'), join(dir, 'vigia-token'));
  const text = readFileSync(join(SHIPPED, 'prometheus.yml'), 'utf8');
  expect(text).toContain('credentials_file: /etc/prometheus/vigia-token');
  writeFileSync(join(dir, 'prometheus.yml'), text.replaceAll('/etc/prometheus/vigia-token', join(dir, 'vigia-token')));
  return join(dir, 'prometheus.yml');
}

interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

describe('Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-prometheus-'));
  let stack: Stack | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let api = '';

  beforeAll(() => {
    requireBinary(PROMETHEUS);
    requireBinary(PROMTOOL);
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the shipped configuration (promtool check config)', async () => {
    const config = shippedConfigIn(mkdtempSync(join(dir, 'shipped-')));
    const { stdout } = await run(PROMTOOL, ['check', 'config', config]);
    expect(stdout).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
  });

  it('scrapes a running Vigia with its bearer token and answers queries on its series', async () => {
    stack = await startStack();
    const target = new URL(stack.url).host;
    // A trailing newline, as `echo "$API_TOKEN" > vigia-token` leaves one: Prometheus trims it.
    writeFileSync(join(dir, 'vigia-token'), `${stack.apiToken}\n`);
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: vigia',
        '    authorization:',
        '      type: Bearer',
        `      credentials_file: ${join(dir, 'vigia-token')}`,
        '    static_configs:',
        `      - targets: ['${target}']`,
        // The same endpoint without the token, to see that the token is what lets the scrape in.
        '  - job_name: vigia-without-token',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prometheus.stderr!.on('data', (chunk: Buffer) => (prometheusLog = (prometheusLog + chunk.toString()).slice(-4000)));
    const why = () => `${prometheus!.exitCode !== null ? `prometheus exited (${prometheus!.exitCode})` : 'prometheus is running'}; its log:\n${prometheusLog}`;

    const targets = await waitFor(
      async () => {
        const res = await fetch(`${api}/targets`);
        if (!res.ok) return undefined;
        const active = ((await res.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
        return active.length === 2 && active.every((t) => t.health !== 'unknown') ? active : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `both targets scraped at least once (${why()})` },
    );
    const byJob = Object.fromEntries(targets.map((t) => [t.labels.job, t]));
    expect(byJob.vigia, `${byJob.vigia?.lastError}`).toMatchObject({ health: 'up' });
    expect(byJob['vigia-without-token']).toMatchObject({ health: 'down', lastError: expect.stringMatching(/401/) });

    const query = async (promql: string) => {
      const res = await fetch(`${api}/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      expect(body.status, promql).toBe('success');
      return body.data.result;
    };
    const cpu = await waitFor(
      async () => {
        const result = await query('cpu_usage{job="vigia"}');
        return result.length ? result : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: `cpu_usage in Prometheus (${why()})` },
    );
    expect(cpu[0]!.metric).toMatchObject({ __name__: 'cpu_usage', job: 'vigia', instance: target, host: stack.config.collection.host });
    const value = Number(cpu[0]!.value[1]);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(100);

    // Vigia's own series come through the same scrape.
    const up = await query(`vigia_collector_up{job="vigia",collector="system@${stack.config.collection.host}"}`);
    expect(up.map((r) => r.value[1])).toEqual(['1']);
  });
});
