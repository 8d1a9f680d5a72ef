import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigiaConfig } from '@vigia/config';
import { probes } from '@vigia/db';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, type TestDatabase } from '@vigia/testing';
import { buildRules, statusComponentWarnings } from '../src/index.ts';

describe('status page components checked at worker start against the probes stored in PostgreSQL', () => {
  let database: TestDatabase;
  let config: VigiaConfig;

  beforeAll(async () => {
    config = loadYamlConfig(
      `probes:
  - name: web
    http: { url: "http://127.0.0.1:9/" }
alerts:
  rules:
    - { name: Web Down, metric: probe_success, operator: "<", threshold: 1, severity: critical, labels: { probe: web } }
status_page:
  enabled: true
  components:
    - { name: Website, probe: web }
    - { name: Shop, probe: shop }
    - { name: Search, probe: search }
    - { name: Ghost, probe: ghost }
    - { name: Checkout, match: { rule: Checkout Errors } }
    - { name: API, match: { rule: Web Down, labels: { probe: api } } }
    - { name: Website (rule), match: { rule: Web Down, labels: { probe: web } } }
`,
      { REDIS_URL: TEST_REDIS_URL },
    );
    database = await createTestStore('postgres');
    // shop and search exist only in PostgreSQL (search paused): neither is unknown.
    await database.store.db.insert(probes).values([
      { name: 'shop', spec: { http: { url: 'http://127.0.0.1:9/shop' } }, createdBy: 'test', updatedBy: 'test' },
      { name: 'search', spec: { http: { url: 'http://127.0.0.1:9/search' } }, paused: true, createdBy: 'test', updatedBy: 'test' },
    ]);
  });
  afterAll(() => database?.drop());

  it('warns about a probe in neither the file nor PostgreSQL, a rule nobody has, and labels the rule rules out', async () => {
    expect(await statusComponentWarnings(database.store.db, config, buildRules(config))).toEqual([
      'status_page.components[3].probe (component "Ghost"): no probe named "ghost" under probes or added in the dashboard (have: search, shop, web); it shows no uptime bar',
      'status_page.components[4].match.rule (component "Checkout"): no rule named "Checkout Errors"; no alert will ever open an incident on it',
      'status_page.components[5].match.labels (component "API"): probe="api" never matches rule "Web Down", which only watches probe="web"; no alert will ever open an incident on it',
    ]);
  });

  it('says nothing while the status page is off', async () => {
    expect(await statusComponentWarnings(database.store.db, { ...config, statusPage: { ...config.statusPage, enabled: false } }, buildRules(config))).toEqual([]);
  });
});
