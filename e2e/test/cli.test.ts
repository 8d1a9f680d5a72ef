import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';
import { HistoryStore } from '@vigia/db';
import { createPostgresDatabase } from '@vigia/testing';
import { startStack, type Stack } from '../src/index.ts';

const BIN = join(REPO_ROOT, 'apps/cli/bin/vigia.js');
const COMMITTED_RULES = join(REPO_ROOT, 'config/prometheus/alerting_rules.yml');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real CLI as `npx vigia` runs it, from the repository root. Only PATH and HOME come from this
 * process, so a DATABASE_URL or MONITORING_CONFIG in the shell cannot change what is tested.
 * Asynchronous: the Vigia some of these talk to runs in this process.
 */
function vigia(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'vigia-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vigia check-config', () => {
  it('accepts the shipped configuration with a one-line summary', async () => {
    const run = await vigia(['check-config']);
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: 'config/monitoring.yaml: valid: 15 rules, 0 channels, 6 collectors configured\n' });
  });

  it('prints every problem of a broken file with its key path and exits 1', async () => {
    const file = join(scratch, 'broken.yaml');
    writeFileSync(
      file,
      [
        'collectors:',
        '  postgres: { url: 42 }',
        'alerts:',
        '  routing: { critical: [pager] }',
        '  rules:',
        '    - { name: Hot, metric: cpu_usage, operator: ">", threshold: 90, severity: warning, channels: [nope], annotations: { summary: "{{ valeu }}" } }',
        'channels:',
        '  hook: { type: webhook }',
        '',
      ].join('\n'),
    );
    const run = await vigia(['check-config', file]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      `${file}: alerts.rules[0].annotations.summary (rule "Hot"): unknown field {{ valeu }}`,
      `${file}: alerts.rules[0].channels (rule "Hot"): no channel named "nope" under channels`,
      `${file}: alerts.routing.critical: no channel named "pager" under channels`,
      expect.stringMatching(new RegExp(`^${file}: channels\\.hook\\.url: `)),
      expect.stringMatching(new RegExp(`^${file}: collectors\\.postgres\\.url: `)),
      `${file}: 5 problems; Vigia would not start with this file`,
    ]);
  });

  it('reports schema problems of a file that does not parse, all of them', async () => {
    const file = join(scratch, 'schema.yaml');
    writeFileSync(file, 'collectors:\n  system: { interval: 5x }\nalerts:\n  rules:\n    - { name: A, metric: cpu_usage, operator: "=>", threshold: high, severity: warning }\n');
    const run = await vigia(['check-config', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}: collectors.system.interval: invalid duration "5x"`);
    expect(run.stdout).toContain(`${file}: alerts.rules[0].operator (rule "A"): unknown operator "=>"`);
    expect(run.stdout).toContain(`${file}: alerts.rules[0].threshold (rule "A"): threshold must be a number, got "high"`);
  });

  it('warns, without failing, about a rule window longer than the live window it is read from', async () => {
    const file = join(scratch, 'window.yaml');
    writeFileSync(file, 'storage: { live_window: 30m }\nalerts:\n  rules:\n    - { name: Slow, metric: cpu_usage, operator: ">", threshold: 1, severity: info, reduce: avg, window: 1h }\n');
    const run = await vigia(['check-config', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${file}: warning: alerts.rules[0].window (rule "Slow"): 1h is longer than storage.live_window (30m)`);
    expect(run.stdout).toContain(`${file}: valid: 2 rules, 0 channels, 6 collectors configured`);
  });

  it('warns that an escalation step names a schedule or person not in the file (they may be added in the dashboard)', async () => {
    const file = join(scratch, 'escalation.yaml');
    writeFileSync(file, 'alerts:\n  escalation:\n    critical: [{ after: 5m, schedules: [Night] }]\n');
    const run = await vigia(['check-config', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${file}: warning: alerts.escalation.critical[0].schedules: no schedule named "Night" under oncall.schedules (have: none); the worker will not start unless it was added in the dashboard`,
    );
  });

  it('warns that a status page component names a probe or rule that does not exist (probes may be added in the dashboard)', async () => {
    const file = join(scratch, 'status-page.yaml');
    writeFileSync(
      file,
      [
        'probes:',
        '  - name: web',
        '    http: { url: "http://127.0.0.1:9/" }',
        'alerts:',
        '  rules:',
        '    - { name: Web Down, metric: probe_success, operator: "<", threshold: 1, severity: critical, labels: { probe: web } }',
        'status_page:',
        '  enabled: true',
        '  components:',
        '    - { name: Website, probe: web }',
        '    - { name: Shop, probe: shop }',
        '    - { name: Checkout, match: { rule: Checkout Errors } }',
        '    - { name: API, match: { rule: Web Down, labels: { probe: api } } }',
        '',
      ].join('\n'),
    );
    const run = await vigia(['check-config', file]);
    expect(run.code).toBe(0);
    const warnings = run.stdout.split('\n').filter((line) => line.includes('warning: status_page'));
    expect(warnings).toEqual([
      `${file}: warning: status_page.components[1].probe (component "Shop"): no probe named "shop" under probes (have: web); unless it is added in the dashboard, it shows no uptime bar`,
      `${file}: warning: status_page.components[2].match.rule (component "Checkout"): no rule named "Checkout Errors"; no alert will ever open an incident on it`,
      `${file}: warning: status_page.components[3].match.labels (component "API"): probe="api" never matches rule "Web Down", which only watches probe="web"; no alert will ever open an incident on it`,
    ]);
    expect(run.stdout).toContain(`${file}: valid:`);
  });

  it('counts the probe collector once probes exist, and names the key of a bad probe', async () => {
    const good = join(scratch, 'probes.yaml');
    writeFileSync(good, 'probes:\n  - name: web\n    http: { url: "http://127.0.0.1:9/" }\n');
    expect((await vigia(['check-config', good])).stdout).toContain(`${good}: valid: 1 rule, 0 channels, 7 collectors configured`);
    const bad = join(scratch, 'bad-probe.yaml');
    writeFileSync(bad, 'probes:\n  - name: web\n    http: { url: "gopher://x" }\n');
    const run = await vigia(['check-config', bad]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${bad}: probes[0].http.url: must start with http:// or https:// (got gopher://)`);
  });

  it('says so when the file does not exist', async () => {
    const run = await vigia(['check-config', join(scratch, 'missing.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('the file does not exist');
  });
});

describe('vigia rules export', () => {
  it('writes exactly the committed config/prometheus/alerting_rules.yml', async () => {
    const out = join(scratch, 'rules.yml');
    const run = await vigia(['rules', 'export', '--format', 'prometheus', '--out', out]);
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toContain('wrote 15 rules from config/monitoring.yaml');
    expect(readFileSync(out, 'utf8'), 'regenerate with: npx vigia rules export --format prometheus --out config/prometheus/alerting_rules.yml').toBe(readFileSync(COMMITTED_RULES, 'utf8'));
  });
});

describe('vigia user add / token create / token revoke against a running Vigia', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.stop();
    await database?.drop();
  });

  it('creates a user and a token that the API accepts, until it is revoked', { timeout: 120_000 }, async () => {
    database = await createPostgresDatabase();
    const env = { DATABASE_URL: database.url };

    const added = await vigia(['user', 'add', 'alice', '--role', 'operator'], env);
    expect(added, added.stderr).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/^created user alice \(id \d+, operator\)\npassword: \S{20}\n/);
    expect((await vigia(['user', 'add', 'alice', '--role', 'viewer'], env)).stderr).toContain('a user named alice exists already');

    const created = await vigia(['token', 'create', 'ci', '--user', 'alice'], env);
    expect(created, created.stderr).toMatchObject({ code: 0 });
    const token = created.stdout.trim();
    expect(token).toMatch(/^vgt_\S+$/);
    expect(created.stderr).toMatch(/created token \d+ "ci" for alice \(operator\)/);
    const listed = await vigia(['token', 'list'], env);
    expect(listed.stdout).toMatch(/^id\s+name\s+user\s+role\s+created\s+last used\s+revoked\n\d+\s+ci\s+alice\s+operator\s/);
    const id = /^(\d+)\s+ci\s/m.exec(listed.stdout)![1]!;

    // A Vigia on the same database: what the CLI wrote is what the API reads.
    stack = await startStack({ env });
    const get = (bearer: string) => fetch(`${stack!.url}/api/system/info`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await get(token)).status).toBe(200);
    // The operator role came along: pushing is allowed.
    const push = await fetch(`${stack.url}/api/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'cli_pushed', value: 1 }]),
    });
    expect(push.status).toBe(200);

    const revoked = await vigia(['token', 'revoke', id], env);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked token ${id}\n` });
    expect((await get(token)).status).toBe(401);
    expect(await vigia(['token', 'revoke', id], env)).toMatchObject({ code: 1, stderr: expect.stringContaining(`no active token with id ${id}`) });
    expect((await vigia(['token', 'list'], env)).stdout).toMatch(new RegExp(`^${id}\\s+ci\\s+alice\\s+operator\\s+\\S+\\s+\\S+\\s+\\d{4}-`, 'm'));
  });
});

