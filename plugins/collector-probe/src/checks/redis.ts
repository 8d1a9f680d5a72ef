import { Redis } from 'ioredis';
import { ProbeFailure, type ProbeCheck, type ProbeOutcome } from '../spec.ts';

/** A real login (the URL's user and password) and a PING, on a connection that never retries. */
export async function checkRedis(check: Extract<ProbeCheck, { type: 'redis' }>, signal: AbortSignal, timeoutMs: number): Promise<ProbeOutcome> {
  const client = new Redis(check.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  let lastError: Error | undefined;
  client.on('error', (error: Error) => void (lastError = error));
  const abort = () => client.disconnect();
  signal.addEventListener('abort', abort, { once: true });
  try {
    try {
      await client.connect();
    } catch (error) {
      // ioredis reports a refused socket as "Connection is closed."; the socket's own error says why.
      throw lastError ?? error;
    }
    const answer = await client.ping();
    if (answer !== 'PONG') throw new ProbeFailure(`PING answered ${JSON.stringify(answer)}`);
    return { ok: true };
  } finally {
    signal.removeEventListener('abort', abort);
    client.disconnect();
  }
}
