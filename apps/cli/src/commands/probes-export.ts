import { writeFileSync } from 'node:fs';
import { asc } from 'drizzle-orm';
import { stringify } from 'yaml';
import { checkProbe } from '@vigia/config';
import { probes } from '@vigia/db';
import type { CommandArgs } from '../command-args.ts';
import { CommandError, EXIT } from '../errors.ts';
import type { Io } from '../io.ts';
import { withVigiaStore } from '../vigia-store.ts';

/**
 * The probes made in the dashboard or the API as a `probes:` block of monitoring.yaml, each as it
 * was written (the spec column is the YAML shape), checked by the same schema the file is.
 */
export async function run({ values }: CommandArgs, io: Io): Promise<number> {
  const includePaused = values['include-paused'] === true;
  const rows = await withVigiaStore(io.env, ({ store }) => store.db.select().from(probes).orderBy(asc(probes.name)));
  const kept = rows.filter((r) => includePaused || !r.paused);
  const invalid = kept.flatMap((r) => {
    const checked = checkProbe(r.name, r.spec);
    return checked.ok ? [] : checked.problems;
  });
  if (invalid.length) throw new CommandError(`stored probes that would not load from a file:\n${invalid.map((p) => `  - ${p}`).join('\n')}`);

  const left = rows.filter((r) => r.paused && !includePaused).map((r) => r.name);
  const header = [
    `# ${kept.length} probe${kept.length === 1 ? '' : 's'} made in the dashboard or the API (vigia probes export, ${new Date().toISOString()}).`,
    '# Secrets are written out in full: keep this file as private as monitoring.yaml.',
    ...(left.length ? [`# Paused, left out (--include-paused writes them): ${left.join(', ')}`] : []),
  ].join('\n');
  const text = `${header}\n${stringify({ probes: kept.map((r) => ({ name: r.name, ...r.spec })) }, { lineWidth: 0 })}`;
  const out = values.out as string | undefined;
  if (!out) {
    io.out(text);
    return EXIT.ok;
  }
  try {
    writeFileSync(out, text, { mode: 0o600 });
  } catch (error) {
    throw new CommandError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  io.err(`wrote ${kept.length} probes to ${out}\n`);
  return EXIT.ok;
}