describe('vigia backtest', () => {
  let stack: Stack | undefined;
  afterAll(async () => stack?.stop());

  it('prints the episodes a rule would have raised over stored history, for the running rule or an edited one', { timeout: 120_000 }, async (ctx) => {
    const rule = (forWhat: string) => `    - { name: Backtest High, metric: bt_value, operator: ">", threshold: 10, for: ${forWhat}, severity: warning }`;
    const yaml = (forWhat: string) => ['collectors:', '  system: { enabled: false }', 'alerts:', '  collector_down: { enabled: false }', '  rules:', rule(forWhat), ''].join('\n');
    stack = await startStack({ yaml: yaml('5m'), worker: false });
    // An hour of history a minute apart: above the threshold for minutes 10-19 (ten minutes, peak
    // 50) and 40-42 (three minutes, peak 70).
    // A recent hour, so the history is still within every resolution's retention.
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
    const at = (minute: number) => new Date(t0 + minute * 60_000).toISOString().replace('.000Z', 'Z');
    const value = (m: number) => (m >= 10 && m < 20 ? 40 + m - 10 : m >= 40 && m < 43 ? 70 : 1);
    await new HistoryStore(stack.store.sql).insert(Array.from({ length: 60 }, (_, m) => ({ name: 'bt_value', labels: { host: 'a' }, value: value(m), timestamp: t0 + m * 60_000 })));

    const args = ['backtest', '--rule', 'Backtest High', '--from', at(0), '--to', String(t0 + 59 * 60_000), '--url', stack.url, '--token', stack.apiToken];
    const run = await vigia(args);
    if (run.stderr.includes('has no rules.backtest')) ctx.skip('rules.backtest is not in the API yet; this test runs once it is');
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout.split('\n')).toEqual([
      `Backtest High, ${at(0)} to ${at(59)}: 1 episode, 2 notifications (no channel would receive them)`,
      expect.stringMatching(/^replayed 1 series, \d+ points of \S+ history, \d+ evaluations$/),
      expect.stringMatching(/^start\s+fired\s+end\s+peak\s+labels$/),
      `${at(10)}  ${at(15)}  ${at(20)}  49    {host="a"}`,
      '',
    ]);

    // The same rule edited in a local copy to `for: 2m` also catches the three-minute blip, which
    // comes within the cooldown and so continues the episode: one episode, four messages.
    const edited = join(scratch, 'edited.yaml');
    writeFileSync(edited, yaml('2m'));
    const replayed = await vigia([...args, '--file', edited]);
    expect(replayed, replayed.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(': 1 episode, 4 notifications') });
    expect(replayed.stdout).toContain(`${at(10)}  ${at(12)}  ${at(43)}  70    {host="a"}`);

    expect(await vigia([...args.slice(0, -1), 'not-a-token'])).toMatchObject({ code: 1, stderr: expect.stringContaining('refused the token (401)') });
    expect(await vigia(['backtest', ...args.slice(1, 2), 'No Such Rule', ...args.slice(3)])).toMatchObject({ code: 1, stderr: expect.stringContaining('NOT_FOUND: no rule named No Such Rule') });
  });

  it('says clearly when Vigia cannot be reached', async () => {
    const run = await vigia(['backtest', '--rule', 'x', '--url', 'http://127.0.0.1:9', '--token', 't']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach Vigia at http://127.0.0.1:9');
  });
});
