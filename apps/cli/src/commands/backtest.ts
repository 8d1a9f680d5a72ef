import { parseConfigFile } from '@vigia/config';
import type { CommandArgs } from '../command-args.ts';
import { describeError } from '../describe-error.ts';
import { CommandError, EXIT, UsageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { table } from '../table.ts';

const DAY_MS = 86_400_000;
// A replay over months of history is slow but finite; a hung connection is not.
const TIMEOUT_MS = 5 * 60_000;

function parseTime(raw: string, now: number, flag: string): number {
  if (raw === 'now') return now;
  if (/^\d+$/.test(raw)) return Number(raw);
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new UsageError(`${flag}: cannot read "${raw}" as a time (write 2026-11-01, 2026-11-01T08:00:00Z, epoch ms or now)`, 'backtest');
  return ms;
}

/** The rule as written in a local file: the API replays it as given instead of its own copy. */
function ruleFromFile(file: string, name: string) {
  const rule = parseConfigFile(file).alerts.rules.find((r) => r.name === name);
  if (!rule) throw new CommandError(`${file} has no rule named "${name}"`);
  return rule;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const labelText = (labels: Record<string, string>) =>
  Object.keys(labels).length
    ? `{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`
    : '';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function loadClient(url: string, token: string) {
  try {
    return await import('@vigia/client').then((m) => ({ client: m.createVigiaClient({ url, token }), isTRPCClientError: m.isTRPCClientError }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new CommandError('the typed client is not built: run `npm run build --workspace @vigia/client` once');
    }
    throw error;
  }
}

export async function run({ values }: CommandArgs, io: Io): Promise<number> {
  const name = values.rule as string | undefined;
  if (!name) throw new UsageError('missing --rule <name>', 'backtest');
  const now = Date.now();
  const to = parseTime((values.to as string | undefined) ?? 'now', now, '--to');
  const from = values.from === undefined ? to - DAY_MS : parseTime(values.from as string, now, '--from');
  if (from >= to) throw new UsageError(`--from (${iso(from)}) must be before --to (${iso(to)})`, 'backtest');
  const url = ((values.url as string | undefined) ?? io.env.VIGIA_URL ?? 'http://127.0.0.1:5001').replace(/\/+$/, '');
  const token = (values.token as string | undefined) ?? io.env.VIGIA_TOKEN ?? io.env.API_TOKEN;
  if (!token) throw new UsageError('missing --token (or VIGIA_TOKEN): the API needs a bearer token', 'backtest');
  const file = values.file as string | undefined;
  const rule = file ? ruleFromFile(file, name) : name;

  const { client, isTRPCClientError } = await loadClient(url, token);
  let result;
  try {
    result = await client.rules.backtest.query({ rule, from, to }, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    if (!isTRPCClientError(error)) throw error;
    const code = error.data?.code;
    if (code === 'UNAUTHORIZED') throw new CommandError(`${url} refused the token (401): pass a valid one with --token or VIGIA_TOKEN`);
    if (/No procedure found/i.test(error.message)) throw new CommandError(`the Vigia at ${url} has no rules.backtest: it is older than this command`);
    if (code) throw new CommandError(`${url} answered ${code}: ${error.message}`);
    throw new CommandError(`cannot reach Vigia at ${url}: ${describeError(error.cause ?? error)}`);
  }

  const { episodes } = result;
  io.out(`${result.rule}, ${iso(from)} to ${iso(to)}: ${plural(episodes.length, 'episode')}, ${plural(result.notifications, 'notification')}`);
  io.out(result.channels.length ? ` to ${result.channels.join(', ')} (${plural(result.deliveries, 'delivery')})\n` : ' (no channel would receive them)\n');
  io.out(`replayed ${result.series} series, ${plural(result.points, 'point')} of ${result.resolution} history, ${plural(result.evaluations, 'evaluation')}\n`);
  if (episodes.length) {
    const withLabels = episodes.some((e) => labelText(e.labels));
    const header = ['start', 'fired', 'end', 'peak', ...(withLabels ? ['labels'] : [])];
    const rows = episodes.map((e) => [
      iso(e.start),
      iso(e.firedAt),
      e.end === null ? 'still firing' : iso(e.end),
      e.peak === null ? '-' : String(Number(e.peak.toPrecision(6))),
      ...(withLabels ? [labelText(e.labels)] : []),
    ]);
    io.out(table(header, rows));
  }
  return EXIT.ok;
}
