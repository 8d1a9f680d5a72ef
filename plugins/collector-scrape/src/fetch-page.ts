import { readFile } from 'node:fs/promises';
import { STATUS_CODES, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { rootCertificates } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ScrapeFailure, type ScrapeTarget } from './spec.ts';

// What Prometheus asks for: OpenMetrics first, then the classic text format.
const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

export interface Page {
  body: string;
  contentType?: string;
  status: number;
}

async function readSecret(file: string, what: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new ScrapeFailure(`cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

async function readOptional(file: string | undefined, what: string): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new ScrapeFailure(`cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/** The Authorization header, with its files read now so a rotated secret needs no restart. */
export async function authorization(auth: ScrapeTarget['auth']): Promise<string | undefined> {
  if (!auth) return undefined;
  if (auth.type === 'bearer') return `Bearer ${auth.token ?? (await readSecret(auth.tokenFile!, 'bearer_token_file'))}`;
  const password = auth.password ?? (auth.passwordFile ? await readSecret(auth.passwordFile, 'basic_auth.password_file') : '');
  return `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}`;
}

function decoded(response: IncomingMessage): Readable {
  switch ((response.headers['content-encoding'] ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}

/** The body, decompressed, refused past `limit` bytes so one exporter cannot fill the worker's memory. */
async function readBody(response: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = decoded(response);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      response.destroy();
      throw new ScrapeFailure(`the answer is larger than body_size_limit (${limit} bytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GETs the target's page once: its auth, its TLS options, no redirects (Prometheus follows them,
 * but a credential must not travel to wherever a 302 points). Throws ScrapeFailure for any answer
 * that is not a 2xx page; network errors are left to the caller to word.
 */
export async function fetchPage(target: ScrapeTarget, signal: AbortSignal): Promise<Page> {
  const url = new URL(target.url);
  const headers: OutgoingHttpHeaders = {
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': 'vigia-scrape',
    // Exporters that honour it (the Prometheus client libraries) cut their own work short.
    'x-prometheus-scrape-timeout-seconds': String(target.timeoutMs / 1000),
  };
  const auth = await authorization(target.auth);
  if (auth) headers.authorization = auth;
  const https = url.protocol === 'https:';
  const tls: RequestOptions = https
    ? {
        rejectUnauthorized: !target.tls.insecureSkipVerify,
        servername: target.tls.serverName,
        ca: await readOptional(target.tls.caFile, 'tls.ca_file').then((ca) => (ca ? [ca] : undefined)),
        cert: await readOptional(target.tls.certFile, 'tls.cert_file'),
        key: await readOptional(target.tls.keyFile, 'tls.key_file'),
      }
    : {};
  // `ca` replaces the system's CAs; a private CA is meant in addition to them.
  if (tls.ca) tls.ca = [...rootCertificates, ...(tls.ca as Buffer[])];
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, signal, agent: false, ...tls }, resolve);
    request.once('error', reject);
    request.end();
  });
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    const words = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
    const hint =
      status === 401 || status === 403
        ? target.auth
          ? ': check its bearer_token or basic_auth'
          : ': it needs a bearer_token or basic_auth'
        : status >= 300 && status < 400
          ? `: redirects are not followed; give the final URL (${response.headers.location ?? 'no Location'})`
          : '';
    throw new ScrapeFailure(`HTTP ${status}${words}${hint}`, status);
  }
  const contentType = response.headers['content-type'];
  const body = await readBody(response, target.bodySizeLimit);
  return { body, contentType, status };
}
