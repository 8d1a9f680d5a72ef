import { loadavg } from 'node:os';
import { cpuUsage, readCpuTimes, type CpuTimes } from './cpu-times.ts';
import { readHostFacts } from './host-facts.ts';
import { readDiskUsage, type DiskUsage } from './disk-usage.ts';
import { readMeminfo, type MemoryReading } from './meminfo.ts';
import { networkRates, readNetDev, type InterfaceRate, type NetReading } from './net-dev.ts';
import si from 'systeminformation';
import { z } from 'zod';
import { defineCollector, type Sample } from '@vigia/plugin-sdk';

const configSchema = z.object({
  /** Mount points to leave out (e.g. container bind mounts). */
  exclude_mounts: z.array(z.string()).default([]),
  /** Filesystem types never worth reporting. */
  exclude_fs_types: z.array(z.string()).default(['tmpfs', 'devtmpfs', 'overlay', 'squashfs', 'nsfs', 'proc', 'sysfs', 'ramfs']),
  /** Interfaces to leave out; the loopback interface is left out unless listed in include_interfaces. */
  exclude_interfaces: z.array(z.string()).default([]),
  include_interfaces: z.array(z.string()).default([]),
  /** Disk usage changes slowly: refresh it at most this often (ms). */
  disk_refresh_ms: z.number().int().nonnegative().default(30_000),
});

type Config = z.infer<typeof configSchema>;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * CPU, memory, disks, network and load of the machine the worker runs on. The host facts (once)
 * come from systeminformation; CPU, memory, network and disk space are read from /proc and statfs
 * without starting processes, because at a 1 s interval those dominated the worker's CPU
 * (systeminformation stays the fallback where /proc is missing).
 */
