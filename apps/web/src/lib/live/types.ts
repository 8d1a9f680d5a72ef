import type { trpc } from '../trpc.ts';

export type MetricSample = Awaited<ReturnType<typeof trpc.metrics.current.query>>['metrics'][number];
export type SystemInfo = Awaited<ReturnType<typeof trpc.system.info.query>>;
