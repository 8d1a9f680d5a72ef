import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCollectorOnce, type CollectorRunResult } from '@vigia/plugin-sdk';
import scrapeCollector, { type ScrapeTarget } from '../src/index.ts';

export interface Running {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const startHttp = (handler: RequestListener) => listen(createHttpServer(handler));
export const startHttps = (tls: { key: string; cert: string }, handler: RequestListener) => listen(createHttpsServer(tls, handler));

/** A self-signed certificate for localhost and 127.0.0.1, in files and in memory. */
export async function selfSigned(): Promise<{ key: string; cert: string; certFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-scrape-cert-'));
  await promisify(execFile)(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { cwd: dir },
  );
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), certFile: join(dir, 'cert.pem') };
}

let count = 0;

/** A target as @vigia/config hands it over, with its defaults. */
export function target(url: string, more: Partial<ScrapeTarget> = {}): ScrapeTarget {
  const { hostname, port } = new URL(url);
  return {
    name: `t${++count}`,
    job: 'test',
    url,
    instance: `${hostname}:${port}`,
    intervalMs: 30_000,
    timeoutMs: 5_000,
    tls: { insecureSkipVerify: false },
    honorLabels: false,
    labels: {},
    relabel: [],
    sampleLimit: 50_000,
    bodySizeLimit: 16 * 1024 * 1024,
    ...more,
  };
}

export type Scraped = CollectorRunResult & { up: number | undefined; series(name: string): { value: number; labels?: Record<string, string> }[] };

/** Scrapes one target the way a worker part does, and returns what it reported. */
export async function scrape(spec: ScrapeTarget): Promise<Scraped> {
  const result = await runCollectorOnce(scrapeCollector, { config: { target: spec }, timeoutMs: spec.timeoutMs + 5_000 });
  const series = (name: string) => result.samples.filter((s) => s.name === name);
  return { ...result, up: series('up')[0]?.value, series };
}
