import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundContext, InboundRequest, InboundResponse, InboundRoute } from '@vigia/plugin-sdk';

/** Slack refuses requests older than five minutes; so does Vigia (replay protection). */
const MAX_AGE_S = 5 * 60;

/** Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Why a request that claims to come from Slack is refused (forged, stale or replayed), or null
 * when it is genuine and new. The raw body is what was signed.
 */
export async function slackRefusal(ctx: Pick<InboundContext, 'firstSeen'>, secret: string, request: InboundRequest): Promise<string | null> {
  const timestamp = request.headers['x-slack-request-timestamp'] ?? '';
  const signature = request.headers['x-slack-signature'] ?? '';
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!/^\d+$/.test(timestamp) || !(age <= MAX_AGE_S) || !sameSignature(signature, slackSignature(secret, timestamp, request.rawBody))) return 'invalid or expired Slack signature';
  // Kept twice the accepted age, so a copy replayed at the edge of the window is still caught.
  const fresh = await ctx.firstSeen(signature, MAX_AGE_S * 2 * 1000);
  return fresh ? null : 'this request was already received (replay)';
}

/**
 * A route that answers only Slack: 404 while SLACK_SIGNING_SECRET is unset (the feature is off),
 * 401 for a request `slackRefusal` turns away; `handle` sees genuine, new requests only.
 */
export function signedRoute(ctx: InboundContext, route: { path: string; bodyLimit: number; feature: string }, handle: (request: InboundRequest) => Promise<InboundResponse>): InboundRoute {
  return {
    method: 'POST',
    path: route.path,
    bodyLimit: route.bodyLimit,
    async handle(request) {
      const secret = ctx.signingSecret;
      if (!secret) return { status: 404, body: { error: `${route.feature} are off: set SLACK_SIGNING_SECRET` } };
      const refusal = await slackRefusal(ctx, secret, request);
      if (refusal) return { status: 401, body: { error: refusal } };
      return handle(request);
    },
  };
}
