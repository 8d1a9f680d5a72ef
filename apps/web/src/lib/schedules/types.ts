import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vigia/api';

type Out = inferRouterOutputs<AppRouter>;
export type OncallSchedule = Out['oncall']['schedules']['schedules'][number];
export type OncallShifts = Out['oncall']['shifts'];
/** Dates arrive as ISO strings (no transformer between the API and the browser). */
export type OncallOverride = { [K in keyof Out['oncall']['overrides'][number]]: Out['oncall']['overrides'][number][K] extends Date ? string : Out['oncall']['overrides'][number][K] };
export type OncallPerson = Out['oncall']['people'][number];
export type OncallDefinition = Out['oncall']['scheduleDefinitions'][number];
