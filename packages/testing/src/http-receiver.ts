import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered, or null when the request was left hanging. */
  status: number | null;
  at: number;
  /** Set when the client went away before an answer was sent (its timeout or abort). */
  abandoned: boolean;
}

/** A scripted answer with the service's own headers (Retry-After…) and body (its error JSON…). */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Answer = number | 'hang' | ScriptedResponse;
export type Responder = (req: ReceivedRequest, index: number) => Answer | Promise<Answer>;

/**
 * A local HTTP server standing in for a webhook receiver or Slack: records every request and
 * answers what the test scripts (a status, a status with headers and body, or 'hang' to never answer).
 */
export async function startHttpReceiver(respond: Responder = () => 200) {
  const requests: ReceivedRequest[] = [];
  let responder = respond;
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const record: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: null,
        at: Date.now(),
        abandoned: false,
      };
      res.on('close', () => {
        if (!res.writableEnded) record.abandoned = true;
      });
      requests.push(record);
      const answer = await responder(record, requests.length - 1);
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const scripted = typeof answer === 'number' ? { status: answer, body: answer < 300 ? 'ok' : 'error' } : answer;
      record.status = scripted.status;
      res.writeHead(scripted.status, { 'content-type': 'text/plain', ...scripted.headers }).end(scripted.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Requests whose JSON body satisfies `match`. */
    json<T = Record<string, unknown>>(match: (body: T) => boolean = () => true): T[] {
      return requests.map((r) => JSON.parse(r.body) as T).filter(match);
    },
    setResponder(next: Responder) {
      responder = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type HttpReceiver = Awaited<ReturnType<typeof startHttpReceiver>>;
