import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteClient } from '../src/pglite-open.ts';

describe('embedded database', () => {
  it('opens a fresh data dir (a copy of the build template when there is one), leaves no half copy beside it, and opens it again', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'vigia-pglite-'));
    const dir = join(parent, 'pglite');
    mkdirSync(dir);
    const first = await openPgliteClient(dir);
    await first.exec('create table kept (n int); insert into kept values (42)');
    await first.close();
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(parent)).toEqual(['pglite']);
    const again = await openPgliteClient(dir);
    try {
      expect((await again.query<{ n: number }>('select n from kept')).rows).toEqual([{ n: 42 }]);
      // The embedded settings apply to a copied database as to one made by initdb here.
      expect((await again.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]?.shared_buffers).toBe('16MB');
    } finally {
      await again.close();
    }
  }, 60_000);
});
