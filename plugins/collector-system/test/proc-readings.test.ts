import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat } from '../src/cpu-times.ts';
import { readMeminfo } from '../src/meminfo.ts';

describe('/proc readings', () => {
  it('counts CPU time from the all-cores line of /proc/stat as os.cpus() counts it (iowait, softirq and steal left out)', () => {
    const text = 'cpu  100 20 30 400 50 6 7 8 0 0\ncpu0 50 10 15 200 25 3 3 4 0 0\nintr 1 2 3\n';
    expect(parseProcStat(text)).toEqual({ busy: 100 + 20 + 30 + 6, total: 100 + 20 + 30 + 400 + 6 });
    expect(parseProcStat('intr 1 2 3\n')).toBeNull();
  });

  it('counts memory in use as total less MemAvailable, and without MemAvailable as an old kernel does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-meminfo-'));
    const file = join(dir, 'meminfo');
    writeFileSync(file, 'MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\nBuffers:          50 kB\nCached:          200 kB\nSlab:             30 kB\n');
    expect(readMeminfo(file)).toEqual({ totalBytes: 1000 * 1024, activeBytes: 400 * 1024 });
    writeFileSync(file, 'MemTotal:       1000 kB\nMemFree:         100 kB\nBuffers:          50 kB\nCached:          200 kB\nSlab:             30 kB\n');
    expect(readMeminfo(file)).toEqual({ totalBytes: 1000 * 1024, activeBytes: 620 * 1024 });
    expect(readMeminfo(join(dir, 'missing'))).toBeNull();
  });

  it('reads this machine', () => {
    const mem = readMeminfo();
    expect(mem?.activeBytes).toBeGreaterThan(0);
    expect(mem!.activeBytes).toBeLessThan(mem!.totalBytes);
  });
});
