/** `INFO` as a flat map of `field → value` (section headers and blank lines dropped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Keys over every logical database, from the `db<N>:keys=…,expires=…` lines of the keyspace section. */
export function totalKeys(fields: Map<string, string>): number {
  let total = 0;
  for (const [field, value] of fields) {
    if (!/^db\d+$/.test(field)) continue;
    const keys = /(?:^|,)keys=(\d+)/.exec(value);
    if (keys) total += Number(keys[1]);
  }
  return total;
}

export function numberField(fields: Map<string, string>, name: string): number | undefined {
  const raw = fields.get(name);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
