import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';
import { configFile, configProblems } from '../src/testing.ts';

const USERS = `
  users:
    ana: { email: ana@example.com, slack: U0ANA, phone: "+351910000001", rules: [{ after: 0m, channel: mail }, { after: 5m, channel: sms }] }
    bruno: { email: bruno@example.com, rules: [{ after: 0m, channel: mail }] }
`;

describe('oncall in monitoring.yaml', () => {
  it('loads users, schedules, overrides and escalation steps that target them', () => {
    const file = configFile(`
channels:
  mail: { type: email, host: localhost, from: vigia@example.com, to: [ops@example.com] }
oncall:${USERS}
  schedules:
    Primary:
      time_zone: Europe/Lisbon
      layers: [{ rotation: weekly, handoff: "09:00", participants: [ana, bruno], start: 2026-01-05 }]
      overrides: [{ user: ana, start: "2026-01-17T09:00", end: "2026-01-17T18:00", comment: ana covers bruno }]
alerts:
  escalation:
    critical: [{ after: 5m, schedules: [Primary] }, { after: 15m, users: [bruno], channels: [mail] }]
`);
    const config = loadConfig({ env: {}, file });
    expect(config.oncall.users.ana).toEqual({
      name: 'ana',
      contacts: { email: 'ana@example.com', slack: 'U0ANA', phone: '+351910000001' },
      rules: [{ afterMs: 0, channel: 'mail' }, { afterMs: 300_000, channel: 'sms' }],
    });
    expect(config.oncall.schedules.Primary).toEqual({
      name: 'Primary',
      timeZone: 'Europe/Lisbon',
      layers: [{ rotation: 'weekly', handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['ana', 'bruno'], start: '2026-01-05', length: undefined, end: undefined }],
      overrides: [{ user: 'ana', start: Date.parse('2026-01-17T09:00:00Z'), end: Date.parse('2026-01-17T18:00:00Z') }],
    });
    expect(config.alerts.escalation.critical).toEqual([
      { after: 300_000, channels: [], schedules: ['Primary'], users: [] },
      { after: 900_000, channels: ['mail'], schedules: [], users: ['bruno'] },
    ]);
  });

  it('names the key of an unknown participant, a bad time zone and a bad hand-off', () => {
    const file = configFile(`
oncall:${USERS}
  schedules:
    Primary:
      time_zone: Europe/Lisbn
      layers: [{ rotation: weekly, handoff: "9am", participants: [ana, carla], start: 2026-01-05 }]
      overrides: [{ user: dora, start: "2026-01-17T09:00", end: "2026-01-17T08:00" }]
`);
    const problems = configProblems(() => loadConfig({ env: {}, file }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'oncall.schedules.Primary.time_zone: unknown time zone "Europe/Lisbn" (use an IANA name such as Europe/Lisbon or UTC)',
        'oncall.schedules.Primary.layers[0].handoff: must be a time written HH:MM (24 h), such as "09:00"',
      ]),
    );
  });

  it('names a contact that the service would not take, with what it should look like', () => {
    const file = configFile(`
oncall:
  users:
    ana: { email: ana.example.com, slack: ana, phone: "912 345 678", telegram: "@ana", ntfy: "ana pager", pushover: short, rules: [{ after: 0m, channel: mail }] }
    bruno: { telegram: 123456789, rules: [{ after: 0m, channel: mail }] }
`);
    expect(configProblems(() => loadConfig({ env: {}, file }))).toEqual([
      'oncall.users.ana.email: must be an email address such as ana@example.com',
      'oncall.users.ana.slack: must be a Slack member id such as U024BE7LH (profile → ⋮ → Copy member ID)',
      'oncall.users.ana.phone: must be a phone number in international form such as "+351912345678" (quoted)',
      'oncall.users.ana.telegram: must be a numeric Telegram chat id such as "123456789" (quoted; the person must have started a chat with the bot)',
      'oncall.users.ana.ntfy: must be an ntfy topic: 1 to 64 letters, digits, - or _',
      'oncall.users.ana.pushover: must be a Pushover user key: 30 letters and digits',
    ]);
  });

  it('names a bad date, a bad custom length, unknown users in layers and overrides, and an override ending before it starts', () => {
    const file = configFile(`
oncall:${USERS}
  schedules:
    Primary:
      time_zone: UTC
      layers: [{ rotation: custom, length: 90m, handoff: "09:00", participants: [ana, carla], start: 2026-02-30 }]
      overrides: [{ user: dora, start: "2026-01-17T09:00", end: "2026-01-17T08:00" }]
`);
    expect(configProblems(() => loadConfig({ env: {}, file }))).toEqual([
      'oncall.schedules.Primary.layers[0].start: "2026-02-30" is not a date written YYYY-MM-DD',
      'oncall.schedules.Primary.layers[0].length: a custom rotation needs a length in whole hours or days, like 12h or 2d',
      'oncall.schedules.Primary.layers[0].participants[1]: no user named "carla" (users under oncall.users: ana, bruno)',
      'oncall.schedules.Primary.overrides[0].user: no user named "dora" (users under oncall.users: ana, bruno)',
      'oncall.schedules.Primary.overrides[0].end: must be after start',
    ]);
  });

  // Steps naming unknown schedules or users are checked when the worker starts (they may be in
  // PostgreSQL, added from the dashboard): packages/alerting/test/oncall-stored.test.ts.
  it('names an empty escalation step', () => {
    const empty = configFile(`alerts: { escalation: { critical: [{ after: 5m }] } }\n`);
    expect(configProblems(() => loadConfig({ env: {}, file: empty }))).toEqual(['alerts.escalation.critical[0]: a step needs at least one of channels, schedules or users']);
  });

  it('a user needs a notification rule', () => {
    const file = configFile(`oncall: { users: { ana: { email: ana@example.com } } }\n`);
    expect(configProblems(() => loadConfig({ env: {}, file }))).toEqual(['oncall.users.ana.rules: needs at least one rule such as { after: 0m, channel: email }']);
  });
});