export default function systemCollector() {
  let disks: Sample[] = [];
  let disksReadAt = 0;
  let infoPublished = false;
  let facts: Record<string, unknown> | undefined;
  let readingFacts = false;
  let lastCpu: CpuTimes | undefined;
  let lastNet: NetReading | undefined;

  /** Bytes per second per interface since the baseline (none on the first reading, nor over less than a full window). */
  async function readNetwork(): Promise<InterfaceRate[]> {
    const at = performance.now();
    let counters: NetReading['counters'] | null;
    try {
      counters = readNetDev();
    } catch {
      counters = null;
    }
    if (!counters) {
      // Not Linux: systeminformation knows how to read this system (it keeps its own baseline).
      const stats = await si.networkStats('*');
      return stats.filter((n) => n.rx_sec !== null && n.tx_sec !== null && n.rx_sec >= 0 && n.tx_sec >= 0).map((n) => ({ iface: n.iface, rx: n.rx_sec!, tx: n.tx_sec! }));
    }
    const current = { at, counters };
    if (!lastNet) {
      lastNet = current;
      return [];
    }
    const rates = networkRates(lastNet, current);
    // Too short a window gives no figures and keeps the baseline, so the next tick has a full one.
    if (rates !== null) lastNet = current;
    return rates ?? [];
  }

  /** /proc/meminfo; elsewhere systeminformation. */
  async function readMemory(): Promise<MemoryReading> {
    const read = readMeminfo();
    if (read) return read;
    const mem = await si.mem();
    return { totalBytes: mem.total, activeBytes: mem.active };
  }

  /** statfs of each mount in /proc/self/mounts; elsewhere systeminformation (which starts `df`). */
  async function listDisks(): Promise<DiskUsage[]> {
    const mounted = await readDiskUsage().catch(() => null);
    if (mounted) return mounted;
    return (await si.fsSize()).map((fs) => ({ device: fs.fs, mount: fs.mount, type: fs.type, sizeBytes: fs.size, usedBytes: fs.used }));
  }

  async function readDisks(config: Config, now: number): Promise<Sample[]> {
    if (now - disksReadAt < config.disk_refresh_ms && disks.length) return disks;
    const all = await listDisks();
    const seen = new Set<string>();
    disks = [];
    for (const fs of all) {
      if (!fs.sizeBytes || seen.has(fs.mount) || config.exclude_mounts.includes(fs.mount) || config.exclude_fs_types.includes(fs.type)) continue;
      seen.add(fs.mount);
      const labels = { mount: fs.mount, device: fs.device };
      disks.push(
        { name: 'disk_usage', value: round((fs.usedBytes / fs.sizeBytes) * 100), labels, unit: '%' },
        { name: 'disk_used_bytes', value: fs.usedBytes, labels, unit: 'bytes' },
        { name: 'disk_total_bytes', value: fs.sizeBytes, labels, unit: 'bytes' },
      );
    }
    disksReadAt = now;
    return disks;
  }

  return defineCollector<Config>({
    name: 'system',
    description: 'Host CPU, memory, disk, network and load (systeminformation)',
    // What it reads is the worker's own machine: each machine must report for itself.
    scope: 'host',
    interval: '5s',
    configSchema,
    metrics: {
      cpu_usage: { help: 'CPU busy time over the last interval, all cores (percent)', unit: '%' },
      memory_usage: { help: 'Memory in use by processes, excluding caches (percent of total)', unit: '%' },
      memory_used_bytes: { help: 'Memory in use by processes, excluding caches', unit: 'bytes' },
      memory_total_bytes: { help: 'Physical memory', unit: 'bytes' },
      disk_usage: { help: 'Space used on the filesystem (percent)', unit: '%' },
      disk_used_bytes: { help: 'Space used on the filesystem', unit: 'bytes' },
      disk_total_bytes: { help: 'Size of the filesystem', unit: 'bytes' },
      network_rx_bytes_per_sec: { help: 'Bytes received per second', unit: 'bytes/s' },
      network_tx_bytes_per_sec: { help: 'Bytes sent per second', unit: 'bytes/s' },
      load_average_1m: { help: 'One-minute load average' },
    },

    async init() {
      // CPU and network are rates: the first readings are baselines, taken now (an instance that
      // is initialised again keeps its baselines, which are older and so longer windows).
      lastCpu ??= readCpuTimes();
      if (!lastNet) await readNetwork();
    },

    async collect({ config, now, publishInfo, logger }) {
      const [mem, net, disk] = await Promise.all([readMemory(), readNetwork(), readDisks(config, now)]);
      const cpuNow = readCpuTimes();
      const cpu = lastCpu ? cpuUsage(lastCpu, cpuNow) : null;
      // Too short a window gives no figure and keeps the baseline, so the next tick has a full one.
      if (!lastCpu || cpu !== null) lastCpu = cpuNow;
      const samples: Sample[] = [
        ...(cpu === null ? [] : [{ name: 'cpu_usage', value: round(cpu), unit: '%' }]),
        { name: 'memory_usage', value: round((mem.activeBytes / mem.totalBytes) * 100), unit: '%' },
        { name: 'memory_used_bytes', value: mem.activeBytes, unit: 'bytes' },
        { name: 'memory_total_bytes', value: mem.totalBytes, unit: 'bytes' },
        { name: 'load_average_1m', value: round(loadavg()[0] ?? 0) },
        ...disk,
      ];
      for (const n of net) {
        const isLoopback = n.iface === 'lo';
        if (config.exclude_interfaces.includes(n.iface) || (isLoopback && !config.include_interfaces.includes(n.iface))) continue;
        const labels = { interface: n.iface };
        samples.push({ name: 'network_rx_bytes_per_sec', value: round(n.rx), labels, unit: 'bytes/s' }, { name: 'network_tx_bytes_per_sec', value: round(n.tx), labels, unit: 'bytes/s' });
      }
      // Host facts are read in the background (see host-facts.ts); a later tick publishes them.
      if (facts && !infoPublished) {
        publishInfo(facts);
        infoPublished = true;
      } else if (!facts && !readingFacts) {
        readingFacts = true;
        readHostFacts()
          .then((read) => (facts = read))
          .catch((error: Error) => logger.warn('host facts could not be read; trying again next tick', { error: error.message }))
          .finally(() => (readingFacts = false));
      }
      return samples;
    },
  });
}
