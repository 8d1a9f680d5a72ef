import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import type { Io } from '../src/io.ts';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), env: {} };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('the command line', () => {
  it('lists the commands on --help and exits 0', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    for (const c of ['check-config', 'rules export', 'user add', 'token create', 'token revoke', 'token list', 'backtest']) expect(out).toContain(c);
  });

  it('shows a command help with `<command> --help` and `help <command>`', async () => {
    const direct = await cli('token', 'create', '--help');
    expect(direct).toMatchObject({ code: 0, out: expect.stringContaining('usage: vigia token create <name> [options]') });
    expect((await cli('help', 'token', 'create')).out).toBe(direct.out);
  });

  it.each([
    [['nope'], 'unknown command "nope"'],
    [['token'], '"token" needs a subcommand: token create, token revoke, token list'],
    [['token', 'burn'], 'unknown command "token burn"'],
    [['user', 'add'], 'missing <username>'],
    [['user', 'add', 'bob'], 'missing --role'],
    [['user', 'add', 'bob', '--role', 'root'], 'unknown role "root"'],
    [['user', 'add', 'bob', '--role', 'viewer', '--password', 'short'], 'at least 10 characters'],
    [['token', 'revoke', 'abc'], 'must be a number'],
    [['rules', 'export'], 'missing --format'],
    [['rules', 'export', '--format', 'nagios'], 'unknown format "nagios"'],
    [['check-config', 'a.yaml', 'b.yaml'], 'unexpected argument "b.yaml"'],
    [['backtest', '--rule', 'x', '--bogus'], 'unknown option --bogus'],
    [['backtest', '--rule', 'x', '--from', 'yesterday', '--token', 't'], 'cannot read "yesterday" as a time'],
    [['backtest', '--rule', 'x'], 'missing --token'],
    [[], 'usage: vigia <command>'],
  ])('refuses %j with exit 2 and says why', async (argv, message) => {
    const { code, err } = await cli(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
