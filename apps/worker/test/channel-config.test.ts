import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@vigia/config';
import { buildChannels } from '@vigia/alerting';
import type { Logger, Notifier } from '@vigia/plugin-sdk';
import { loadPlugins } from '@vigia/plugin-loader';
import { configFile } from '@vigia/testing';

// The example of issue 15, character for character: it must start as written.
const ISSUE_EXAMPLE = `channels:
  team-discord: { type: discord, url: https://discord.com/api/webhooks/ID/TOKEN }
  team-teams:   { type: teams, url: https://example.webhook.office.com/workflows/... }
  phone-ntfy:   { type: ntfy, url: https://ntfy.sh, topic: acme-oncall }
`;

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What the worker does at start: monitoring.yaml, the bundled plugins, each channel checked by its plugin. */
async function startChannels(yaml: string) {
  const config = loadConfig({ file: configFile(yaml), env: {} });
  const plugins = await loadPlugins(config.pluginDirs, config.plugins, quietLogger, (type) => type !== 'notifier');
  const notifiers = new Map([...plugins.notifiers].map(([name, loaded]) => [name, loaded.plugin as Notifier<unknown>]));
  return { config, built: () => buildChannels(config, notifiers) };
}

function problemsOf(build: () => unknown): { file: string; problems: string[] } {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return { file: error.file, problems: error.problems };
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('discord, teams and ntfy channels in monitoring.yaml', () => {
  it('start from the issue example as written, secrets masked in what the dashboard lists', async () => {
    const { built } = await startChannels(ISSUE_EXAMPLE);
    const { channels, infos } = built();
    expect([...channels.keys()].sort()).toEqual(['phone-ntfy', 'team-discord', 'team-teams']);
    expect(channels.get('team-discord')!.notifier.name).toBe('discord');
    expect(channels.get('team-discord')!.config).toMatchObject({ url: 'https://discord.com/api/webhooks/ID/TOKEN', username: 'Vigia' });
    expect(channels.get('team-teams')!.config).toMatchObject({ url: 'https://example.webhook.office.com/workflows/...' });
    expect(channels.get('phone-ntfy')!.config).toMatchObject({ url: 'https://ntfy.sh', topic: 'acme-oncall' });

    const info = Object.fromEntries(infos.map((i) => [i.name, i]));
    expect(info['team-discord']).toMatchObject({ type: 'discord', enabled: true, config: { url: '***' } });
    expect(info['team-teams']).toMatchObject({ type: 'teams', enabled: true, config: { url: '***' } });
    expect(info['phone-ntfy']).toMatchObject({ type: 'ntfy', enabled: true, config: { url: 'https://ntfy.sh', topic: 'acme-oncall' } });
    expect(JSON.stringify(infos)).not.toContain('TOKEN');
  });

  it('stop the start naming the file, channel, key and problem, without echoing secrets', async () => {
    const { config, built } = await startChannels(`channels:
  team-discord: { type: discord, url: https://discord.com/channels/1/SECRETPATH }
  team-teams:   { type: teams, url: "not a url" }
  phone-ntfy:   { type: ntfy, url: https://ntfy.sh, topic: "acme oncall", token: tk_SECRET }
  pager-ntfy:   { type: ntfy, priority: 5 }
  user-ntfy:    { type: ntfy, topic: ana, username: ana }
`);
    const { file, problems } = problemsOf(built);
    expect(file).toBe(config.file);
    expect(problems).toEqual([
      expect.stringMatching(/^channels\.team-discord\.url: not a Discord webhook URL: it looks like https:\/\/discord\.com\/api\/webhooks\/<id>\/<token>/),
      expect.stringMatching(/^channels\.team-teams\.url: /),
      'channels.phone-ntfy.topic: a topic is 1 to 64 letters, digits, - or _',
      'channels.pager-ntfy.topic: required: the topic to publish to, e.g. acme-oncall',
      'channels.pager-ntfy.(top level): unknown key "priority"',
      'channels.user-ntfy.password: give username and password together',
    ]);
    expect(problems.join('\n')).not.toMatch(/SECRETPATH|tk_SECRET/);
  });
});
