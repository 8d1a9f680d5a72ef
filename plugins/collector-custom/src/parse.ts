import { sampleSchema, METRIC_NAME, type Sample } from '@vigia/plugin-sdk';

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export type Parsed = { sample: Sample } | { problem: string };

/** One `HGETALL <prefix>custom_metric:<name>` turned into a sample, or why it cannot be one. */
export function parseCustomMetric(name: string, hash: Record<string, string>): Parsed {
  if (!METRIC_NAME.test(name)) return { problem: 'the name is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' };
  const raw = hash.value?.trim() ?? '';
  if (!NUMBER.test(raw) || !Number.isFinite(Number(raw))) return { problem: `value ${JSON.stringify((hash.value ?? '').slice(0, 40))} is not a number` };

  let labels: Record<string, string> | undefined;
  const tags = hash.tags?.trim();
  if (tags) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tags);
    } catch {
      return { problem: 'tags are not valid JSON' };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'tags are not a JSON object' };
    const entries = Object.entries(parsed);
    if (entries.some(([, v]) => typeof v !== 'string')) return { problem: 'tags hold a value that is not a string' };
    if (entries.length) labels = Object.fromEntries(entries) as Record<string, string>;
  }

  // The host's own rules (label names, lengths, counts): whatever passes here is stored.
  const checked = sampleSchema.safeParse({ name, value: Number(raw), labels });
  if (!checked.success) return { problem: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { sample: checked.data };
}
