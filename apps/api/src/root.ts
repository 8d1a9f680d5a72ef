import { authRouter } from './routers/auth.ts';
import { metricsRouter } from './routers/metrics.ts';
import { systemRouter } from './routers/system.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  metrics: metricsRouter,
  system: systemRouter,
});

/** The router's type is all the web app and the typed client import from the API. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
