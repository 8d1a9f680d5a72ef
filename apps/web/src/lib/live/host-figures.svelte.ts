import { errorMessage, trpc } from '../trpc.ts';
import type { MetricSample } from './types.ts';

/** The metrics the live page shows; the subscription asks for these only. */
export const HOST_METRICS = [
  'cpu_usage',
  'memory_usage',
  'memory_used_bytes',
  'memory_total_bytes',
  'disk_usage',
  'network_rx_bytes_per_sec',
  'network_tx_bytes_per_sec',
  'load_average_1m',
];

function sampleKey(s: Pick<MetricSample, 'name' | 'labels'>): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${s.labels[k]}`)
    .join(',');
  return `${s.name}{${labels}}`;
}

export interface DiskFigure {
  mount: string;
  usage: number;
}

export interface NetworkFigure {
  iface: string;
  rx: number | null;
  tx: number | null;
}

/** Latest value of every host series: seeded by `metrics.current`, then kept fresh by live samples. */
export class HostFigures {
  // Replaced wholesale on each update: a few dozen entries, and one signal instead of one per key.
  private samples = $state.raw(new Map<string, MetricSample>());
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);

  readonly empty = $derived(this.samples.size === 0);
  readonly cpu = $derived(this.value('cpu_usage'));
  readonly loadAverage = $derived(this.value('load_average_1m'));
  readonly memory = $derived({
    usage: this.value('memory_usage'),
    used: this.value('memory_used_bytes'),
    total: this.value('memory_total_bytes'),
  });
  readonly disks: DiskFigure[] = $derived(
    this.all('disk_usage')
      .map((s) => ({ mount: s.labels.mount ?? '?', usage: s.value }))
      .sort((a, b) => a.mount.localeCompare(b.mount)),
  );
  readonly network: NetworkFigure[] = $derived.by(() => {
    const byIface = new Map<string, NetworkFigure>();
    const entry = (iface: string) => byIface.get(iface) ?? byIface.set(iface, { iface, rx: null, tx: null }).get(iface)!;
    for (const s of this.all('network_rx_bytes_per_sec')) entry(s.labels.interface ?? '?').rx = s.value;
    for (const s of this.all('network_tx_bytes_per_sec')) entry(s.labels.interface ?? '?').tx = s.value;
    return [...byIface.values()].sort((a, b) => a.iface.localeCompare(b.iface));
  });

  async load(): Promise<void> {
    try {
      const current = await trpc.metrics.current.query();
      // Live samples may have landed while this was in flight; keep whichever is newer.
      this.apply(current.metrics.filter((s) => HOST_METRICS.includes(s.name)));
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
      this.status = 'error';
    }
  }

  apply(samples: MetricSample[]): void {
    const next = new Map(this.samples);
    for (const s of samples) {
      const key = sampleKey(s);
      const known = next.get(key);
      if (!known || known.timestamp <= s.timestamp) next.set(key, s);
    }
    this.samples = next;
  }

  private value(name: string): number | null {
    return this.samples.get(sampleKey({ name, labels: {} }))?.value ?? null;
  }

  private all(name: string): MetricSample[] {
    return [...this.samples.values()].filter((s) => s.name === name);
  }
}
