import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { daysLeft, inspectCertificate, untrustedReason, expiredReason } from '../certificate.ts';
import { ProbeFailure, type ProbeCheck, type ProbeOutcome } from '../spec.ts';
import { readJsonPath } from '../json-path.ts';

type HttpCheck = Extract<ProbeCheck, { type: 'http' }>;

const MAX_REDIRECTS = 10;
// Enough for any health page; a larger answer is searched in its first 4 MiB only.
const MAX_BODY = 4 * 1024 * 1024;
const CERT_ERRORS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
// Credentials are for the host they were written for, not wherever it redirects.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

interface Answer {
  response: IncomingMessage;
  tlsDaysLeft?: number;
}

function send(url: URL, method: string, headers: OutgoingHttpHeaders, body: string | undefined, tlsVerify: boolean, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const request = (https ? httpsRequest : httpRequest)(url, { method, headers, signal, agent: false, ...(https ? { rejectUnauthorized: tlsVerify } : {}) }, (response) => {
      const cert = https ? (response.socket as TLSSocket).getPeerCertificate?.() : undefined;
      resolve({ response, tlsDaysLeft: cert?.valid_to ? daysLeft(cert) : undefined });
    });
    request.once('error', reject);
    request.end(body);
  });
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size >= MAX_BODY) continue;
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

const inRanges = (status: number, ranges: [number, number][]) => ranges.some(([low, high]) => status >= low && status <= high);
const rangesText = (ranges: [number, number][]) => ranges.map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`)).join(', ');

/** A certificate the check refused to trust: the reason, with its days left read by a second, trusting-nothing handshake. */
async function certificateFailure(url: URL, code: string, signal: AbortSignal): Promise<ProbeFailure> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const seen = await inspectCertificate(host, Number(url.port || 443), signal).catch(() => undefined);
  const days = seen?.daysLeft;
  const reason = code === 'CERT_HAS_EXPIRED' && days !== undefined ? expiredReason(days) : untrustedReason(code, host, days);
  return new ProbeFailure(reason, { tlsDaysLeft: days });
}

export async function checkHttp(check: HttpCheck, signal: AbortSignal): Promise<ProbeOutcome> {
  let url = new URL(check.url);
  let method = check.method;
  let body = check.body;
  const headers: Record<string, string> = { 'user-agent': 'vigia-probe', ...check.headers };
  let tlsDaysLeft: number | undefined;
  for (let hop = 0; ; hop++) {
    let answer: Answer;
    try {
      answer = await send(url, method, headers, body, check.tlsVerify, signal);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && CERT_ERRORS.has(code) && !signal.aborted) throw await certificateFailure(url, code, signal);
      throw error;
    }
    const { response } = answer;
    if (answer.tlsDaysLeft !== undefined) tlsDaysLeft = answer.tlsDaysLeft;
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (check.followRedirects && status >= 300 && status < 400 && location) {
      response.resume();
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new ProbeFailure(`redirect to an invalid location ${JSON.stringify(location.slice(0, 100))}`, { httpStatus: status, tlsDaysLeft });
      }
      // A redirect to file:, javascript: or anything else is never followed: only the web.
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new ProbeFailure(`redirect to ${next.protocol}// refused (only http and https are followed)`, { httpStatus: status, tlsDaysLeft });
      }
      if (hop + 1 > MAX_REDIRECTS) throw new ProbeFailure(`more than ${MAX_REDIRECTS} redirects`, { httpStatus: status, tlsDaysLeft });
      if (next.origin !== url.origin) for (const name of Object.keys(headers)) if (ORIGIN_BOUND_HEADERS.includes(name.toLowerCase())) delete headers[name];
      // As browsers do: 303 always, and 301/302 after a POST, continue as a GET without the body.
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    const text = await readBody(response);
    const details = { httpStatus: status, tlsDaysLeft };
    if (!inRanges(status, check.expectStatus)) throw new ProbeFailure(`status ${status} not in ${rangesText(check.expectStatus)}`, details);
    if (check.keyword !== undefined && !text.includes(check.keyword)) throw new ProbeFailure(`keyword ${JSON.stringify(check.keyword)} not found`, details);
    if (check.keywordAbsent !== undefined && text.includes(check.keywordAbsent)) throw new ProbeFailure(`keyword ${JSON.stringify(check.keywordAbsent)} found (it must be absent)`, details);
    if (check.jsonPath !== undefined) {
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw new ProbeFailure('the answer is not JSON (json_path needs JSON)', details);
      }
      const found = readJsonPath(document, check.jsonPath);
      if (!found.present) throw new ProbeFailure(`${check.jsonPath} not found in the answer`, details);
      // Compared as written in YAML: 'up' equals "up", 1 equals 1 and "1".
      if (found.value !== check.equals && String(found.value) !== String(check.equals)) {
        throw new ProbeFailure(`${check.jsonPath} is ${JSON.stringify(found.value)?.slice(0, 80)}, expected ${JSON.stringify(check.equals)}`, details);
      }
    }
    return { ok: true, ...details };
  }
}
