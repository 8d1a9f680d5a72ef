import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat } from '../src/cpu-times.ts';
import { readMeminfo } from '../src/meminfo.ts';
import { parseOsRelease, physicalCores, readHostFacts } from '../src/host-facts.ts';

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

  it('names the distribution from os-release and counts physical cores from /proc/cpuinfo', () => {
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n')).toBe('Debian GNU/Linux 12');
    expect(parseOsRelease('NAME=Arch\nID=arch\n')).toBe('Arch');
    expect(parseOsRelease('ID=x\n')).toBeNull();
    const cpu = (socket: number, core: number) => `processor\t: 0\nphysical id\t: ${socket}\ncore id\t\t: ${core}\n`;
    // Two sockets of two cores, each with two hyperthreads.
    expect(physicalCores([cpu(0, 0), cpu(0, 0), cpu(0, 1), cpu(0, 1), cpu(1, 0), cpu(1, 0), cpu(1, 1), cpu(1, 1)].join('\n'))).toBe(4);
    expect(physicalCores('processor\t: 0\nmodel name\t: ARMv8\n')).toBeNull();
  });

  it('reads this machine’s facts from its files', async () => {
    const facts = await readHostFacts();
    const name = /^NAME="?([^"\n]+)/m.exec(readFileSync('/etc/os-release', 'utf8'))![1]!;
    expect(facts.os).toContain(name);
    expect(facts.cpuCores).toBe(cpus().length);
    expect(facts.cpuModel).toBe(cpus()[0]!.model.trim());
    expect(facts.cpuPhysicalCores).toBeGreaterThan(0);
    expect(facts.cpuPhysicalCores as number).toBeLessThanOrEqual(cpus().length);
    expect(Date.now() - (facts.bootTime as number)).toBeGreaterThan(0);
  });
});
