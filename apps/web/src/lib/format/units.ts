// Binary prefixes: memory and disks are sized in powers of two, and the labels say so.
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function scaled(value: number): { n: number; unit: string } {
  let n = Math.abs(value);
  let i = 0;
  while (n >= 1024 && i < BYTE_UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  return { n: Math.sign(value) * n, unit: BYTE_UNITS[i]! };
}

/** Three significant digits at most: 1.23 GiB, 12.3 MiB, 123 KiB. */
function short(n: number): string {
  const abs = Math.abs(n);
  const digits = abs === 0 || abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toFixed(digits);
}

export function formatBytes(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–';
  const { n, unit } = scaled(value);
  return unit === 'B' ? `${Math.round(n)} B` : `${short(n)} ${unit}`;
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond == null || !Number.isFinite(bytesPerSecond)) return '–';
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–';
  return `${value.toFixed(value >= 99.95 || value === 0 ? 0 : 1)} %`;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value == null || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

/** Two largest units only ("3 d 4 h"): uptime is read at a glance, not to the second. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const parts: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3_600), 'h'],
    [Math.floor((seconds % 3_600) / 60), 'min'],
    [Math.floor(seconds % 60), 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n} ${u}`)
    .join(' ');
}

/** Formats a value by its metric unit, as the API reports it. */
export function formatValue(value: number | null | undefined, unit: string | null | undefined): string {
  switch (unit) {
    case '%':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return formatRate(value);
    default:
      return formatNumber(value);
  }
}

/** Axis labels: as short as the value allows ("80 %", not "80.0 %"). */
export function formatTick(value: number, unit: string | null | undefined): string {
  const plain = String(Number(value.toFixed(2)));
  switch (unit) {
    case '%':
      return `${plain} %`;
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return formatRate(value);
    default:
      return plain;
  }
}
