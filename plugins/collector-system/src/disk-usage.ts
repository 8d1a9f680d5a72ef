import { readFile, statfs } from 'node:fs/promises';

/**
 * Filesystems that hold no disk space of their own (kernel interfaces, cgroups, autofs triggers).
 * Memory-backed ones (tmpfs, ramfs) stay in the collector's `exclude_fs_types`, which users may
 * change; these never make sense as disk usage.
 */
const PSEUDO_FS_TYPES = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'proc',
  'pstore',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'sysfs',
  'tracefs',
]);

export interface Mount {
  device: string;
  mount: string;
  type: string;
}

/** /proc/self/mounts writes space, tab, newline and backslash in a path as octal escapes. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The mounts of a /proc/self/mounts text, pseudo filesystems left out, each mount point once (the last mounted wins, as it hides the others). */
export function parseMounts(text: string): Mount[] {
  const byMount = new Map<string, Mount>();
  for (const line of text.split('\n')) {
    const [device, mount, type] = line.split(' ');
    if (!device || !mount || !type || PSEUDO_FS_TYPES.has(type)) continue;
    const entry = { device: unescapeMountField(device), mount: unescapeMountField(mount), type };
    byMount.delete(entry.mount);
    byMount.set(entry.mount, entry);
  }
  return [...byMount.values()];
}

export interface DiskUsage extends Mount {
  sizeBytes: number;
  usedBytes: number;
}

/**
 * Size and used space of every real mounted filesystem, read with statfs(2) as `df` does, in this
 * process: no `df` started per reading. A mount that cannot be read (permission, a stale network
 * mount) or has no blocks is left out.
 */
export async function readDiskUsage(mountsFile = '/proc/self/mounts'): Promise<DiskUsage[]> {
  const mounts = parseMounts(await readFile(mountsFile, 'utf8'));
  const read = await Promise.all(
    mounts.map(async (m) => {
      try {
        const s = await statfs(m.mount);
        if (!s.blocks) return null;
        return { ...m, sizeBytes: s.blocks * s.bsize, usedBytes: (s.blocks - s.bfree) * s.bsize };
      } catch {
        return null;
      }
    }),
  );
  return read.filter((d): d is DiskUsage => d !== null);
}
