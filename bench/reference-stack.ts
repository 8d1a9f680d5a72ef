import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpReceiver } from '@vigia/testing';
import { freePort } from './app-process.ts';
import { pollUntil } from './poll.ts';
import { owe } from './scratch.ts';

/** The binaries of the stack a user would run instead, and the Debian package of each. */
export const REFERENCE_BINARIES = [
  { name: 'prometheus', path: '/usr/bin/prometheus', debianPackage: 'prometheus' },
  { name: 'node_exporter', path: '/usr/bin/prometheus-node-exporter', debianPackage: 'prometheus-node-exporter' },
  { name: 'alertmanager', path: '/usr/bin/prometheus-alertmanager', debianPackage: 'prometheus-alertmanager' },
] as const;

/** The packages to install when a binary is missing; empty when all are there. */
export function missingReferencePackages(): string[] {
  return REFERENCE_BINARIES.filter((b) => !existsSync(b.path)).map((b) => b.debianPackage);
}

interface Binary {
  name: string;
  pid: number;
  exited(): boolean;
  output(): string;
}

function spawnBinary(name: string, path: string, args: string[]): Binary & { stop(): Promise<void> } {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  if (child.pid === undefined) throw new Error(`could not start ${path}`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 30) lines.splice(0, lines.length - 30);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve(void (exited = true))));
  const stop = owe(async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const gone = await Promise.race([exit.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref())]);
    if (!gone) child.kill('SIGKILL');
  });
  return { name, pid: child.pid, exited: () => exited, output: () => lines.join('\n'), stop };
}

// The shipped "High CPU Usage" rule (`cpu_usage > 90` for 5m), written for node_exporter.
const RULES = `groups:
  - name: bench
    rules:
      - alert: HighCpuUsage
        expr: 100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))) > 90
        for: 5m
        labels: { severity: warning }
        annotations: { summary: "CPU usage is {{ $value }}%" }
`;

export interface ReferenceStack {
  processes: Binary[];
  pids(): number[];
  stop(): Promise<void>;
}

/**
 * node_exporter scraped every second by Prometheus, which evaluates one rule every 5 s (Vigia's
 * default evaluation interval) and sends to Alertmanager, whose only receiver is a webhook on a
 * local HTTP server. Each with a temporary directory and free ports, all on loopback.
 */
export async function startReferenceStack(): Promise<ReferenceStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-reference-'));
  const removeDir = owe(async () => rmSync(dir, { recursive: true, force: true }));
  const receiver = await startHttpReceiver();
  const closeReceiver = owe(() => receiver.close());
  const [exporterPort, prometheusPort, alertmanagerPort] = [await freePort(), await freePort(), await freePort()];
  for (const sub of ['prometheus', 'alertmanager']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'alertmanager.yml'), `route: { receiver: hook }\nreceivers:\n  - name: hook\n    webhook_configs: [{ url: "${receiver.url}/alert" }]\n`);
  writeFileSync(join(dir, 'rules.yml'), RULES);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 5s }
rule_files: ["${join(dir, 'rules.yml')}"]
alerting:
  alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:${alertmanagerPort}"] }] }]
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ["127.0.0.1:${exporterPort}"] }]
`,
  );
  const started: ReturnType<typeof spawnBinary>[] = [];
  const stopAll = owe(async () => {
    for (const p of started.reverse()) await p.stop();
    await closeReceiver();
    await removeDir();
  });
  try {
    started.push(spawnBinary('node_exporter', '/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${exporterPort}`]));
    started.push(
      spawnBinary('alertmanager', '/usr/bin/prometheus-alertmanager', [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
        // A single instance: no gossip port.
        '--cluster.listen-address=',
      ]),
    );
    started.push(
      spawnBinary('prometheus', '/usr/bin/prometheus', [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ]),
    );
    const alive = () => {
      const dead = started.find((p) => p.exited());
      if (dead) throw new Error(`${dead.name} exited during start-up:\n${dead.output()}`);
    };
    await pollUntil(
      async () => {
        alive();
        const answer = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/query?query=up`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => (r.ok ? r.json() : null),
          () => null,
        );
        const result = (answer as { data?: { result?: { value: [number, string] }[] } } | null)?.data?.result ?? [];
        return result.some((r) => r.value[1] === '1');
      },
      'Prometheus to have scraped node_exporter',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await pollUntil(
      async () => {
        alive();
        return fetch(`http://127.0.0.1:${alertmanagerPort}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.ok,
          () => false,
        );
      },
      'Alertmanager to be ready',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { processes: started, pids: () => started.filter((p) => !p.exited()).map((p) => p.pid), stop: stopAll };
}
