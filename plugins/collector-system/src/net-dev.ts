import { readFileSync } from 'node:fs';
import { MIN_RATE_WINDOW_MS } from './rate-window.ts';

export interface InterfaceCounters {
  rx: number;
  tx: number;
}

/**
 * Byte counters per interface from /proc/net/dev: one file read, where systeminformation's
 * networkStats starts a shell and several `cat`s per interface on every call. Synchronous: the
 * kernel generates it in memory, and the async read cost more than the read (see meminfo.ts).
 */
export function readNetDev(path = '/proc/net/dev'): Map<string, InterfaceCounters> {
  const text = readFileSync(path, 'utf8');
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    // receive: bytes packets errs drop fifo frame compressed multicast | transmit: bytes …
    if (fields.length >= 9) out.set(name, { rx: fields[0]!, tx: fields[8]! });
  }
  return out;
}

export interface NetReading {
  counters: Map<string, InterfaceCounters>;
  /** When it was read (performance.now()). */
  at: number;
}

export interface InterfaceRate {
  iface: string;
  /** Bytes per second. */
  rx: number;
  tx: number;
}

/** The shortest window a network rate is computed over (see rate-window.ts). */
export const MIN_NET_WINDOW_MS = MIN_RATE_WINDOW_MS;

/**
 * Bytes per second per interface between two readings, or null when they are less than
 * MIN_NET_WINDOW_MS apart. An interface whose counter went down was reset (restarted) and has
 * no figure this time.
 */
export function networkRates(previous: NetReading, current: NetReading): InterfaceRate[] | null {
  const ms = current.at - previous.at;
  if (ms < MIN_NET_WINDOW_MS) return null;
  const seconds = ms / 1000;
  const out: InterfaceRate[] = [];
  for (const [iface, now] of current.counters) {
    const before = previous.counters.get(iface);
    if (!before || now.rx < before.rx || now.tx < before.tx) continue;
    out.push({ iface, rx: (now.rx - before.rx) / seconds, tx: (now.tx - before.tx) / seconds });
  }
  return out;
}
