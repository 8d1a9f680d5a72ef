import type { Sample } from '@vigia/plugin-sdk';
import type { ParsedSample } from './exposition.ts';
import type { ScrapeTarget } from './spec.ts';

/** The labels every series of a target carries: job, instance and the target's own `labels`. */
export function targetLabels(target: ScrapeTarget): Record<string, string> {
  return { ...target.labels, job: target.job, instance: target.instance };
}

/**
 * A scraped series' labels merged with the target's, as Prometheus merges them: on a clash the
 * target wins and the exporter's value moves to `exported_<name>` (`exported_exported_<name>`…
 * if that is taken too), unless `honor_labels`, where the exporter's value wins. Empty values are
 * no label at all, as in Prometheus.
 */
export function mergeLabels(scraped: Record<string, string>, target: Record<string, string>, honorLabels: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(scraped)) if (value !== '') out[name] = value;
  for (const [name, value] of Object.entries(target)) {
    if (!(name in out)) {
      out[name] = value;
      continue;
    }
    if (honorLabels) continue;
    let exported = `exported_${name}`;
    while (exported in out) exported = `exported_${exported}`;
    out[exported] = out[name]!;
    out[name] = value;
  }
  return out;
}

type Rule = { action: 'keep' | 'drop'; label: string; test: RegExp };
const compiled = new WeakMap<ScrapeTarget['relabel'], Rule[]>();

function rulesOf(target: ScrapeTarget): Rule[] {
  let rules = compiled.get(target.relabel);
  if (!rules) {
    // Anchored at both ends, as Prometheus' regexes are.
    rules = target.relabel.map((r) => ({ action: r.action, label: r.label, test: new RegExp(`^(?:${r.regex})$`) }));
    compiled.set(target.relabel, rules);
  }
  return rules;
}

/** Whether a series passes the target's keep/drop rules (a missing label reads as ""). */
export function kept(name: string, labels: Record<string, string>, target: ScrapeTarget): boolean {
  for (const rule of rulesOf(target)) {
    const value = rule.label === '__name__' ? name : (labels[rule.label] ?? '');
    const matches = rule.test.test(value);
    if (rule.action === 'keep' ? !matches : matches) return false;
  }
  return true;
}

export interface Converted {
  samples: Sample[];
  /** Series the relabel rules dropped. */
  dropped: number;
  /** NaN and ±Inf values, which Vigia does not store (a summary with no observation yet). */
  notFinite: number;
}

/**
 * A page's samples as Vigia samples, under their Prometheus names (histograms keep `_bucket`,
 * `_sum`, `_count`). The page's own timestamps are not used: every sample gets the scrape's tick,
 * so one target's series line up on the interval's grid.
 */
export function toSamples(parsed: ParsedSample[], target: ScrapeTarget): Converted {
  const base = targetLabels(target);
  const samples: Sample[] = [];
  let dropped = 0;
  let notFinite = 0;
  for (const s of parsed) {
    const labels = mergeLabels(s.labels, base, target.honorLabels);
    if (!kept(s.name, labels, target)) {
      dropped++;
      continue;
    }
    if (!Number.isFinite(s.value)) {
      notFinite++;
      continue;
    }
    samples.push({ name: s.name, value: s.value, labels });
  }
  return { samples, dropped, notFinite };
}
