import { desc, eq } from 'drizzle-orm';
import { apiTokens, users } from '@vigia/db';
import type { CommandArgs } from '../command-args.ts';
import { EXIT } from '../errors.ts';
import type { Io } from '../io.ts';
import { table } from '../table.ts';
import { withVigiaStore } from '../vigia-store.ts';

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export async function run(_args: CommandArgs, io: Io): Promise<number> {
  return withVigiaStore(io.env, async ({ store }) => {
    const rows = await store.db
      .select({ id: apiTokens.id, name: apiTokens.name, username: users.username, role: users.role, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
    if (!rows.length) {
      io.out('no tokens\n');
      return EXIT.ok;
    }
    io.out(
      table(
        ['id', 'name', 'user', 'role', 'created', 'last used', 'revoked'],
        rows.map((r) => [String(r.id), r.name, r.username, r.role, when(r.createdAt), when(r.lastUsedAt), when(r.revokedAt)]),
      ),
    );
    return EXIT.ok;
  });
}
