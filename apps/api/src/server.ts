import fastifyCookie from '@fastify/cookie';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Notifier } from '@vigia/plugin-sdk';
import { createContext } from './context.ts';
import type { ApiDeps } from './deps.ts';
import { healthRoute } from './health.ts';
import { notifierInboundRoutes } from './inbound/inbound-routes.ts';
import { prometheusRoute } from './prometheus.ts';
import { countRefusedPush, isPush, refusalOf } from './push-refusals.ts';
import { actionLinkRoutes } from './rest/action-links.ts';
import { alertsRoutes } from './rest/alerts-routes.ts';
import { statusIncidentsRoutes } from './rest/status-incidents-routes.ts';
import { metricsRoutes } from './rest/metrics-routes.ts';
import { oncallCalendarRoutes } from './rest/oncall-calendar.ts';
import { promqlRoutes } from './rest/promql-routes.ts';
import { receiveRoutes } from './rest/receive-routes.ts';
import { slosRoutes } from './rest/slos-routes.ts';
import { systemRoutes } from './rest/system-routes.ts';
import { uptimeRoutes } from './rest/uptime-routes.ts';
import { appRouter, type AppRouter } from './root.ts';
import { securityHeaders } from './security-headers.ts';
import { statusPageRoutes } from './status/status-routes.ts';
import { staticSpa } from './static-spa.ts';

/**
 * One HTTP server: tRPC at /trpc, the seed's REST API at /api, the notifiers' inbound routes at
 * /api/integrations, /metrics, /healthz and the dashboard.
 */
export async function buildServer(deps: ApiDeps, webDist: string, notifiers: Iterable<Notifier> = []): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 8 * 1024 * 1024,
    // X-Forwarded-For only from the proxies VIGIA_TRUST_PROXY names: from anyone else it would let a client pick its address.
    trustProxy: deps.config.server.trustProxy.length ? deps.config.server.trustProxy : false,
    // Live subscriptions never end on their own: closing the server must end them.
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 500 },
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (reply.statusCode >= 500) deps.logger.warn('request failed', { method: req.method, url: req.url.split('?')[0], status: reply.statusCode });
    done();
  });
  securityHeaders(app);
  // Fastify's own refusals (malformed JSON, body too large) in the same shape as every other error.
  app.setErrorHandler(async (error: Error & { statusCode?: number }, req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) deps.logger.error('request failed', { method: req.method, url: req.url.split('?')[0], error: error.message });
    if (isPush(req.method, req.url)) await countRefusedPush(deps, refusalOf(status));
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : error.message });
  });
  await app.register(fastifyCookie);
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => createContext(deps, req, res),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error('procedure failed', { path, error: error.cause?.message ?? error.message });
        if (path === 'metrics.push') void countRefusedPush(deps, refusalOf(getHTTPStatusCodeFromError(error)));
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  healthRoute(app, deps);
  const prometheus = prometheusRoute(app, deps);
  app.addHook('onClose', () => prometheus.close());
  metricsRoutes(app, deps);
  await receiveRoutes(app, deps);
  await promqlRoutes(app, deps);
  systemRoutes(app, deps);
  alertsRoutes(app, deps);
  oncallCalendarRoutes(app, deps);
  slosRoutes(app, deps);
  uptimeRoutes(app, deps);
  actionLinkRoutes(app, deps, deps.secretKey);
  statusPageRoutes(app, deps);
  statusIncidentsRoutes(app, deps);
  notifierInboundRoutes(app, deps, notifiers);
  await staticSpa(app, webDist);
  return app;
}
