// Names that are written one way only: shown as their owners write them, whatever the key's case.
const PROPER_NAMES: [prefix: string, name: string][] = [['pgStatStatements', 'pg_stat_statements']];

/** Words of a camelCase or snake_case key, lower-cased ("lastRunAt" → ["last", "run", "at"]). */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * A person's label for a key a plugin published: "memoryTotalBytes" → "Memory total bytes",
 * "pgStatStatementsReason" → "pg_stat_statements reason". Plugins publish free-form facts, so
 * this makes any key readable without a list of them.
 */
export function factLabel(key: string): string {
  for (const [prefix, name] of PROPER_NAMES) {
    if (key === prefix) return name;
    if (key.startsWith(prefix) && /[A-Z_]/.test(key[prefix.length] ?? '')) return [name, ...words(key.slice(prefix.length))].join(' ');
  }
  const text = words(key).join(' ');
  return text ? text[0]!.toUpperCase() + text.slice(1) : key;
}
