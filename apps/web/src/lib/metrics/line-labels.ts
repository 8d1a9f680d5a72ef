import { labelText } from '../live/series-key.ts';

/**
 * What tells two metrics of one chart apart: `api_response_time_p50` and `…_p95` are "p50" and
 * "p95"; `disk_used_bytes` and `disk_total_bytes` are "used" and "total".
 */
export function distinctParts(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (names.length < 2) {
    for (const n of names) out.set(n, '');
    return out;
  }
  const split = names.map((n) => n.split('_'));
  let prefix = 0;
  while (split.every((s) => s.length > prefix + 1 && s[prefix] === split[0]![prefix])) prefix++;
  let suffix = 0;
  while (split.every((s) => s.length > prefix + suffix + 1 && s[s.length - 1 - suffix] === split[0]![split[0]!.length - 1 - suffix])) suffix++;
  names.forEach((n, i) => out.set(n, split[i]!.slice(prefix, split[i]!.length - suffix).join('_')));
  return out;
}

/** A line's legend label: the metric's distinct part, then its labels ("used · /data"). */
export function lineLabel(part: string, labels: Record<string, string>, fallback: string): string {
  const l = Object.keys(labels).length ? labelText(labels) : '';
  return [part, l].filter(Boolean).join(' · ') || fallback;
}
