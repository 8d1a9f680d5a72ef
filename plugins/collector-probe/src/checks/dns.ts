import { Resolver } from 'node:dns/promises';
import { ProbeFailure, type ProbeCheck, type ProbeOutcome } from '../spec.ts';

type DnsCheck = Extract<ProbeCheck, { type: 'dns' }>;

async function lookup(resolver: Resolver, check: DnsCheck): Promise<string[]> {
  switch (check.recordType) {
    case 'A':
      return resolver.resolve4(check.name);
    case 'AAAA':
      return resolver.resolve6(check.name);
    case 'CNAME':
      return resolver.resolveCname(check.name);
    case 'NS':
      return resolver.resolveNs(check.name);
    case 'MX':
      return (await resolver.resolveMx(check.name)).map((mx) => mx.exchange);
    case 'TXT':
      return (await resolver.resolveTxt(check.name)).map((chunks) => chunks.join(''));
  }
}

const normal = (answer: string) => answer.toLowerCase().replace(/\.$/, '');

export async function checkDns(check: DnsCheck, signal: AbortSignal, timeoutMs: number): Promise<ProbeOutcome> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (check.server) resolver.setServers([check.server]);
  const cancel = () => resolver.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  const server = check.server ?? 'the system resolver';
  let answers: string[];
  try {
    answers = await lookup(resolver, check);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw new ProbeFailure(`no ${check.recordType} record for ${check.name}`);
    if (code === 'ETIMEOUT' || code === 'ECANCELLED') throw new ProbeFailure(`${server} did not answer for ${check.name}`);
    if (code === 'ECONNREFUSED') throw new ProbeFailure(`connection refused by ${server}`);
    if (code === 'ESERVFAIL' || code === 'EREFUSED') throw new ProbeFailure(`${server} failed to answer for ${check.name} (${code})`);
    throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  if (check.expect && !answers.some((a) => check.expect!.some((e) => normal(e) === normal(a)))) {
    throw new ProbeFailure(`${check.recordType} ${check.name} is ${answers.join(', ').slice(0, 120) || 'empty'}, expected ${check.expect.join(' or ')}`);
  }
  return { ok: true };
}
