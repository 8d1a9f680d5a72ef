import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, loadConfig } from '@vigia/config';
import { probes } from '@vigia/db';
import { createTestStore, type TestDatabase } from '@vigia/testing';

const BIN = join(REPO_ROOT, 'apps/cli/bin/vigia.js');

function vigia(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('vigia probes export', () => {
  let database: TestDatabase;
  const scratch = mkdtempSync(join(tmpdir(), 'vigia-probes-export-'));

  beforeAll(async () => {
    database = await createTestStore('postgres');
    await database.store.db.insert(probes).values([
      {
        name: 'shop',
        spec: {
          interval: '30s',
          timeout: '5s',
          labels: { team: 'web' },
          http: { url: 'https://monitor:pa55word@shop.example.com/health', headers: { Authorization: 'Bearer t0ken' }, expect_status: ['200-299', 304], keyword: 'ok' },
        },
        createdBy: 'ana',
        updatedBy: 'ana',
      },
      { name: 'db-port', spec: { interval: '10s', tcp: { host: 'db.internal', port: 5432 } }, createdBy: 'ana', updatedBy: 'ana' },
      { name: 'old-cache', spec: { redis: { url: 'redis://cache:6379' } }, paused: true, createdBy: 'ana', updatedBy: 'ana' },
    ]);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prints a probes: block that loads back as the same probes, secrets included, paused ones left out', async () => {
    const run = await vigia(['probes', 'export'], { DATABASE_URL: database.url! });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('# Paused, left out (--include-paused writes them): old-cache');

    const file = join(scratch, 'monitoring.yaml');
    writeFileSync(file, `collectors:\n  system: { enabled: false }\n${run.stdout}`);
    const config = loadConfig({ file, env: { REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(config.probes.map((p) => p.name)).toEqual(['db-port', 'shop']);
    expect(config.probes.find((p) => p.name === 'shop')).toMatchObject({
      intervalMs: 30_000,
      timeoutMs: 5_000,
      labels: { team: 'web' },
      check: {
        type: 'http',
        url: 'https://monitor:pa55word@shop.example.com/health',
        headers: { Authorization: 'Bearer t0ken' },
        expectStatus: [
          [200, 299],
          [304, 304],
        ],
        keyword: 'ok',
      },
    });
    expect(config.probes.find((p) => p.name === 'db-port')!.check).toEqual({ type: 'tcp', host: 'db.internal', port: 5432 });
  });

  it('writes paused probes too with --include-paused, to a file with --out', async () => {
    const out = join(scratch, 'probes.yaml');
    const run = await vigia(['probes', 'export', '--include-paused', '--out', out], { DATABASE_URL: database.url! });
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: `wrote 3 probes to ${out}\n` });
    const config = loadConfig({ file: out, env: { REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(config.probes.map((p) => p.name)).toEqual(['db-port', 'old-cache', 'shop']);
  });
});
