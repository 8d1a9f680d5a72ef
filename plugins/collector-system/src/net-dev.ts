import { readFile } from 'node:fs/promises';

export interface InterfaceCounters {
  rx: number;
  tx: number;
}

/**
 * Byte counters per interface from /proc/net/dev: one file read, where systeminformation's
 * networkStats starts a shell and several `cat`s per interface on every call.
 */
export async function readNetDev(path = '/proc/net/dev'): Promise<Map<string, InterfaceCounters>> {
  const text = await readFile(path, 'utf8');
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    // receive: bytes packets errs drop fifo frame compressed multicast | transmit: bytes …
    if (fields.length >= 9) out.set(name, { rx: fields[0]!, tx: fields[8]! });
  }
  return out;
}
