import { relative } from 'node:path';
import { ConfigError, escalationTargetProblems, formatIssues, loadConfig, statusComponentProblems, type VigiaConfig } from '@vigia/config';
import { buildChannels, buildRules } from '@vigia/alerting';
import { formatDuration } from '@vigia/core';
import type { Notifier } from '@vigia/plugin-sdk';
import { loadPlugins } from '@vigia/plugin-loader';
import type { CommandArgs } from '../command-args.ts';
import { EXIT } from '../errors.ts';
import type { Io } from '../io.ts';
import { quietLogger } from '../quiet-logger.ts';

/** Runs one stage of the start-up checks; its problems join the list instead of ending the check. */
function collect<T>(problems: string[], stage: () => T): T | undefined {
  try {
    return stage();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** Collector settings against each enabled plugin's schema, as the worker checks them before scheduling. */
function collectorProblems(config: VigiaConfig, collectors: Awaited<ReturnType<typeof loadPlugins>>['collectors']): { enabled: number; problems: string[] } {
  const problems: string[] = [];
  let enabled = 0;
  for (const [name, loaded] of collectors) {
    const settings = config.collectors[name] ?? { enabled: true, options: {} };
    if (!settings.enabled) continue;
    const schema = loaded.plugin.configSchema;
    const parsed = schema?.safeParse(settings.options);
    if (parsed && !parsed.success) problems.push(...formatIssues(parsed.error.issues, settings.options).map((p) => `collectors.${name}.${p}`));
    // A collector made of parts (the probes) runs nothing while it has none.
    else if (!loaded.plugin.parts || loaded.plugin.parts(parsed?.data ?? settings.options).length) enabled++;
  }
  return { enabled, problems };
}

export async function run({ positionals }: CommandArgs, io: Io): Promise<number> {
  // The file as the person named it; Vigia's own messages resolve it differently at each stage.
  const shown = (file: string) => positionals[0] ?? (relative(process.cwd(), file) || file);
  const report = (resolved: string, problems: string[], warnings: string[] = []) => {
    const file = shown(resolved);
    for (const w of warnings) io.out(`${file}: warning: ${w}\n`);
    for (const p of problems) io.out(`${file}: ${p}\n`);
    io.out(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; Vigia would not start with this file\n`);
    return EXIT.failed;
  };

  let config: VigiaConfig;
  try {
    config = loadConfig({ env: io.env, file: positionals[0] });
  } catch (error) {
    // The schema failed: nothing further can be checked on a file that does not parse.
    if (error instanceof ConfigError) return report(error.file, error.problems);
    throw error;
  }

  const problems: string[] = [];
  const warnings: string[] = [];
  const rules = collect(problems, () => buildRules(config)) ?? [];
  const plugins = await loadPlugins(config.pluginDirs, config.plugins, quietLogger);
  for (const failure of plugins.failures) warnings.push(`plugin ${failure.source} does not load and would be skipped: ${failure.error}`);
  const notifiers = new Map([...plugins.notifiers].map(([name, loaded]) => [name, loaded.plugin as Notifier<unknown>]));
  const channels = collect(problems, () => buildChannels(config, notifiers))?.channels;
  const collectors = collectorProblems(config, plugins.collectors);
  problems.push(...collectors.problems);
  // The engine reads rule windows from Redis' live window: a longer window silently sees less.
  config.alerts.rules.forEach((r, i) => {
    const rule = rules.find((spec) => spec.name === r.name);
    if (rule && rule.reduce !== 'last' && rule.windowMs > config.storage.liveWindowMs) {
      warnings.push(
        `alerts.rules[${i}].window (rule "${r.name}"): ${formatDuration(rule.windowMs)} is longer than storage.live_window (${formatDuration(config.storage.liveWindowMs)}), so the rule only ever sees the last ${formatDuration(config.storage.liveWindowMs)}`,
      );
    }
  });
  // Schedules and people may also be added in the dashboard (PostgreSQL, which this check does not
  // read): the worker refuses to start if a step names one that is in neither.
  for (const p of escalationTargetProblems(config.alerts.escalation, config.oncall))
    warnings.push(`${p.replace(' or added in the dashboard', '')}; the worker will not start unless it was added in the dashboard`);
  // Probes and SLOs may also be added in the dashboard: a name unknown here may be known to the worker.
  if (config.statusPage.enabled) {
    for (const p of statusComponentProblems(
      config.statusPage,
      config.probes.map((probe) => probe.name),
      rules,
    )) {
      if (p.includes('.probe ')) warnings.push(p.replace(' or added in the dashboard', '').replace('; it shows', '; unless it is added in the dashboard, it shows'));
      else if (/no rule named "SLO /.test(p)) warnings.push(`${p}, unless it is the rule of an SLO added in the dashboard`);
      else warnings.push(p);
    }
  }
  for (const name of Object.keys(config.collectors)) {
    if (!plugins.collectors.has(name)) warnings.push(`collectors.${name}: no collector plugin named "${name}" is installed, so these settings are not used`);
  }

  if (problems.length) return report(config.file, problems, warnings);
  const file = shown(config.file);
  for (const w of warnings) io.out(`${file}: warning: ${w}\n`);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  io.out(`${file}: valid: ${count(rules.length, 'rule')}, ${count(channels?.size ?? 0, 'channel')}, ${count(collectors.enabled, 'collector')} configured\n`);
  return EXIT.ok;
}
