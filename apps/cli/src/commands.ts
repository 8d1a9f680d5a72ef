import type { ParseArgsConfig } from 'node:util';

// What a command module sees lives apart, so commands/*.ts do not import this catalogue that loads them.
import type { CommandModule } from './command-args.ts';
export type { CommandArgs, CommandModule } from './command-args.ts';

export interface CommandSpec {
  /** The words that name it: `['token', 'create']`. */
  words: string[];
  summary: string;
  /** Positional arguments; a trailing `?` marks an optional one. */
  positionals: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  /** Everything --help prints after the usage line. */
  help: string;
  // Loaded on demand: `vigia --help` should not pay for the database driver and every plugin.
  load(): Promise<CommandModule>;
}

const DATABASE_NOTE = `The command opens Vigia's database directly: DATABASE_URL when set, otherwise the embedded
database under VIGIA_DATA_DIR (default .data/), which only one process may open at a time.`;

export const COMMANDS: CommandSpec[] = [
  {
    words: ['check-config'],
    summary: 'validate a monitoring.yaml and print every problem',
    positionals: ['file?'],
    options: {},
    help: `Validates the file the way the API and the worker do at start-up (schema, rules, annotation
templates, channels and collector settings against their plugins) and prints every problem with
its key path. Exit status 0 when the file is valid, 1 when it is not.

  file   the file to check (default: MONITORING_CONFIG, else config/monitoring.yaml)

Environment variables apply as they would to Vigia (SMTP_*, WEBHOOK_*, DB_* ...).`,
    load: () => import('./commands/check-config.ts'),
  },
  {
    words: ['rules', 'export'],
    summary: 'write the alert rules as a Prometheus rule file',
    positionals: [],
    options: { format: { type: 'string' }, file: { type: 'string' }, out: { type: 'string' } },
    help: `Translates every rule (and the built-in Collector Not Reporting rule) to PromQL over the names
/metrics exports, for Prometheus' rule_files. What Prometheus cannot express (hysteresis,
cooldowns, channels) is left as a comment on the rule.

  --format prometheus   the only format there is, and required so that a second one can come
  --file <path>         monitoring.yaml to read (default: MONITORING_CONFIG, else config/monitoring.yaml)
  --out <path>          write here instead of standard output

config/prometheus/alerting_rules.yml is this command's output for config/monitoring.yaml:
  npx vigia rules export --format prometheus --out config/prometheus/alerting_rules.yml`,
    load: () => import('./commands/rules-export.ts'),
  },
  {
    words: ['probes', 'export'],
    summary: 'write the probes made in the dashboard or the API as a probes: block of monitoring.yaml',
    positionals: [],
    options: { out: { type: 'string' }, 'include-paused': { type: 'boolean' } },
    help: `Prints every probe stored in Vigia's database (made in the dashboard or through probes.create)
as YAML for the probes: list of monitoring.yaml, each as it was entered. Probes of monitoring.yaml
itself are not repeated. Secrets (URL passwords, headers) are written in full.

  --out <path>        write here (readable by its owner only) instead of standard output
  --include-paused    also write paused probes (in a file they would run)

${DATABASE_NOTE}`,
    load: () => import('./commands/probes-export.ts'),
  },
  {
    words: ['user', 'add'],
    summary: 'create a user',
    positionals: ['username'],
    options: { role: { type: 'string' }, password: { type: 'string' } },
    help: `  --role viewer|operator|admin   required: viewers read, operators also push metrics and
                                 acknowledge alerts, admins also manage users, tokens and channels
  --password <password>          at least 10 characters; without it one is generated and printed
                                 once (a password on the command line stays in shell history)

${DATABASE_NOTE}`,
    load: () => import('./commands/user-add.ts'),
  },
  {
    words: ['token', 'create'],
    summary: 'create an API token and print it once',
    positionals: ['name'],
    options: { user: { type: 'string' } },
    help: `Creates a bearer token acting as the user (with the user's role) and prints it on standard
output, alone, so that TOKEN=$(npx vigia token create ci) works. Only its hash is stored: it
cannot be shown again.

  name            what the token is for (shown by token list)
  --user <name>   its owner (default: ADMIN_USER, else admin)

${DATABASE_NOTE}`,
    load: () => import('./commands/token-create.ts'),
  },
  {
    words: ['token', 'revoke'],
    summary: 'revoke an API token by id',
    positionals: ['id'],
    options: {},
    help: `Revokes the token at once for every API process (they check the database on each request).

  id   the token's id, as token create and token list print it

${DATABASE_NOTE}`,
    load: () => import('./commands/token-revoke.ts'),
  },
  {
    words: ['token', 'list'],
    summary: 'list API tokens',
    positionals: [],
    options: {},
    help: `Lists every token: id, name, owner, role, created, last used and revoked.

${DATABASE_NOTE}`,
    load: () => import('./commands/token-list.ts'),
  },
  {
    words: ['backtest'],
    summary: 'replay a rule over stored history: the episodes it would have raised',
    positionals: [],
    options: { rule: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, file: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
    help: `Asks a running Vigia (rules.backtest) to replay a rule over its history with the engine's own
state machine, and prints each episode it would have raised (start, end, peak value) and how
many notifications it would have sent.

  --rule <name>     the rule, by name (required)
  --from <time>     start: 2026-11-01, 2026-11-01T08:00:00Z or epoch ms (default: 24 h before --to)
  --to <time>       end, written the same way, or now (default: now)
  --file <path>     replay the rule as written in this monitoring.yaml (an edited copy) instead of
                    the one the running Vigia has
  --url <url>       where Vigia answers (default: VIGIA_URL, else http://127.0.0.1:5001)
  --token <token>   bearer token (default: VIGIA_TOKEN, else API_TOKEN)`,
    load: () => import('./commands/backtest.ts'),
  },
];

export const commandName = (spec: CommandSpec) => spec.words.join(' ');

function usageLine(spec: CommandSpec): string {
  const args = spec.positionals.map((p) => (p.endsWith('?') ? `[${p.slice(0, -1)}]` : `<${p}>`));
  return ['vigia', ...spec.words, ...args, ...(Object.keys(spec.options).length ? ['[options]'] : [])].join(' ');
}

export function commandHelp(spec: CommandSpec): string {
  return `usage: ${usageLine(spec)}\n\n${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.\n\n${spec.help}\n`;
}

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => commandName(c).length));
  return `usage: vigia <command> [arguments] [options]

Vigia's command line: checks configuration, exports rules, manages users and tokens.

Commands:
${COMMANDS.map((c) => `  ${commandName(c).padEnd(width)}   ${c.summary}`).join('\n')}

vigia <command> --help shows a command's arguments and options.
`;
}
