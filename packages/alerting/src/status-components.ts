import { statusComponentProblems, type VigiaConfig } from '@vigia/config';
import type { Logger, RuleSpec } from '@vigia/core';
import { probes, type Database } from '@vigia/db';
import { sloRules } from './slo-rules.ts';
import { readStoredSlos } from './stored-slos.ts';

/**
 * Status page components that name a probe or rule that exists nowhere, checked when the worker
 * starts, once the probes and SLOs stored in PostgreSQL are known. Logged, not fatal: unlike an
 * escalation step that pages nobody, such a component only shows operational with no uptime bar,
 * and the probe may still be added from the dashboard.
 */
export async function statusComponentWarnings(db: Database, config: VigiaConfig, rules: readonly RuleSpec[]): Promise<string[]> {
  const page = config.statusPage;
  if (!page.enabled || page.components.length === 0) return [];
  const [stored, slos] = await Promise.all([db.select({ name: probes.name }).from(probes), readStoredSlos(db, config)]);
  return statusComponentProblems(page, [...config.probes.map((p) => p.name), ...stored.map((p) => p.name)], [...rules, ...sloRules(config, slos.slos)]);
}

export async function warnStatusComponents(db: Database, config: VigiaConfig, rules: readonly RuleSpec[], logger: Logger): Promise<void> {
  for (const problem of await statusComponentWarnings(db, config, rules)) logger.warn(`${config.file}: ${problem}`);
}
