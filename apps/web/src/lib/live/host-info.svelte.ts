import { errorMessage, trpc } from '../trpc.ts';
import type { SystemInfo } from '../api/types.ts';

export interface HostFacts {
  /** What the host's series are labelled with (`host="…"`). */
  name: string | null;
  hostname: string | null;
  os: string | null;
  kernel: string | null;
  arch: string | null;
  cpuModel: string | null;
  cpuCores: number | null;
  bootTime: number | null;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// The API passes the collector's facts through untyped; read only what is really there.
function toFacts(host: NonNullable<SystemInfo['host']>, fetchedAt: number): HostFacts {
  const h = host as Record<string, unknown>;
  const uptime = num(h.uptimeSeconds);
  return {
    name: str(h.name),
    hostname: str(h.hostname),
    os: str(h.os),
    kernel: str(h.kernel),
    arch: str(h.arch),
    cpuModel: str(h.cpuModel),
    cpuCores: num(h.cpuCores),
    bootTime: num(h.bootTime) ?? (uptime === null ? null : fetchedAt - uptime * 1000),
  };
}

/** `system.info`: static host facts, published by the system collector on its first run on each machine. */
export class HostInfo {
  /** Every worker machine, newest report first. */
  hosts = $state<HostFacts[]>([]);
  status = $state<'loading' | 'waiting' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  start(): () => void {
    this.stopped = false;
    void this.load();
    return () => {
      this.stopped = true;
      clearTimeout(this.timer);
    };
  }

  async load(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const info = await trpc.system.info.query();
      if (this.stopped) return;
      const fetchedAt = Date.now();
      this.hosts = info.hosts.map((h) => toFacts(h, fetchedAt));
      this.status = this.hosts.length ? 'ready' : 'waiting';
      this.error = null;
    } catch (error) {
      if (this.stopped) return;
      this.error = errorMessage(error);
      this.status = 'error';
    }
    // Until the collector has reported, ask again soon; errors get a slower retry. Worker machines
    // join and leave, so a complete answer is read again now and then too.
    if (!this.stopped) this.timer = setTimeout(() => void this.load(), this.status === 'ready' ? 60_000 : this.status === 'waiting' ? 3_000 : 15_000);
  }
}
