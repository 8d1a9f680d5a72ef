import { inArray } from 'drizzle-orm';
import { CONTACT_FOR_CHANNEL_TYPE, type ContactMethod, type OncallUser, type VigiaConfig } from '@vigia/config';
import { users, type Database } from '@vigia/db';
import { onCallAt, type Schedule } from '@vigia/oncall';

type Step = NonNullable<VigiaConfig['alerts']['escalation'][keyof VigiaConfig['alerts']['escalation']]>[number];

/** One person an escalation step reaches, and why: named by the step, or on call in a schedule. */
export interface PagedUser {
  user: string;
  /** The schedule they were on call in, when the step named a schedule. */
  schedule?: string;
}

/** One notification rule of one paged person, made concrete: which channel, to which address. */
export interface Page extends PagedUser {
  rule: number;
  channel: string;
  afterMs: number;
  /** The address the channel reaches them at (their contact for the channel's type); undefined when the channel has no per-person address. */
  recipient?: string;
  /** The kind of contact `recipient` is. */
  method?: ContactMethod;
  /** Why nothing can be sent (no such contact, channel off). */
  problem?: string;
}

/** Who a step pages at `now`: its users, then whoever is on call in each of its schedules, each person once. */
export function pagedUsers(schedules: Record<string, Schedule>, step: Pick<Step, 'schedules' | 'users'>, now: number): { paged: PagedUser[]; nobody: string[] } {
  const paged: PagedUser[] = [];
  const nobody: string[] = [];
  const seen = new Set<string>();
  for (const user of step.users) {
    if (seen.has(user)) continue;
    seen.add(user);
    paged.push({ user });
  }
  for (const name of step.schedules) {
    const schedule = schedules[name];
    const who = schedule ? onCallAt(schedule, now) : null;
    if (!who) nobody.push(name);
    else if (!seen.has(who.user)) {
      seen.add(who.user);
      paged.push({ user: who.user, schedule: name });
    }
  }
  return { paged, nobody };
}

/**
 * Every user a step could page at some time: the delayed rule jobs that may exist, so an
 * acknowledgement can remove them all. A schedule can put anyone of oncall.users on call (an
 * override added through the API names any of them), so a step naming one may page them all.
 */
export function possiblyPaged(config: VigiaConfig, step: Pick<Step, 'schedules' | 'users'>): string[] {
  return step.schedules.length ? Object.keys(config.oncall.users) : [...new Set(step.users)];
}

/**
 * The pages for people: each rule of theirs, with the address their contact methods give for the
 * rule's channel type. A Vigia login of the same name lends its email address when the on-call
 * entry has none, so people are not written down twice.
 */
export async function pagesFor(db: Database, config: VigiaConfig, paged: PagedUser[], onlyRule?: number): Promise<Page[]> {
  const people = paged.map((p) => ({ ...p, person: config.oncall.users[p.user] })).filter((p): p is PagedUser & { person: OncallUser } => !!p.person);
  const needLogin = people.filter((p) => !p.person.contacts.email).map((p) => p.user);
  const logins = needLogin.length ? await db.select({ username: users.username, email: users.email }).from(users).where(inArray(users.username, needLogin)) : [];
  const loginEmail = new Map(logins.filter((l) => l.email).map((l) => [l.username, l.email!]));
  return people.flatMap(({ person, ...who }) =>
    person.rules
      .map((rule, i) => ({ rule, i }))
      .filter(({ i }) => onlyRule === undefined || i === onlyRule)
      .map(({ rule, i }): Page => {
        const page: Page = { ...who, rule: i, channel: rule.channel, afterMs: rule.afterMs };
        const settings = config.channels[rule.channel];
        if (!settings || settings.enabled === false) return { ...page, problem: `channel ${rule.channel} is not enabled` };
        const method = CONTACT_FOR_CHANNEL_TYPE[settings.type ?? rule.channel];
        if (!method) return page;
        const address = person.contacts[method] ?? (method === 'email' ? loginEmail.get(who.user) : undefined);
        return address ? { ...page, recipient: address, method } : { ...page, problem: `${who.user} has no ${method} for channel ${rule.channel}` };
      }),
  );
}

/**
 * The address as shown in the alert's history and the audit log: a Pushover user key and an ntfy
 * topic are credentials (whoever knows them can push to the person), so only their start shows.
 */
export function shownAddress(page: Pick<Page, 'recipient' | 'method'>): string | undefined {
  if (!page.recipient) return undefined;
  return page.method === 'pushover' || page.method === 'ntfy' ? `${page.recipient.slice(0, 3)}…` : page.recipient;
}

/** How a page reads in the alert's history and the audit log: "ana (on call in Primary) by sms to +351…". */
export function describePage(page: Page): string {
  const who = page.schedule ? `${page.user} (on call in ${page.schedule})` : page.user;
  if (page.problem) return `${who}: not paged, ${page.problem}`;
  return `${who} by ${page.channel}${page.recipient ? ` to ${shownAddress(page)}` : ''}${page.afterMs ? ` (after ${Math.round(page.afterMs / 1000)} s)` : ''}`;
}
