import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, StatusIncidents } from '@vigia/db';
import { createTestStore, type TestDatabase } from '@vigia/testing';
import { syncIncidents } from '../src/status/incident-sync.ts';

const components = [
  { name: 'Website', probe: 'shop' },
  { name: 'Payments', match: { rule: 'Payment Errors', labels: {} } },
];

describe('automatic status page incidents against PostgreSQL', () => {
  let database: TestDatabase;
  let incidents: StatusIncidents;
  const fire = (id: string, rule: string, labels: Record<string, string>, severity: string) =>
    database.store.db.insert(alerts).values({ id, rule, seriesKey: id, metric: 'm', labels, severity, status: 'firing', operator: '==', threshold: 0, summary: 's', startedAt: new Date() });
  const resolve = (id: string) => database.store.db.update(alerts).set({ status: 'resolved', resolvedAt: new Date() }).where(eq(alerts.id, id));
  const open = async () => (await incidents.list(new Date(0))).filter((i) => !i.resolvedAt);

  beforeAll(async () => {
    database = await createTestStore('postgres');
    incidents = new StatusIncidents(database.store.db);
  }, 60_000);
  afterAll(() => database?.drop());

  it('opens one degraded incident, renames it when a critical episode joins, closes it when both resolve', async () => {
    await fire('a1', 'Probe Slow', { probe: 'shop', host: 'x' }, 'warning');
    expect(await syncIncidents(incidents, components, new Date())).toBe(1);
    expect(await syncIncidents(incidents, components, new Date())).toBe(0);
    expect((await open()).map((i) => [i.title, i.impact])).toEqual([['Website: Degraded performance', 'degraded']]);

    await fire('a2', 'Probe Target Down', { probe: 'shop', host: 'y' }, 'critical');
    await syncIncidents(incidents, components, new Date());
    expect((await open()).map((i) => [i.title, i.impact])).toEqual([['Website: Major outage', 'major']]);

    await resolve('a1');
    expect(await syncIncidents(incidents, components, new Date())).toBe(0);
    await resolve('a2');
    expect(await syncIncidents(incidents, components, new Date())).toBe(1);
    const [closed] = await incidents.list(new Date(0));
    expect(closed).toMatchObject({ status: 'resolved', automatic: true });
    expect(closed!.updates.map((u) => u.message)).toEqual(['This incident has been resolved.', 'Website is degraded. We are investigating.']);
  });

  it('does not reopen an incident a person resolved while its episode still fires', async () => {
    await fire('p1', 'Payment Errors', {}, 'emergency');
    await syncIncidents(incidents, components, new Date());
    const [incident] = await open();
    expect(incident).toMatchObject({ title: 'Payments: Major outage', components: ['Payments'] });
    await incidents.postUpdate(incident!.id, { status: 'resolved', message: 'Fixed.', author: 'ana' });
    expect(await syncIncidents(incidents, components, new Date())).toBe(0);
    expect(await open()).toEqual([]);
    await expect(incidents.postUpdate(incident!.id, { status: 'monitoring', message: 'again', author: 'ana' })).rejects.toThrow(`incident ${incident!.id} is resolved already`);
  });

  it('opens nothing for an episode inside a maintenance window', async () => {
    await fire('w1', 'Probe Target Down', { probe: 'shop', host: 'z' }, 'critical');
    expect(await syncIncidents(incidents, components, new Date(), (_rule, labels) => labels.probe === 'shop')).toBe(0);
    expect(await open()).toEqual([]);
    // Once the window is over, the episode still firing opens its incident.
    expect(await syncIncidents(incidents, components, new Date())).toBe(1);
  });
});
