// Binary prefixes: memory and disks are sized in powers of two, and the labels say so.
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DASH = '–';

const finite = (v: number | null | undefined): v is number => v != null && Number.isFinite(v);

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
  if (!finite(value)) return DASH;
  const { n, unit } = scaled(value);
  return unit === 'B' ? `${Math.round(n)} B` : `${short(n)} ${unit}`;
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (!finite(bytesPerSecond)) return DASH;
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatPercent(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return `${value.toFixed(value >= 99.95 || value === 0 ? 0 : 1)} %`;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (!finite(value)) return DASH;
  return value.toFixed(digits);
}

const grouped = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 3 });
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Counts people read exactly (orders, rows) up to a million; beyond that, 1.2M is what matters. */
export function formatCount(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return Math.abs(value) >= 1e6 ? compact.format(value) : grouped.format(value);
}

/**
 * Money without a currency symbol unless the metric names its currency (unit "BRL", "EUR"…):
 * guessing one would be worse than showing none.
 */
export function formatMoney(value: number | null | undefined, currency?: string): string {
  if (!finite(value)) return DASH;
  if (currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
    } catch {
      // Not an ISO 4217 code after all: fall through to plain money.
    }
  }
  return money.format(value);
}

/** Response times: milliseconds below a second (that is where APIs live), seconds above. */
export function formatSeconds(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  const abs = Math.abs(value);
  if (abs === 0) return '0 ms';
  if (abs < 0.001) return `${(value * 1e6).toFixed(0)} µs`;
  if (abs < 1) return `${short(value * 1000)} ms`;
  return `${short(value)} s`;
}

export function formatMilliseconds(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return formatSeconds(value / 1000);
}

/** "req/s", "ops/s": large rates shortened (12.3k req/s), small ones with their decimals. */
export function formatPerSecond(value: number | null | undefined, what = ''): string {
  if (!finite(value)) return DASH;
  const n = Math.abs(value) >= 10_000 ? compact.format(value) : short(value);
  return `${n} ${what ? `${what}/s` : '/s'}`;
}

/** Two largest units only ("3 d 4 h"): uptime is read at a glance, not to the second. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!finite(seconds) || seconds < 0) return DASH;
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

const PER_SECOND = /^(\w+)\/s$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Formats a value by its unit: the API's own ("%", "bytes", "s", "1/s") or a display unit the
 * dashboard chose for a metric ("req/s", "money").
 */
export function formatValue(value: number | null | undefined, unit: string | null | undefined): string {
  switch (unit) {
    case '%':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return formatRate(value);
    case 's':
      return formatSeconds(value);
    case 'ms':
      return formatMilliseconds(value);
    case '1/s':
      return formatPerSecond(value);
    case 'money':
      return formatMoney(value);
    case 'count':
      return formatCount(value);
    case null:
    case undefined:
    case '':
      return finite(value) && Number.isInteger(value) ? formatCount(value) : formatNumber(value);
  }
  const perSecond = PER_SECOND.exec(unit);
  if (perSecond) return formatPerSecond(value, perSecond[1]);
  if (CURRENCY.test(unit)) return formatMoney(value, unit);
  return finite(value) ? `${grouped.format(value)} ${unit}` : DASH;
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
    case 's':
      return formatSeconds(value);
    case 'ms':
      return formatMilliseconds(value);
    case null:
    case undefined:
    case '':
    case 'count':
      return Math.abs(value) >= 10_000 ? compact.format(value) : plain;
  }
  if (PER_SECOND.test(unit) || unit === '1/s') return Math.abs(value) >= 10_000 ? compact.format(value) : plain;
  if (unit === 'money' || CURRENCY.test(unit)) return Math.abs(value) >= 10_000 ? compact.format(value) : plain;
  return plain;
}
