import { describe, expect, it } from 'vitest';
import type { IncidentWithUpdates } from '@vigia/db';
import type { WindowDefinition } from '@vigia/alerting';
import { publicStatus } from '../src/status/public-status.ts';
import { STATUS_PAGE_CSP, statusHtml } from '../src/status/status-html.ts';

const config = {
  enabled: true,
  title: 'Acme <status>',
  refresh: 2_000,
  show_uptime: true,
  components: [
    { name: 'Website', probe: 'shop' },
    { name: 'Payments', description: 'Cards & wallets', match: { labels: { service: 'payments' } } },
  ],
};
const now = Date.UTC(2026, 11, 5, 12, 0);
const at = new Date(now - 600_000);

function incident(over: Partial<IncidentWithUpdates>): IncidentWithUpdates {
  return {
    id: 1,
    title: 'Payments: Major outage',
    impact: 'major',
    status: 'investigating',
    components: ['Payments', 'internal-only'],
    automatic: true,
    createdBy: 'vigia',
    startedAt: at,
    resolvedAt: null,
    updatedAt: at,
    updates: [{ id: 1, incidentId: 1, at, status: 'investigating', message: 'Looking <into> it', author: 'ana@corp' }],
    ...over,
  };
}

describe('the public status page', () => {
  it('marks components by their open incidents and maintenance, and keeps internal fields out', () => {
    const windows: WindowDefinition[] = [
      { id: 'config:db-07 vacuum', name: 'db-07 vacuum', schedule: { every: 'daily', at: '11:30', durationMs: 3_600_000, timezone: 'UTC' }, matchers: { labels: { probe: 'shop' } } },
      { id: '3', name: 'unrelated', schedule: { every: 'daily', at: '01:00', durationMs: 60_000, timezone: 'UTC' }, matchers: { labels: { mount: '/backup' } } },
    ];
    const s = publicStatus(config, [incident({})], windows, [], now);
    expect(s.overall).toBe('major');
    expect(s.components.map((c) => [c.name, c.state])).toEqual([
      ['Website', 'maintenance'],
      ['Payments', 'major'],
    ]);
    expect(s.incidents[0]!.components).toEqual(['Payments']);
    expect(s.maintenance).toEqual([{ components: ['Website'], start: '2026-12-05T11:30:00.000Z', end: '2026-12-05T12:30:00.000Z', inProgress: true }]);
    const json = JSON.stringify(s);
    for (const secret of ['ana@corp', 'internal-only', 'db-07', 'shop', 'automatic', 'createdBy']) expect(json).not.toContain(secret);
  });

  it('escapes every text it shows and needs nothing its policy does not allow', () => {
    const html = statusHtml(publicStatus(config, [incident({})], [], [], now));
    expect(html).toContain('<title>Acme &#60;status&#62;</title>');
    expect(html).toContain('Looking &#60;into&#62; it');
    expect(html).toContain('Cards &#38; wallets');
    expect(html).not.toMatch(/<script|style="/);
    expect(STATUS_PAGE_CSP).toMatch(/default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('is operational with nothing open, and lists resolved incidents apart', () => {
    const s = publicStatus(config, [incident({ status: 'resolved', resolvedAt: new Date(now - 60_000) })], [], [], now);
    expect(s.overall).toBe('operational');
    expect(s.incidents).toEqual([]);
    expect(s.resolved).toHaveLength(1);
  });
});
