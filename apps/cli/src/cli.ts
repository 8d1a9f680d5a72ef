import { parseArgs } from 'node:util';
import { ConfigError, EnvError } from '@vigia/config';
import { COMMANDS, commandHelp, commandName, topHelp, type CommandSpec } from './commands.ts';
import { CommandError, EXIT, UsageError } from './errors.ts';
import type { Io } from './io.ts';

const HELP_FLAGS = new Set(['-h', '--help']);

/** The command named by the leading words of argv, and the arguments after them. */
function findCommand(argv: string[]): { spec: CommandSpec; rest: string[] } {
  const [first, second] = argv;
  const exact = COMMANDS.find((c) => c.words.length === 2 && c.words[0] === first && c.words[1] === second) ?? COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first);
  if (exact) return { spec: exact, rest: argv.slice(exact.words.length) };
  const group = COMMANDS.filter((c) => c.words.length === 2 && c.words[0] === first);
  if (group.length) {
    const choices = group.map(commandName).join(', ');
    if (second === undefined || HELP_FLAGS.has(second)) throw new UsageError(`"${first}" needs a subcommand: ${choices}`);
    throw new UsageError(`unknown command "${first} ${second}" (${first} has ${choices})`);
  }
  throw new UsageError(`unknown command "${first}"`);
}

function parse(spec: CommandSpec, rest: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code);
    if (!code.startsWith('ERR_PARSE_ARGS')) throw error;
    // parseArgs explains how to pass a positional starting with '-', which nobody here needs.
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    throw new UsageError(unknown ? `unknown option ${unknown}` : (error as Error).message, commandName(spec));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: true as const };
  const required = spec.positionals.filter((p) => !p.endsWith('?'));
  if (parsed.positionals.length < required.length) throw new UsageError(`missing <${required[parsed.positionals.length]}>`, commandName(spec));
  if (parsed.positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[spec.positionals.length]}"`, commandName(spec));
  }
  return { help: false as const, values, positionals: parsed.positionals };
}

/** Runs one command line and returns the exit status; never throws. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0) {
    io.err(topHelp());
    return EXIT.usage;
  }
  if (HELP_FLAGS.has(argv[0]!) || argv[0] === 'help') {
    if (argv[0] === 'help' && argv.length > 1) return runCli([...argv.slice(1), '--help'], io);
    io.out(topHelp());
    return EXIT.ok;
  }
  let spec: CommandSpec | undefined;
  try {
    const found = findCommand(argv);
    spec = found.spec;
    const args = parse(spec, found.rest);
    if (args.help) {
      io.out(commandHelp(spec));
      return EXIT.ok;
    }
    const command = await spec.load();
    return await command.run({ values: args.values, positionals: args.positionals }, io);
  } catch (error) {
    const prefix = spec ? `vigia ${commandName(spec)}` : 'vigia';
    if (error instanceof UsageError) {
      const pointer = error.command ? `vigia ${error.command} --help` : 'vigia --help';
      io.err(`${prefix}: ${error.message}\nRun \`${pointer}\` for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandError || error instanceof ConfigError || error instanceof EnvError) {
      io.err(`${prefix}: ${error.message}\n`);
      return EXIT.failed;
    }
    // Anything else is a bug or an environment nobody planned for: the stack helps whoever reports it.
    io.err(`${prefix}: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
