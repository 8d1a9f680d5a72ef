import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { INACTIVE, acknowledge, step, type RuleSpec } from '@vigia/core';
import { STORE_KINDS, createTestStore, type TestDatabase } from '@vigia/testing';
import { AlertStore, ConcurrentChange, type Change, type StoredState } from '../src/index.ts';

const rule: RuleSpec = {
  name: 'Disk Full',
  metric: 'disk_usage',
  operator: '>',
  threshold: 90,
  forMs: 0,
  severity: 'critical',
  reduce: 'last',
  windowMs: 60_000,
  keepFiringForMs: 0,
  cooldownMs: 600_000,
  noData: 'ok',
  annotations: { summary: '{{ labels.mount }} at {{ value }} %' },
};

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/** The engine's step for one series crossing the threshold, as the evaluator builds it. */
function crossing(mount: string, value: number, prev: StoredState | undefined, now = T0): Change {
  const labels = { mount };
  return {
    rule,
    metric: rule.metric,
    seriesKey: `disk_usage{mount="${mount}"}`,
    labels,
    version: prev?.version ?? null,
    prev: prev?.state ?? INACTIVE,
    step: step(prev?.state ?? INACTIVE, value, rule, now, randomUUID),
    value,
    now,
    actor: 'vigia',
    channels: ['hook', 'mail'],
  };
}

async function count(store: AlertStore, table: string): Promise<number> {
  const result = await store.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`));
  const rows = (result as unknown as { rows: { n: number }[] }).rows;
  return rows[0]!.n;
}

describe.each(STORE_KINDS)('writing a tick’s changes together (%s)', (kind) => {
  let database: TestDatabase;
  let store: AlertStore;

  beforeAll(async () => {
    database = await createTestStore(kind);
    store = new AlertStore(database.store.db, 'http://vigia');
  });
  afterAll(async () => database?.drop());

  it('opens 2,500 episodes in a few transactions: every state, episode, event and outbox row once', async () => {
    let transactions = 0;
    const changes = Array.from({ length: 2_500 }, (_, i) => crossing(`/m${i}`, 91 + (i % 9), undefined));
    const { events, applied, conflicts } = await store.commitMany(changes, () => transactions++);
    expect(applied).toBe(2_500);
    expect(conflicts).toEqual([]);
    expect(transactions).toBe(3);
    expect(events.filter((e) => e.type === 'firing')).toHaveLength(2_500);
    expect(await count(store, 'alert_states')).toBe(2_500);
    expect(await count(store, 'alerts')).toBe(2_500);
    expect(await count(store, "alert_events WHERE type = 'firing'")).toBe(2_500);
    expect(await count(store, "notifications WHERE reason = 'new' AND state = 'pending'")).toBe(5_000);

    const mount7 = (await store.list({ limit: 5_000 })).find((a) => a.labels.mount === '/m7')!;
    expect(mount7).toMatchObject({ status: 'firing', severity: 'critical', value: 98, peakValue: 98, summary: '/m7 at 98 %', startedAt: new Date(T0) });
    const detail = await store.get(mount7.id);
    expect(detail!.notifications.map((n) => n.channel).sort()).toEqual(['hook', 'mail']);
  });

  it('skips a change whose state moved since it was read, and lands the others', async () => {
    const states = await store.loadStates();
    const held = (mount: string) => states.get(`${rule.name}\u0000disk_usage{mount="${mount}"}`)!;
    // A person acknowledged /m1 after the engine read it: the engine's change to /m1 is stale.
    const m1 = held('/m1');
    await store.commit({ ...crossing('/m1', 92, m1), step: acknowledge(m1.state)!, actor: 'ana', comment: 'on it' });
    const later = T0 + 5_000;
    const stale = crossing('/m1', 99.5, m1, later);
    const fresh = crossing('/m2', 50, held('/m2'), later);
    const brandNew = crossing('/new', 97, undefined, later);
    const { applied, conflicts } = await store.commitMany([stale, fresh, brandNew]);
    expect(conflicts).toEqual([stale]);
    expect(applied).toBe(2);

    const after = await store.loadStates();
    expect(after.get(`${rule.name}\u0000disk_usage{mount="/m1"}`)).toMatchObject({ version: m1.version + 1, state: { status: 'acknowledged' } });
    expect(after.get(`${rule.name}\u0000disk_usage{mount="/m2"}`)!.version).toBe(held('/m2').version + 1);
    const alerts = await store.list({ limit: 5_000 });
    expect(alerts.find((a) => a.labels.mount === '/m1')).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ana', value: 92 });
    // Resolved: the value is the latest, the peak stays the worst seen.
    expect(alerts.find((a) => a.labels.mount === '/m2')).toMatchObject({ status: 'resolved', resolvedBy: 'vigia', resolvedAt: new Date(later), value: 50, peakValue: 93 });
    expect(alerts.find((a) => a.labels.mount === '/new')).toMatchObject({ status: 'firing', value: 97 });
  });

  it('applies a person’s changes all or none', async () => {
    const states = await store.loadStates();
    const m3 = states.get(`${rule.name}\u0000disk_usage{mount="/m3"}`)!;
    const m4 = states.get(`${rule.name}\u0000disk_usage{mount="/m4"}`)!;
    const before = await count(store, 'alert_events');
    const ack = (s: StoredState, version: number) => ({ ...crossing('/x', 95, s), seriesKey: s.seriesKey, labels: s.labels, version, step: acknowledge(s.state)!, actor: 'ana' });
    await expect(store.commitAll([ack(m3, m3.version), ack(m4, m4.version - 1)])).rejects.toBeInstanceOf(ConcurrentChange);
    expect(await count(store, 'alert_events')).toBe(before);
    expect((await store.loadStates()).get(`${rule.name}\u0000disk_usage{mount="/m3"}`)!.state.status).toBe('firing');
  });
});
