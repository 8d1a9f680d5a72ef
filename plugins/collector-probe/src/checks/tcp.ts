import { connect } from 'node:net';
import type { ProbeCheck, ProbeOutcome } from '../spec.ts';

export function checkTcp(check: Extract<ProbeCheck, { type: 'tcp' }>, signal: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: check.host, port: check.port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('error', reject);
  });
}
