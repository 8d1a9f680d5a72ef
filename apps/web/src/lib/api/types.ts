import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vigia/api';

type Out = inferRouterOutputs<AppRouter>;
type In = inferRouterInputs<AppRouter>;

/**
 * No transformer sits between the API and the browser, so every Date the server types promises
 * arrives as an ISO string. Reading them through this type keeps the compiler honest about that.
 */
export type Wire<T> = T extends Date ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export type Alert = Wire<Out['alerts']['list'][number]>;
export type AlertDetail = Wire<Out['alerts']['get']>;
export type AlertEventRow = AlertDetail['events'][number];
export type DeliveryRow = AlertDetail['deliveries'][number];
export type NotificationRow = AlertDetail['notifications'][number];
export type AlertStatus = Alert['status'];
export type Rule = Wire<Out['rules']['list'][number]>;
export type RuleState = Rule['state'];
export type Channel = Wire<Out['channels']['list'][number]>;
export type ChannelTestOutcome = Out['channels']['test'];
export type MetricInfo = Out['metrics']['list'][number];
export type MetricSample = Out['metrics']['current']['metrics'][number];
export type Collector = Wire<Out['system']['collectors'][number]>;
export type SystemInfo = Wire<Out['system']['info']>;
export type UserActivity = Out['system']['userActivity'];
export type UserRow = Wire<Out['users']['list'][number]>;
export type TokenRow = Wire<Out['tokens']['list'][number]>;
export type CreatedToken = Out['tokens']['create'];
export type Role = UserRow['role'];

/** What `alerts.live` sends: one transition of one alert. */
export type AlertLiveEvent = Out['alerts']['live'] extends AsyncIterable<infer E> ? (E extends { data: infer D } ? D : E) : never;

/** ms since the epoch from whatever the wire carried (ISO string, number, Date), null for none. */
export function ms(value: string | number | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const t = typeof value === 'number' ? value : new Date(value).getTime();
  return Number.isFinite(t) ? t : null;
}
export type BacktestResult = Out['rules']['backtest'];
export type Silence = Wire<Out['silences']['list'][number]>;
export type SilenceInput = In['silences']['create'];
export type Matchers = Silence['matchers'];
export type MaintenanceWindow = Wire<Out['maintenance']['list'][number]>;
export type MaintenanceInput = In['maintenance']['create'];
export type WindowSchedule = MaintenanceWindow['schedule'];
export type AuditRow = Wire<Out['audit']['list'][number]>;
export type ChannelPreview = Wire<Out['channels']['preview']>;
export type Slo = Wire<Out['slos']['list'][number]>;
export type SloBurnDown = Out['slos']['burnDown'];
export type ProbeUptime = Out['uptime']['list'][number];
export type StatusIncident = Wire<Out['statusPage']['incidents'][number]>;
export type StatusPageSettings = Out['statusPage']['config'];
export type ProbeRow = Wire<Out['probes']['list'][number]>;
