import { totalmem } from 'node:os';
import si from 'systeminformation';

/**
 * What /api/system/info shows about the machine. systeminformation starts `lscpu` and friends
 * for these, which on a busy machine takes seconds: read once, apart from any tick's time budget.
 */
export async function readHostFacts(): Promise<Record<string, unknown>> {
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
