import { ROLES, type Role } from '@vigia/db';
import { generatePassword } from '@vigia/auth';
import type { CommandArgs } from '../command-args.ts';
import { CommandError, EXIT, UsageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { withVigiaStore } from '../vigia-store.ts';

// The same rules as the API's users.create, so a name made here works everywhere a name typed there does.
const USERNAME = /^[a-zA-Z0-9._@-]{1,64}$/;
const MIN_PASSWORD = 10;

export async function run({ positionals, values }: CommandArgs, io: Io): Promise<number> {
  const username = positionals[0]!;
  const role = values.role as string | undefined;
  const given = values.password as string | undefined;
  if (!USERNAME.test(username)) throw new UsageError(`invalid username "${username}": up to 64 letters, digits and . _ @ -`, 'user add');
  if (role === undefined) throw new UsageError(`missing --role (${ROLES.join(', ')})`, 'user add');
  if (!ROLES.includes(role as Role)) throw new UsageError(`unknown role "${role}" (use ${ROLES.join(', ')})`, 'user add');
  if (given !== undefined && given.length < MIN_PASSWORD) throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters`, 'user add');
  const password = given ?? generatePassword();

  return withVigiaStore(io.env, async ({ auth }) => {
    const wasEmpty = (await auth.countUsers()) === 0;
    const { id, created } = await auth.createUser(username, password, role as Role);
    if (!created) throw new CommandError(`a user named ${username} exists already (id ${id}); nothing changed`);
    io.out(`created user ${username} (id ${id}, ${role})\n`);
    if (given === undefined) io.out(`password: ${password}\n(shown once; keep it now)\n`);
    // The API creates its admin only in a database without users: this user now stands in the way.
    if (wasEmpty && role !== 'admin') {
      io.err(`note: this is the first user, so Vigia will not create its admin on start; add one with \`vigia user add admin --role admin\`\n`);
    }
    return EXIT.ok;
  });
}
