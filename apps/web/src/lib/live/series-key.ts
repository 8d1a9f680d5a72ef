/** One name per series (metric + sorted labels), the same whichever order the labels came in. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  return `${name}{${keys
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')}}`;
}

/** "mount=/, fs=ext4": how a chart's legend tells the lines of one metric apart. */
export function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 1) return labels[keys[0]!]!;
  return keys.map((k) => `${k}=${labels[k]}`).join(', ');
}

export function labelsMatch(labels: Record<string, string>, wanted: Record<string, string> | undefined | null): boolean {
  if (!wanted) return true;
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

/** "host=a, region=eu": for an alert, where the label's name matters as much as its value. */
export function labelPairs(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(', ');
}
