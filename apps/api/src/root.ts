import { alertsRouter } from './routers/alerts.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { channelsRouter } from './routers/channels.ts';
import { metricsRouter } from './routers/metrics.ts';
import { oncallRouter } from './routers/oncall.ts';
import { probesRouter } from './routers/probes.ts';
import { rulesRouter } from './routers/rules.ts';
import { maintenanceRouter, silencesRouter } from './routers/silences.ts';
import { slosRouter } from './routers/slos.ts';
import { systemRouter } from './routers/system.ts';
import { tokensRouter, usersRouter } from './routers/users.ts';
import { uptimeRouter } from './routers/uptime.ts';
import { statusPageRouter } from './routers/status-page.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  metrics: metricsRouter,
  system: systemRouter,
  alerts: alertsRouter,
  rules: rulesRouter,
  channels: channelsRouter,
  users: usersRouter,
  tokens: tokensRouter,
  silences: silencesRouter,
  maintenance: maintenanceRouter,
  audit: auditRouter,
  oncall: oncallRouter,
  slos: slosRouter,
  uptime: uptimeRouter,
  statusPage: statusPageRouter,
  probes: probesRouter,
});

/** The router's type is all the web app and the typed client import from the API. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
