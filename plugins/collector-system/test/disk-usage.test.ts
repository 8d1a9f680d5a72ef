import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCollectorOnce } from '@vigia/plugin-sdk';
import { parseMounts, readDiskUsage } from '../src/disk-usage.ts';
import systemCollector from '../src/index.ts';

/** What `df` says about the filesystem holding `path`, in bytes. */
function df(path: string): { size: number; used: number } {
  const [, line] = execFileSync('df', ['-B1', '--output=size,used', path], { encoding: 'utf8' }).trim().split('\n');
  const [size, used] = line!.trim().split(/\s+/).map(Number);
  return { size: size!, used: used! };
}

describe('disk usage without df', () => {
  it('reads the mount table, leaving pseudo filesystems out and unescaping paths', () => {
    const text = [
      'proc /proc proc rw,nosuid 0 0',
      'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
      '/dev/vda1 / ext4 rw,relatime 0 0',
      '/dev/vdb1 /srv/my\\040data xfs rw 0 0',
      'tmpfs /run tmpfs rw 0 0',
      '/dev/vdc1 /mnt ext4 rw 0 0',
      '/dev/vdd1 /mnt ext4 rw 0 0',
      '',
    ].join('\n');
    expect(parseMounts(text)).toEqual([
      { device: '/dev/vda1', mount: '/', type: 'ext4' },
      { device: '/dev/vdb1', mount: '/srv/my data', type: 'xfs' },
      // tmpfs is the collector's exclude_fs_types to decide, not a pseudo filesystem.
      { device: 'tmpfs', mount: '/run', type: 'tmpfs' },
      // Mounted over: the last one is what the path shows.
      { device: '/dev/vdd1', mount: '/mnt', type: 'ext4' },
    ]);
  });

  it('gives the root filesystem the size and used space df gives', async () => {
    const root = (await readDiskUsage()).find((d) => d.mount === '/');
    expect(root).toBeDefined();
    const expected = df('/');
    expect(root!.sizeBytes).toBe(expected.size);
    // Other work on the machine writes meanwhile: the same to within 64 MB.
    expect(Math.abs(root!.usedBytes - expected.used)).toBeLessThan(64 * 1024 * 1024);
  });

  it('reports the root filesystem from the collector with its device and no /proc or cgroup mounts', async () => {
    const result = await runCollectorOnce(systemCollector(), { timeoutMs: 20_000 });
    const disks = result.samples.filter((s) => s.name === 'disk_total_bytes');
    const root = disks.find((s) => s.labels?.mount === '/');
    expect(root?.value).toBe(df('/').size);
    expect(root?.labels?.device).toBeTruthy();
    expect(disks.map((s) => s.labels?.mount)).not.toContain('/proc');
    expect(disks.some((s) => s.labels?.mount?.startsWith('/sys'))).toBe(false);
  }, 30_000);
});
