import { writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { REPO_ROOT, loadConfig } from '@vigia/config';
import { buildRules } from '@vigia/alerting';
import type { CommandArgs } from '../command-args.ts';
import { CommandError, EXIT, UsageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { prometheusRuleFile } from '../prometheus/rule-file.ts';

const FORMATS = ['prometheus'];

/** The source as the header names it: repository-relative, so the committed file does not depend on where it was made. */
function displayPath(file: string): string {
  const absolute = resolve(file);
  const inRepo = relative(REPO_ROOT, absolute);
  return inRepo && !inRepo.startsWith('..') && !isAbsolute(inRepo) ? inRepo : absolute;
}

export async function run({ values }: CommandArgs, io: Io): Promise<number> {
  const format = values.format as string | undefined;
  if (format === undefined) throw new UsageError('missing --format (the one format is prometheus)', 'rules export');
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${format}" (use ${FORMATS.join(', ')})`, 'rules export');

  const config = loadConfig({ env: io.env, file: values.file as string | undefined });
  const rules = buildRules(config);
  const text = prometheusRuleFile(rules, { source: displayPath(config.file), defaultCooldownMs: config.alerts.default_cooldown });
  const out = values.out as string | undefined;
  if (!out) {
    io.out(text);
    return EXIT.ok;
  }
  try {
    writeFileSync(out, text);
  } catch (error) {
    throw new CommandError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const baselines = rules.filter((r) => r.baseline).length;
  io.err(`wrote ${rules.length - baselines} rules from ${config.file} to ${out}${baselines ? ` (${baselines} baseline rule${baselines === 1 ? '' : 's'} left out: no PromQL equivalent)` : ''}\n`);
  return EXIT.ok;
}
