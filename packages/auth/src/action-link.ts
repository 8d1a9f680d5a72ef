import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkAction = 'acknowledge' | 'silence';

export interface ActionLink {
  alertId: string;
  action: LinkAction;
  /** Who the link was sent to: recorded as the one who acted. */
  recipient: string;
  /** ms since the epoch */
  expiresAt: number;
}

const mac = (body: string, secret: string) => createHmac('sha256', secret).update(`vigia-link.${body}`).digest('base64url');

/** A link token only Vigia can mint: the action, the alert, the recipient and an expiry, signed. */
export function signActionLink(link: ActionLink, secret: string): string {
  const body = Buffer.from(JSON.stringify([link.alertId, link.action, link.recipient, link.expiresAt])).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

export type LinkCheck = { ok: true; link: ActionLink } | { ok: false; reason: 'invalid' | 'expired'; link?: ActionLink };

export function verifyActionLink(token: string, secret: string, now = Date.now()): LinkCheck {
  const dot = token.indexOf('.');
  if (dot <= 0) return { ok: false, reason: 'invalid' };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(body, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!Array.isArray(fields) || fields.length !== 4) return { ok: false, reason: 'invalid' };
  const [alertId, action, recipient, expiresAt] = fields as [string, LinkAction, string, number];
  if (action !== 'acknowledge' && action !== 'silence') return { ok: false, reason: 'invalid' };
  const link = { alertId, action, recipient, expiresAt };
  return expiresAt < now ? { ok: false, reason: 'expired', link } : { ok: true, link };
}
