import type { Rule } from '../api/types.ts';
import { alertHub } from '../alerts/alert-hub.svelte.ts';
import { Query } from '../data/query.svelte.ts';
import { trpc } from '../trpc.ts';

/**
 * `rules.list`, shared: thresholds on every chart, states on the rules page, the areas' health.
 * Reloaded on alert transitions (a state changed) and, while a page asks for it, on a timer,
 * since "pending" and current values change without any event.
 */
class RulesStore {
  readonly query = new Query<Rule[]>(() => trpc.rules.list.query());
  private stopListening: (() => void) | undefined;

  get rules(): Rule[] {
    return this.query.data ?? [];
  }

  /** Loads once (later calls are free) and follows alert events from then on. */
  ensure(): void {
    if (this.stopListening) return;
    void this.query.load();
    this.stopListening = alertHub.listen(() => this.query.reloadSoon(400));
  }

  /** Keeps the list fresh every `everyMs` while held; returns the release function. */
  hold(everyMs = 5_000): () => void {
    this.ensure();
    return this.query.poll(everyMs);
  }

  reset(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    this.query.cancel();
    this.query.data = undefined;
  }
}

export const rulesStore = new RulesStore();
