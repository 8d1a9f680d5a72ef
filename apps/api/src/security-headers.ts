import type { FastifyInstance } from 'fastify';

/**
 * The dashboard's Content-Security-Policy. The Vite build emits no inline script or style
 * element, and Svelte and uPlot set styles through the CSSOM (element.style), which a policy
 * does not govern, so nothing inline needs allowing. The favicon is a data: URI.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every response: no framing anywhere (clickjacking of the acknowledge buttons or the
 * dashboard), no MIME sniffing, no referrer to other sites. A route that sends its own policy
 * (the /act pages, stricter still) keeps it; everything else gets the dashboard's.
 */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DASHBOARD_CSP);
    done(null, payload);
  });
}
