import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, loadConfig } from '@vigia/config';

// promtool comes with Debian's `prometheus` package (apt-get install -y prometheus).
const PROMTOOL = process.env.VIGIA_PROMTOOL ?? '/usr/bin/promtool';
const SHIPPED = join(REPO_ROOT, 'config/prometheus');
const RULES = join(SHIPPED, 'alerting_rules.yml');
const REGENERATE = 'npx vigia rules export --format prometheus --out config/prometheus/alerting_rules.yml';
const run = promisify(execFile);

describe('the Prometheus rules generated from monitoring.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-prometheus-rules-'));
  beforeAll(() => {
    if (!existsSync(PROMTOOL)) throw new Error(`no ${PROMTOOL}: run \`apt-get install -y prometheus\` (bash .ci/run does)`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are what the CLI exports from config/monitoring.yaml today (no drift)', async () => {
    // Only PATH and HOME: a MONITORING_CONFIG in the shell must not change what is compared.
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/vigia.js'), 'rules', 'export', '--format', 'prometheus'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    expect(readFileSync(RULES, 'utf8'), `alerting_rules.yml differs from monitoring.yaml's rules; regenerate it: ${REGENERATE}`).toBe(stdout);
  });

  it('pass promtool check rules, one alert per configured rule', async () => {
    const { alerts } = loadConfig({ env: {} });
    const expected = alerts.rules.length + (alerts.collector_down.enabled ? 1 : 0);
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toContain(`SUCCESS: ${expected} rules found`);
  });

  it('pass their unit tests (promtool test rules): for, direction, the sum over states, ms → s', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', 'alerting_rules.test.yml'], { cwd: SHIPPED });
    expect(stdout).toContain('SUCCESS');
  });

  it('load with the shipped prometheus.yml (promtool check config)', async () => {
    // The shipped config names the token file where the container mounts it; promtool insists on it existing.
    copyFileSync(RULES, join(dir, 'alerting_rules.yml'));
    copyFileSync(join(SHIPPED, 'vigia-token.example'), join(dir, 'vigia-token'));
    const text = readFileSync(join(SHIPPED, 'prometheus.yml'), 'utf8');
    expect(text).toContain('credentials_file: /etc/prometheus/vigia-token');
    writeFileSync(join(dir, 'prometheus.yml'), text.replaceAll('/etc/prometheus/vigia-token', join(dir, 'vigia-token')));
    const { stdout } = await run(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(stdout).toMatch(/SUCCESS: .*prometheus\.yml is valid/);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
