export type Labels = Record<string, string>;

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The canonical identity of a series, in Prometheus' own notation with labels sorted:
 * `disk_usage{mount="/"}`. Used as the Redis field, the history key and the live event key.
 */
export function seriesKey(name: string, labels?: Labels): string {
  const keys = labels ? Object.keys(labels).sort() : [];
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}="${escapeValue(labels![k]!)}"`).join(',')}}`;
}

/** True when every matcher label is present on the series with the same value. */
export function labelsMatch(series: Labels, matcher?: Labels): boolean {
  if (!matcher) return true;
  for (const [k, v] of Object.entries(matcher)) if (series[k] !== v) return false;
  return true;
}
