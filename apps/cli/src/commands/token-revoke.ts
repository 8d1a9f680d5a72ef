import type { CommandArgs } from '../command-args.ts';
import { CommandError, EXIT, UsageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { withVigiaStore } from '../vigia-store.ts';

export async function run({ positionals }: CommandArgs, io: Io): Promise<number> {
  const raw = positionals[0]!;
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id)) throw new UsageError(`the token id must be a number (see vigia token list), got "${raw}"`, 'token revoke');
  return withVigiaStore(io.env, async ({ auth }) => {
    if (!(await auth.revokeToken(id))) throw new CommandError(`no active token with id ${id} (see vigia token list)`);
    io.out(`revoked token ${id}\n`);
    return EXIT.ok;
  });
}
