import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@vigia/config';
import { HistoryStore, StatusIncidents, type SqlClient } from '@vigia/db';
import { createLogger } from '@vigia/log';
import { TEST_REDIS_URL, createTestStore, type TestDatabase } from '@vigia/testing';
import { StatusPageCache } from '../src/status/status-page-cache.ts';

interface PageJson {
  components: { name: string; uptime: { ratio90d: number | null } | null }[];
}

describe('the status page cache reading uptime', () => {
  let database: TestDatabase;
  let cache: StatusPageCache;
  /** Reads of probe_success history: two per uptime refresh (minute and hour buckets). */
  let uptimeReads = 0;
  const history = () => new HistoryStore(database.store.sql);
  const page = () => JSON.parse(cache.current()!.json) as PageJson;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigia-status-cache-')), 'monitoring.yaml');
    writeFileSync(
      file,
      `probes:
  - name: web
    http: { url: "http://127.0.0.1:9/" }
  - name: fresh
    http: { url: "http://127.0.0.1:9/fresh" }
status_page:
  enabled: true
  components:
    - { name: Website, probe: web }
    - { name: New, probe: fresh }
    - { name: Ghost, probe: ghost }
`,
    );
    const config = loadConfig({ file, env: { REDIS_URL: TEST_REDIS_URL } });
    database = await createTestStore('postgres');
    await history().insert([{ name: 'probe_success', labels: { probe: 'web', host: 'a' }, value: 1, timestamp: Date.now() - 60_000 }]);
    const counting: SqlClient = {
      ...database.store.sql,
      query: (text, params) => {
        if (text.includes("'probe_success'")) uptimeReads++;
        return database.store.sql.query(text, params);
      },
    };
    cache = new StatusPageCache({ store: { ...database.store, sql: counting }, config, logger: createLogger('test', 'error') }, new StatusIncidents(database.store.db));
  }, 60_000);
  afterAll(async () => {
    await cache?.stop();
    await database?.drop();
  });

  it('reads uptime again at every rebuild only while an existing probe has no data, never for a probe that does not exist', async () => {
    await cache.rebuild();
    expect(page().components.map((c) => [c.name, c.uptime?.ratio90d])).toEqual([
      ['Website', 1],
      ['New', null],
      ['Ghost', undefined],
    ]);
    expect(page().components[2]!.uptime).toBeNull();
    expect(uptimeReads).toBe(2);
    // "fresh" exists but has no results yet: asked again at the next rebuild, so its bar appears at once.
    await cache.rebuild();
    expect(uptimeReads).toBe(4);
    await history().insert([{ name: 'probe_success', labels: { probe: 'fresh', host: 'a' }, value: 1, timestamp: Date.now() - 1_000 }]);
    await cache.rebuild();
    expect(uptimeReads).toBe(6);
    expect(page().components[1]!.uptime?.ratio90d).toBe(1);
    // Every existing probe has data; the unknown "ghost" never will: within the minute, no further reads.
    await cache.rebuild();
    await cache.rebuild();
    expect(uptimeReads).toBe(6);
    expect(page().components[2]!.uptime).toBeNull();
  });
});
