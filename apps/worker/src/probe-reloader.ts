import { asc } from 'drizzle-orm';
import { checkProbe, type ProbeConfig, type VigiaConfig } from '@vigia/config';
import { probes, type Store } from '@vigia/db';
import type { CollectorHealthBoard, RedisKeys, VersionWatch } from '@vigia/live';
import type { Collector, Logger } from '@vigia/plugin-sdk';
import type { CollectTicks } from './jobs/collect.job.ts';
import { partRunner, type PartRunner } from './collector-parts.ts';
import type { CollectorRunner, RunnerDeps } from './collector-runner.ts';

export interface ProbeReloaderDeps {
  config: VigiaConfig;
  store: Store;
  keys: RedisKeys;
  /** The probe collector, when it is loaded and enabled. */
  collector: Collector<unknown>;
  /** The worker's runners by name, kept current (what tests and logs read). */
  runners: Map<string, CollectorRunner>;
  ticks: CollectTicks;
  health: CollectorHealthBoard;
  runnerDeps: RunnerDeps;
  logger: Logger;
}

/**
 * Keeps the probe runners equal to monitoring.yaml's probes plus the unpaused probes stored in
 * PostgreSQL. The API bumps a version number in Redis on every change; the worker's VersionWatch
 * sees it move within a second, and then this reads the table and retires, replaces or adds runners.
 */
export class ProbeReloader {
  private readonly parts = new Map<string, PartRunner>();
  private readonly warned = new Set<string>();

  constructor(private readonly deps: ProbeReloaderDeps) {}

  /** Adopts the runners made from monitoring.yaml, then loads the stored probes once before ticking starts. */
  async start(existing: PartRunner[], watch: VersionWatch): Promise<void> {
    for (const part of existing) this.parts.set(part.name, part);
    await watch.watch(this.deps.keys.probesVersion, async () => {
      try {
        await this.reload();
      } catch (error) {
        // The runners as they are keep running; the next look tries again.
        this.deps.logger.warn('could not reload the stored probes; kept the current ones', { error: (error as Error).message });
        throw error;
      }
    });
  }

  private async stored(): Promise<ProbeConfig[]> {
    const { config, store, logger } = this.deps;
    const rows = await store.db.select().from(probes).orderBy(asc(probes.name));
    const inFile = new Set(config.probes.map((p) => p.name));
    const out: ProbeConfig[] = [];
    for (const row of rows) {
      if (row.paused) continue;
      if (inFile.has(row.name)) {
        this.warnOnce(`file:${row.name}`, 'a stored probe has the name of one in monitoring.yaml; the file’s runs', { probe: row.name });
        continue;
      }
      const checked = checkProbe(row.name, row.spec);
      if (checked.ok) out.push(checked.probe);
      else this.warnOnce(`invalid:${row.name}:${row.updatedAt.getTime()}`, 'a stored probe is not valid; skipped', { probe: row.name, error: checked.problems.join('; ') });
    }
    logger.debug('stored probes read', { probes: out.length });
    return out;
  }

  private warnOnce(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.deps.logger.warn(message, fields);
  }

  private async reload(): Promise<void> {
    const { config, collector, runners, ticks, health, runnerDeps, logger } = this.deps;
    const options = config.collectors[collector.name]?.options ?? {};
    const wanted = new Map<string, PartRunner>();
    for (const part of collector.parts!({ ...options, probes: [...config.probes, ...(await this.stored())] })) {
      const made = partRunner(collector, part, config, runnerDeps);
      wanted.set(made.name, made);
    }
    const gone: PartRunner[] = [];
    const added: PartRunner[] = [];
    for (const [name, current] of this.parts) {
      const next = wanted.get(name);
      if (next?.fingerprint === current.fingerprint) continue;
      gone.push(current);
      this.parts.delete(name);
      runners.delete(name);
    }
    for (const [name, next] of wanted) {
      if (this.parts.has(name)) continue;
      added.push(next);
      this.parts.set(name, next);
      runners.set(name, next.runner);
      ticks.add(next.runner);
    }
    // A run under way finishes and writes; a removed or paused probe then leaves no health entry
    // behind to look like a collector gone silent.
    await Promise.all(
      gone.map(async (part) => {
        await ticks.retire(part.runner);
        if (!wanted.has(part.name)) await health.forget(part.runner.healthName);
      }),
    );
    if (gone.length || added.length) {
      logger.info('probes reloaded', { added: added.map((p) => p.name).join(',') || 'none', retired: gone.map((p) => p.name).join(',') || 'none' });
    }
  }
}
