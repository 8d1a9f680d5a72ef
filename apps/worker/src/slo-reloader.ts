import { readStoredSlos, sloRules, warnSilentSlis, type Evaluator, type SloObserver } from '@vigia/alerting';
import type { RuleSpec } from '@vigia/core';
import type { SloConfig, VigiaConfig } from '@vigia/config';
import type { Store } from '@vigia/db';
import type { RedisKeys, VersionWatch } from '@vigia/live';
import type { Logger } from '@vigia/plugin-sdk';

export interface SloReloaderDeps {
  config: VigiaConfig;
  store: Store;
  keys: RedisKeys;
  /** The rules built from monitoring.yaml (its SLOs' included); stored SLOs' rules join them. */
  fileRules: RuleSpec[];
  evaluator: Evaluator;
  observer: SloObserver;
  logger: Logger;
}

/**
 * Keeps the SLOs a worker evaluates equal to monitoring.yaml's plus those stored in PostgreSQL.
 * The API bumps a version number in Redis on every change; the worker's VersionWatch sees it move
 * within a second, and then this reads the table and hands the evaluator and the SLO observer the
 * new rules.
 */
export class SloReloader {
  /** The stored SLOs handed over last, as JSON: an unchanged table hands nothing over. */
  private current = '';
  private names = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(private readonly deps: SloReloaderDeps) {}

  /** Loads the stored SLOs once before the first tick, then whenever their version moves. */
  async start(watch: VersionWatch): Promise<void> {
    await watch.watch(this.deps.keys.slosVersion, async () => {
      try {
        await this.reload();
      } catch (error) {
        // The SLOs as they are keep being evaluated; the next look tries again.
        this.deps.logger.warn('could not reload the stored SLOs; kept the current ones', { error: (error as Error).message });
        throw error;
      }
    });
  }

  private async reload(): Promise<void> {
    const { config, store, fileRules, evaluator, observer, logger } = this.deps;
    const stored = await readStoredSlos(store.db, config);
    for (const s of stored.skipped) {
      const key = `${s.name}:${s.updatedAt.getTime()}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      logger.warn('a stored SLO is not evaluated', { slo: s.name, error: s.reason });
    }
    const fingerprint = JSON.stringify(stored.slos);
    if (fingerprint === this.current) return;
    const previous = this.names;
    this.current = fingerprint;
    this.names = new Set(stored.slos.map((s) => s.name));
    const rules = [...fileRules, ...sloRules(config, stored.slos)];
    const all: SloConfig[] = [...config.slos, ...stored.slos];
    evaluator.replaceRules(rules);
    observer.replace(all, rules);
    const added = stored.slos.filter((s) => !previous.has(s.name));
    // As at start for the file's: an SLI nobody reports is most likely misspelt.
    await warnSilentSlis(added, store.sql, logger);
    logger.info('stored SLOs loaded', { slos: stored.slos.map((s) => s.name).join(',') || 'none' });
  }
}
