import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem, uptime } from 'node:os';
import si from 'systeminformation';

/** The distribution from os-release(5): `NAME VERSION_ID` ("Debian GNU/Linux 12"); null without the file. */
export function parseOsRelease(text: string): string | null {
  const field = (name: string) =>
    new RegExp(`^${name}=(?:"([^"]*)"|(.*))$`, 'm')
      .exec(text)
      ?.slice(1)
      .find((v) => v !== undefined);
  const name = field('NAME');
  if (!name) return null;
  return `${name} ${field('VERSION_ID') ?? ''}`.trim();
}

/** Physical cores from /proc/cpuinfo (distinct `physical id` + `core id` pairs); null when it does not say. */
export function physicalCores(cpuinfo: string): number | null {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const socket = /^physical id\s*:\s*(\S+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\S+)/m.exec(block)?.[1];
    if (socket !== undefined && core !== undefined) cores.add(`${socket}:${core}`);
  }
  return cores.size || null;
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * What /api/system/info shows about the machine. On Linux it comes from os-release, /proc/cpuinfo
 * and Node's `os`, without starting a process: systeminformation runs `hostname -f`, `lscpu`,
 * `dmesg` and about eight more shells for these, which on a busy machine takes seconds. Elsewhere
 * systeminformation answers, read once, apart from any tick's time budget.
 */
export async function readHostFacts(): Promise<Record<string, unknown>> {
  const osRelease = readOptional('/etc/os-release') ?? readOptional('/usr/lib/os-release');
  const cpuinfo = readOptional('/proc/cpuinfo');
  const logical = cpus();
  if (platform() === 'linux' && osRelease && cpuinfo && logical.length) {
    return {
      hostname: hostname(),
      os: parseOsRelease(osRelease) ?? 'Linux',
      platform: platform(),
      kernel: release(),
      arch: arch(),
      cpuModel: logical[0]!.model.trim(),
      cpuCores: logical.length,
      cpuPhysicalCores: physicalCores(cpuinfo) ?? logical.length,
      memoryTotalBytes: totalmem(),
      bootTime: Date.now() - uptime() * 1000,
    };
  }
  const [os, cpu] = await Promise.all([si.osInfo(), si.cpu()]);
  return {
    hostname: os.hostname,
    os: `${os.distro} ${os.release}`.trim(),
    platform: os.platform,
    kernel: os.kernel,
    arch: os.arch,
    cpuModel: `${cpu.manufacturer} ${cpu.brand}`.trim(),
    cpuCores: cpu.cores,
    cpuPhysicalCores: cpu.physicalCores,
    memoryTotalBytes: totalmem(),
    bootTime: Date.now() - si.time().uptime * 1000,
  };
}
