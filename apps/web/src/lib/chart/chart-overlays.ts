import type uPlot from 'uplot';

export type Severity = 'info' | 'warning' | 'critical' | 'emergency' | string;

/** A rule's threshold, drawn across the chart. */
export interface Threshold {
  value: number;
  label: string;
  severity: Severity;
  /** The rule's clear_threshold: where it stops firing (drawn fainter). */
  clear?: boolean;
}

/** An alert episode, shaded over the time it was open (to: null = still open). */
export interface Episode {
  from: number;
  to: number | null;
  severity: Severity;
  label: string;
  /** What a backtest says the rule would have raised: a band along the top, not a shading. */
  simulated?: boolean;
}

export interface Overlays {
  thresholds: Threshold[];
  episodes: Episode[];
  colors: Record<string, string>;
  /** The chart's live edge, where open episodes end (ms). */
  now: number;
}

const dpr = () => devicePixelRatio || 1;

function colorOf(o: Overlays, severity: Severity): string {
  return o.colors[severity] ?? o.colors.warning ?? '#d4a72c';
}

/**
 * Where a threshold is far outside the data (an error rate of 0.1 % against a 5 % rule), pulling
 * the axis to it would flatten every line; it is then marked at the edge instead.
 */
export function includeThresholds(min: number, max: number, thresholds: readonly Threshold[]): [number, number] {
  let lo = min;
  let hi = max;
  const span = Math.max(max - min, Math.abs(max) * 0.1, 1e-9);
  for (const t of thresholds) {
    const nextSpan = Math.max(hi, t.value) - Math.min(lo, t.value);
    if (nextSpan <= span * 4) {
      lo = Math.min(lo, t.value);
      hi = Math.max(hi, t.value);
    }
  }
  return [lo, hi];
}

/** Episodes are shaded under everything else, so lines and grid stay readable on top. */
export function drawEpisodes(u: uPlot, o: Overlays): void {
  if (!o.episodes.length) return;
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  for (const e of o.episodes) {
    const x0 = Math.max(left, u.valToPos(e.from / 1000, 'x', true));
    const x1 = Math.min(left + width, u.valToPos((e.to ?? o.now) / 1000, 'x', true));
    if (!(x1 > x0)) continue;
    const color = colorOf(o, e.severity);
    if (e.simulated) {
      // Along the top, outlined: told apart from what really happened at a glance.
      ctx.globalAlpha = 0.9;
      ctx.strokeStyle = color;
      ctx.lineWidth = dpr();
      ctx.setLineDash([3 * dpr(), 2 * dpr()]);
      ctx.strokeRect(x0, top + dpr(), Math.max(x1 - x0, 2 * dpr()), 8 * dpr());
      ctx.setLineDash([]);
      ctx.globalAlpha = 0.25;
      ctx.fillStyle = color;
      ctx.fillRect(x0, top + dpr(), Math.max(x1 - x0, 2 * dpr()), 8 * dpr());
      continue;
    }
    ctx.globalAlpha = 0.13;
    ctx.fillStyle = color;
    ctx.fillRect(x0, top, Math.max(x1 - x0, dpr()), height);
    // A solid band on the time axis: the episode reads even where a line hides the shading.
    ctx.globalAlpha = 0.85;
    ctx.fillRect(x0, top + height - 3 * dpr(), Math.max(x1 - x0, 2 * dpr()), 3 * dpr());
  }
  ctx.restore();
}

export function drawThresholds(u: uPlot, o: Overlays): void {
  if (!o.thresholds.length) return;
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  const r = dpr();
  ctx.save();
  ctx.font = `${11 * r}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.lineWidth = r * 1.25;
  for (const t of o.thresholds) {
    const color = colorOf(o, t.severity);
    const y = Math.round(u.valToPos(t.value, 'y', true)) + 0.5;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.globalAlpha = t.clear ? 0.5 : 0.95;
    if (y < top || y > top + height) {
      const edge = y < top ? top + 12 * r : top + height - 6 * r;
      ctx.fillText(`${y < top ? '▲' : '▼'} ${t.label} (off scale)`, left + width - 4 * r, edge);
      continue;
    }
    ctx.setLineDash(t.clear ? [2 * r, 4 * r] : [6 * r, 4 * r]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(t.label, left + width - 4 * r, y - 4 * r);
  }
  ctx.restore();
}
