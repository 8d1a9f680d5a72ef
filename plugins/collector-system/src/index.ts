import { loadavg } from 'node:os';
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
  /** Disk usage changes slowly and costs a `df` per read: refresh it at most this often (ms). */
  disk_refresh_ms: z.number().int().nonnegative().default(30_000),
});

type Config = z.infer<typeof configSchema>;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPU, memory, disks, network and load of the machine the worker runs on. */
export default function systemCollector() {
  let disks: Sample[] = [];
  let disksReadAt = 0;
  let infoPublished = false;

  async function readDisks(config: Config, now: number): Promise<Sample[]> {
    if (now - disksReadAt < config.disk_refresh_ms && disks.length) return disks;
    const all = await si.fsSize();
    const seen = new Set<string>();
    disks = [];
    for (const fs of all) {
      if (!fs.size || seen.has(fs.mount) || config.exclude_mounts.includes(fs.mount) || config.exclude_fs_types.includes(fs.type)) continue;
      seen.add(fs.mount);
      const labels = { mount: fs.mount, device: fs.fs };
      disks.push(
        { name: 'disk_usage', value: round((fs.used / fs.size) * 100), labels, unit: '%' },
        { name: 'disk_used_bytes', value: fs.used, labels, unit: 'bytes' },
        { name: 'disk_total_bytes', value: fs.size, labels, unit: 'bytes' },
      );
    }
    disksReadAt = now;
    return disks;
  }

  return defineCollector<Config>({
    name: 'system',
    description: 'Host CPU, memory, disk, network and load (systeminformation)',
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
      // systeminformation's first CPU and network readings are baselines; take them now.
      await Promise.all([si.currentLoad(), si.networkStats('*')]);
    },

    async collect({ config, now, publishInfo }) {
      const [load, mem, net, disk] = await Promise.all([si.currentLoad(), si.mem(), si.networkStats('*'), readDisks(config, now)]);
      const samples: Sample[] = [
        { name: 'cpu_usage', value: round(load.currentLoad), unit: '%' },
        { name: 'memory_usage', value: round((mem.active / mem.total) * 100), unit: '%' },
        { name: 'memory_used_bytes', value: mem.active, unit: 'bytes' },
        { name: 'memory_total_bytes', value: mem.total, unit: 'bytes' },
        { name: 'load_average_1m', value: round(loadavg()[0] ?? 0) },
        ...disk,
      ];
      for (const n of net) {
        const isLoopback = n.iface === 'lo';
        if (config.exclude_interfaces.includes(n.iface) || (isLoopback && !config.include_interfaces.includes(n.iface))) continue;
        if (n.rx_sec === null || n.tx_sec === null || n.rx_sec < 0 || n.tx_sec < 0) continue;
        const labels = { interface: n.iface };
        samples.push(
          { name: 'network_rx_bytes_per_sec', value: round(n.rx_sec), labels, unit: 'bytes/s' },
          { name: 'network_tx_bytes_per_sec', value: round(n.tx_sec), labels, unit: 'bytes/s' },
        );
      }
      if (!infoPublished) {
        const [os, cpu] = await Promise.all([si.osInfo(), si.cpu()]);
        publishInfo({
          hostname: os.hostname,
          os: `${os.distro} ${os.release}`.trim(),
          platform: os.platform,
          kernel: os.kernel,
          arch: os.arch,
          cpuModel: `${cpu.manufacturer} ${cpu.brand}`.trim(),
          cpuCores: cpu.cores,
          cpuPhysicalCores: cpu.physicalCores,
          memoryTotalBytes: mem.total,
          bootTime: Date.now() - si.time().uptime * 1000,
        });
        infoPublished = true;
      }
      return samples;
    },
  });
}
