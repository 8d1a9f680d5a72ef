import { readFileSync } from 'node:fs';

export interface MemoryReading {
  totalBytes: number;
  /** In use by processes: total less what the kernel could hand out without swapping (MemAvailable). */
  activeBytes: number;
}

/**
 * Memory from /proc/meminfo, read once per tick. systeminformation's `mem()` gives the same
 * figure (total − MemAvailable) but reads the file seven times (six through os.totalmem and
 * os.freemem) on every call. A /proc file is generated in memory by the kernel, so the read is
 * synchronous: the async one cost more in promise and thread-pool work than the read itself.
 * Null when the file is missing (not Linux) or lacks the fields.
 */
export function readMeminfo(path = '/proc/meminfo'): MemoryReading | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable') ?? sum(kb('MemFree'), kb('Buffers'), kb('Cached'), kb('Slab'));
  if (total === undefined || available === undefined) return null;
  return { totalBytes: total, activeBytes: total - available };
}

function sum(...values: (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, b) => a + b!, 0);
}
