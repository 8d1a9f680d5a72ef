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
}

export type Responder = (req: ReceivedRequest, index: number) => number | 'hang' | Promise<number | 'hang'>;

/**
 * A local HTTP server standing in for a webhook receiver or Slack: records every request and
 * answers what the test scripts (a status, or 'hang' to never answer).
 */
export async function startHttpReceiver(respond: Responder = () => 200) {
  const requests: ReceivedRequest[] = [];
  let responder = respond;
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const record: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: null, at: Date.now() };
      requests.push(record);
      const answer = await responder(record, requests.length - 1);
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      record.status = answer;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'error');
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
