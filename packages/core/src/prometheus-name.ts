const SCALE: Record<string, { to: string; factor: number }> = {
  ms: { to: 'seconds', factor: 1e-3 },
  us: { to: 'seconds', factor: 1e-6 },
  ns: { to: 'seconds', factor: 1e-9 },
  sec: { to: 'seconds', factor: 1 },
  secs: { to: 'seconds', factor: 1 },
};

export interface PrometheusName {
  name: string;
  /** Multiply Vigia's value by this to get the exported value (base units). */
  factor: number;
}

/**
 * Vigia keeps the seed's metric names (`network_rx_bytes_per_sec`, `db_avg_query_time_ms`)
 * everywhere but in Prometheus' exposition, whose conventions (checked by `promtool check
 * metrics`) want base units spelled out: `…_per_second`, `…_seconds` with the value converted.
 */
export function prometheusName(name: string): PrometheusName {
  const tokens = name.split('_');
  let factor = 1;
  const out = tokens.map((token, i) => {
    const unit = SCALE[token.toLowerCase()];
    if (!unit) return token;
    if (tokens[i - 1] === 'per') return 'second'; // a rate: only the spelling changes
    if (i !== tokens.length - 1) return token; // a unit in the middle of a name is left as written
    factor = unit.factor;
    return unit.to;
  });
  return { name: out.join('_'), factor };
}
