import { and, eq, isNull } from 'drizzle-orm';
import { readEnv } from '@vigia/config';
import { users } from '@vigia/db';
import type { CommandArgs } from '../command-args.ts';
import { CommandError, EXIT } from '../errors.ts';
import type { Io } from '../io.ts';
import { withVigiaStore } from '../vigia-store.ts';

export async function run({ positionals, values }: CommandArgs, io: Io): Promise<number> {
  const name = positionals[0]!.trim();
  if (!name || name.length > 100) throw new CommandError('the token name must have 1 to 100 characters');
  const owner = (values.user as string | undefined) ?? readEnv(io.env).adminUser ?? 'admin';
  return withVigiaStore(io.env, async ({ store, auth }) => {
    const [user] = await store.db
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(and(eq(users.username, owner), isNull(users.disabledAt)));
    if (!user) throw new CommandError(`no active user named ${owner} (create one with \`vigia user add ${owner} --role …\`, or name another with --user)`);
    const { id, token } = await auth.createToken(user.id, name);
    // The token alone on standard output, so a script can capture it; the rest is for the person.
    io.out(`${token}\n`);
    io.err(`created token ${id} "${name}" for ${owner} (${user.role}); it is shown this once\n`);
    return EXIT.ok;
  });
}
