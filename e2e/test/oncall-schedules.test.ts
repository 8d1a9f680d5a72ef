import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, startSmtpSink, waitFor } from '@vigia/testing';
import { feedSamples, hotRoomsYaml, startStack, trpcClient, type SampleFeed, type Stack } from '../src/index.ts';

const DAY = 86_400_000;
type Hook = { reason: string; alertId: string; alert: { labels: Record<string, string> } };

describe('on-call schedules through the whole system', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof startHttpReceiver>>;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let feed: SampleFeed | undefined;
  // bruno covers tomorrow; ana is on call every other moment.
  const coverStart = Math.floor(Date.now() / 1000) * 1000 + DAY;
  const coverEnd = coverStart + DAY;

  beforeAll(async () => {
    team = await startHttpReceiver();
    sink = await startSmtpSink();
    stack = await startStack({
      yaml: hotRoomsYaml(
        `  routing: { critical: [team] }
  escalation:
    critical:
      - { after: 1s, schedules: [Primary] }
`,
        `channels:
  team: { type: webhook, url: "${team.url}/team" }
  mail: { type: email, host: 127.0.0.1, port: ${sink.port}, from: vigia@example.com, to: [ops@example.com] }
oncall:
  users:
    ana: { email: ana@example.com, rules: [{ after: 0m, channel: mail }] }
    bruno: { email: bruno@example.com, rules: [{ after: 0m, channel: mail }] }
  schedules:
    Primary:
      time_zone: Europe/Lisbon
      layers: [{ rotation: daily, handoff: "09:00", participants: [ana], start: 2020-01-06 }]
      overrides: [{ user: bruno, start: "${new Date(coverStart).toISOString()}", end: "${new Date(coverEnd).toISOString()}" }]
`,
      ),
    });
  });
  afterAll(async () => {
    await feed?.stop();
    await stack?.stop();
    await team?.close();
    await sink?.stop();
  });

  it('lists each schedule with who is on call now and next, and its shifts', async () => {
    const api = trpcClient(stack.url, stack.apiToken);
    const { schedules } = await api.oncall.schedules.query();
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ name: 'Primary', timeZone: 'Europe/Lisbon', participants: ['ana'], now: { user: 'ana' }, next: { user: 'bruno', start: coverStart, end: coverEnd } });
    const from = coverStart - DAY / 2;
    const { shifts } = await api.oncall.shifts.query({ schedule: 'Primary', from, to: coverEnd + DAY / 2 });
    expect(shifts).toEqual([
      { start: from, end: coverStart, user: 'ana' },
      { start: coverStart, end: coverEnd, user: 'bruno' },
      { start: coverEnd, end: coverEnd + DAY / 2, user: 'ana' },
    ]);
    await expect(api.oncall.shifts.query({ schedule: 'Nope', from, to: from + DAY })).rejects.toThrow('no schedule named "Nope" under oncall.schedules or added in the dashboard');
  });

  it('exports vigia_oncall_shift for the person on call', async () => {
    const res = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${stack.apiToken}` } });
    const text = await res.text();
    expect(text).toContain('# TYPE vigia_oncall_shift gauge');
    expect(text).toContain('vigia_oncall_shift{schedule="Primary",user="ana"} 1');
    expect(text).not.toContain('user="bruno"');
  });

  it('serves an iCal feed per schedule to a valid API token only', async () => {
    expect((await fetch(`${stack.url}/api/oncall/Primary.ics`)).status).toBe(401);
    expect((await fetch(`${stack.url}/api/oncall/Primary.ics?token=vigia_wrong`)).status).toBe(401);
    expect((await fetch(`${stack.url}/api/oncall/Nope.ics?token=${encodeURIComponent(stack.apiToken)}`)).status).toBe(404);
    const res = await fetch(`${stack.url}/api/oncall/Primary.ics?token=${encodeURIComponent(stack.apiToken)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await res.text();
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/); // every line ends in CRLF
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = text.replace(/\r\n /g, '');
    const stamp = (ms: number) =>
      new Date(ms)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    expect(unfolded).toContain(`DTSTART:${stamp(coverStart)}\r\nDTEND:${stamp(coverEnd)}\r\nSUMMARY:On call: bruno (Primary)`);
    expect(unfolded.match(/BEGIN:VEVENT/g)).toHaveLength(3);
  });

  it('an escalation step naming the schedule pages whoever is on call, at their own address, and the audit says so', async () => {
    feed = feedSamples(stack.prefix, () => [{ name: 'temp', labels: { room: 'a' }, value: 99 }]);
    const fired = await waitFor(() => team.json<Hook>((b) => b.alert.labels.room === 'a')[0], { what: 'the first notification' });
    // The id header is long enough to be folded, so it arrives with the fold's leading space.
    const id = `${fired.alertId}.esc1.ana.r1.escalated.mail`;
    const mail = await waitFor(() => sink.all().find((m) => m.headers['x-vigia-notification-id']?.trim() === id), { what: `mail ${id}`, timeoutMs: 30_000 });
    expect(mail.rcpt_tos).toEqual(['ana@example.com']);
    const api = trpcClient(stack.url, stack.apiToken);
    const audit = await api.audit.list.query({ targetType: 'alert', targetId: fired.alertId });
    expect(audit.map((a) => [a.actor, a.action, a.detail])).toContainEqual([
      'vigia',
      'oncall.page',
      { user: 'ana', schedule: 'Primary', channel: 'mail', recipient: 'ana@example.com', step: 1, rule: 1 },
    ]);
    const detail = await api.alerts.get.query({ id: fired.alertId });
    expect(detail.events.find((e) => e.type === 'escalated')?.comment).toBe('unacknowledged after 1 s: step 1 notifies ana (on call in Primary) by mail to ana@example.com');
    expect(sink.all().filter((m) => m.rcpt_tos.includes('ops@example.com'))).toEqual([]);
  });

  it('an operator adds an override through the API: it wins at once, is audited, and can be removed; a viewer cannot', async () => {
    const api = trpcClient(stack.url, stack.apiToken);
    const start = Date.now() + 3_600_000;
    const added = await api.oncall.addOverride.mutate({ schedule: 'Primary', user: 'bruno', startsAt: start, endsAt: start + 3_600_000, comment: 'bruno covers ana' });
    expect(added).toMatchObject({ schedule: 'Primary', user: 'bruno', comment: 'bruno covers ana' });
    const { schedules } = await api.oncall.schedules.query();
    expect(schedules[0]).toMatchObject({ now: { user: 'ana', end: start }, next: { user: 'bruno', start, end: start + 3_600_000 } });
    const { shifts } = await api.oncall.shifts.query({ schedule: 'Primary', from: start - 1_000, to: start + 3_601_000 });
    expect(shifts.map((s) => s.user)).toEqual(['ana', 'bruno', 'ana']);
    expect((await api.oncall.overrides.query({ schedule: 'Primary' })).map((o) => o.id)).toEqual([added.id]);
    const audit = await api.audit.list.query({ targetType: 'schedule', targetId: 'Primary' });
    expect(audit[0]).toMatchObject({ action: 'oncall.override_add', detail: { user: 'bruno', comment: 'bruno covers ana' } });

    await expect(api.oncall.addOverride.mutate({ schedule: 'Primary', user: 'carla', startsAt: start, endsAt: start + 1_000 })).rejects.toThrow(
      'no user named "carla" under oncall.users or added in the dashboard (have: ana, bruno)',
    );
    await expect(api.oncall.addOverride.mutate({ schedule: 'Primary', user: 'bruno', startsAt: start, endsAt: start - 1_000 })).rejects.toThrow('an override must end after it starts');

    const viewer = await stack.api!.deps.auth.createUser('oncall-viewer', 'viewer-password-1', 'viewer');
    const { token } = await stack.api!.deps.auth.createToken(viewer.id, 'test');
    const asViewer = trpcClient(stack.url, token);
    expect((await asViewer.oncall.schedules.query()).schedules).toHaveLength(1);
    await expect(asViewer.oncall.addOverride.mutate({ schedule: 'Primary', user: 'bruno', startsAt: start, endsAt: start + 1_000 })).rejects.toThrow();
    await expect(asViewer.oncall.removeOverride.mutate({ id: added.id })).rejects.toThrow();

    await api.oncall.removeOverride.mutate({ id: added.id });
    expect(await api.oncall.overrides.query({ schedule: 'Primary' })).toEqual([]);
    expect((await api.oncall.schedules.query()).schedules[0]).toMatchObject({ now: { user: 'ana' }, next: { user: 'bruno', start: coverStart } });
  });
  it('an operator adds people and schedules through the API beside monitoring.yaml’s, which stay read-only; a viewer cannot', async () => {
    const api = trpcClient(stack.url, stack.apiToken);
    const carla = await api.oncall.saveUser.mutate({
      name: 'carla',
      contacts: { email: 'carla@example.com', ntfy: 'carla-pager-7f3k' },
      rules: [
        { after: '0m', channel: 'mail' },
        { after: '5m', channel: 'team' },
      ],
    });
    expect(carla).toEqual({
      name: 'carla',
      source: 'dashboard',
      contactKinds: ['email', 'ntfy'],
      contacts: { email: 'carla@example.com', ntfy: 'car…' },
      rules: [
        { afterMs: 0, channel: 'mail' },
        { afterMs: 300_000, channel: 'team' },
      ],
    });
    expect((await api.oncall.people.query()).map((p) => [p.name, p.source])).toEqual([
      ['ana', 'file'],
      ['bruno', 'file'],
      ['carla', 'dashboard'],
    ]);
    await expect(api.oncall.saveUser.mutate({ name: 'ana', contacts: {}, rules: [{ after: '0m', channel: 'mail' }] })).rejects.toThrow(
      'ana is defined in monitoring.yaml (oncall.users.ana); change it there',
    );
    await expect(api.oncall.saveUser.mutate({ name: 'dora', contacts: { phone: '912' }, rules: [{ after: '0m', channel: 'pager' }] })).rejects.toThrow(
      'phone: must be a phone number in international form',
    );
    await expect(api.oncall.saveUser.mutate({ name: 'dora', contacts: {}, rules: [{ after: '0m', channel: 'pager' }] })).rejects.toThrow(
      'rules[0].channel: no channel named "pager" (have: team, mail)',
    );

    // Sent back masked, the topic is kept as stored.
    await api.oncall.saveUser.mutate({ name: 'carla', contacts: { email: 'carla@example.com', ntfy: 'car…' }, rules: [{ after: '0m', channel: 'mail' }] });
    expect((await api.oncall.people.query()).find((p) => p.name === 'carla')).toMatchObject({ contacts: { ntfy: 'car…' }, rules: [{ afterMs: 0, channel: 'mail' }] });

    await expect(
      api.oncall.saveSchedule.mutate({ name: 'Secondary', time_zone: 'Europe/Lisbn', layers: [{ rotation: 'daily', handoff: '9am', participants: ['carla'], start: '2020-01-06' }] }),
    ).rejects.toThrow('time_zone: unknown time zone "Europe/Lisbn" (use an IANA name such as Europe/Lisbon or UTC); layers.0.handoff: must be a time written HH:MM (24 h), such as "09:00"');
    await expect(
      api.oncall.saveSchedule.mutate({ name: 'Secondary', time_zone: 'UTC', layers: [{ rotation: 'daily', handoff: '09:00', participants: ['zoe'], start: '2020-01-06' }] }),
    ).rejects.toThrow('layers[0].participants[0]: no user named "zoe" (have: ana, bruno, carla)');
    await expect(api.oncall.saveSchedule.mutate({ name: 'Primary', time_zone: 'UTC', layers: [] })).rejects.toThrow(
      'Primary is defined in monitoring.yaml (oncall.schedules.Primary); change it there',
    );
    const saved = await api.oncall.saveSchedule.mutate({
      name: 'Secondary',
      time_zone: 'Europe/Lisbon',
      layers: [{ rotation: 'weekly', handoff: '09:00', participants: ['carla'], start: '2020-01-06' }],
    });
    expect(saved).toMatchObject({ name: 'Secondary', source: 'dashboard' });
    const { schedules, users } = await api.oncall.schedules.query();
    expect(users).toEqual(['ana', 'bruno', 'carla']);
    expect(schedules.map((s) => [s.name, s.source, s.now?.user])).toEqual([
      ['Primary', 'file', 'ana'],
      ['Secondary', 'dashboard', 'carla'],
    ]);
    // carla alone in a rotation hands off to nobody: no end, rather than the look-ahead's.
    expect(schedules[1]).toMatchObject({ now: { user: 'carla', end: null }, next: null });
    expect((await api.oncall.scheduleDefinitions.query()).map((s) => [s.name, s.source, s.layers[0]!.participants])).toEqual([
      ['Primary', 'file', ['ana']],
      ['Secondary', 'dashboard', ['carla']],
    ]);
    const ics = await fetch(`${stack.url}/api/oncall/Secondary.ics?token=${stack.apiToken}`);
    expect(ics.status).toBe(200);
    expect(await ics.text()).toMatch(/SUMMARY:.*carla/);
    const metrics = await (await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${stack.apiToken}` } })).text();
    expect(metrics).toContain('vigia_oncall_shift{schedule="Secondary",user="carla"} 1');
    const audit = await api.audit.list.query({ targetType: 'schedule', targetId: 'Secondary' });
    expect(audit.map((a) => a.action)).toContain('oncall.schedule_add');

    await expect(api.oncall.removeUser.mutate({ name: 'carla' })).rejects.toThrow('carla is still named by schedule Secondary; take them out there first');
    const viewer = await stack.api!.deps.auth.createUser('oncall-viewer-2', 'viewer-password-2', 'viewer');
    const asViewer = trpcClient(stack.url, (await stack.api!.deps.auth.createToken(viewer.id, 'test')).token);
    expect((await asViewer.oncall.people.query()).map((p) => p.name)).toEqual(['ana', 'bruno', 'carla']);
    await expect(asViewer.oncall.saveUser.mutate({ name: 'eve', contacts: {}, rules: [{ after: '0m', channel: 'mail' }] })).rejects.toThrow('this needs the operator role');
    await expect(asViewer.oncall.removeSchedule.mutate({ name: 'Secondary' })).rejects.toThrow('this needs the operator role');

    await api.oncall.removeSchedule.mutate({ name: 'Secondary' });
    await api.oncall.removeUser.mutate({ name: 'carla' });
    expect((await api.oncall.schedules.query()).schedules.map((s) => s.name)).toEqual(['Primary']);
    await expect(api.oncall.removeSchedule.mutate({ name: 'Primary' })).rejects.toThrow('Primary is defined in monitoring.yaml');
  });

  it('shows people’s addresses to operators and admins only: a viewer gets names and the kinds of contact; keys stay masked for all', async () => {
    const api = trpcClient(stack.url, stack.apiToken);
    const pushoverKey = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
    await api.oncall.saveUser.mutate({
      name: 'dora',
      contacts: { email: 'dora@example.com', phone: '+351912345678', slack: 'U024BE7LH', telegram: '123456789', ntfy: 'dora-pager-7f3k', pushover: pushoverKey },
      rules: [{ after: '0m', channel: 'mail' }],
    });
    const tokenOf = async (role: 'viewer' | 'operator') => {
      const user = await stack.api!.deps.auth.createUser(`people-${role}`, `${role}-password-3`, role);
      return (await stack.api!.deps.auth.createToken(user.id, 'test')).token;
    };
    const everyKind = ['email', 'slack', 'phone', 'telegram', 'ntfy', 'pushover'];

    const operator = await trpcClient(stack.url, await tokenOf('operator')).oncall.people.query();
    expect(operator.find((p) => p.name === 'dora')).toEqual({
      name: 'dora',
      source: 'dashboard',
      contactKinds: everyKind,
      contacts: { email: 'dora@example.com', phone: '+351912345678', slack: 'U024BE7LH', telegram: '123456789', ntfy: 'dor…', pushover: 'uQi…' },
      rules: [{ afterMs: 0, channel: 'mail' }],
    });
    expect(operator.find((p) => p.name === 'ana')).toMatchObject({ contactKinds: ['email'], contacts: { email: 'ana@example.com' } });
    expect((await api.oncall.people.query()).find((p) => p.name === 'dora')?.contacts).toMatchObject({ phone: '+351912345678', pushover: 'uQi…' });

    const viewerToken = await tokenOf('viewer');
    const viewerRes = await fetch(`${stack.url}/trpc/oncall.people`, { headers: { authorization: `Bearer ${viewerToken}` } });
    const raw = await viewerRes.text();
    expect(viewerRes.status).toBe(200);
    for (const address of ['@example.com', '+351912345678', 'U024BE7LH', '123456789', 'dora-pager', 'dor…', pushoverKey, 'uQi']) expect(raw).not.toContain(address);
    const viewer = await trpcClient(stack.url, viewerToken).oncall.people.query();
    expect(viewer.map((p) => [p.name, p.contactKinds.join(', '), p.contacts])).toEqual([
      ['ana', 'email', null],
      ['bruno', 'email', null],
      ['dora', everyKind.join(', '), null],
    ]);
    await api.oncall.removeUser.mutate({ name: 'dora' });
  });
});
