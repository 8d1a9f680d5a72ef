import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vigia/api';

type Out = inferRouterOutputs<AppRouter>;
export type OncallSchedule = Out['oncall']['schedules']['schedules'][number];
export type OncallShifts = Out['oncall']['shifts'];
