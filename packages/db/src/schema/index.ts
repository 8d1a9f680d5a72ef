export * from './samples.ts';
export * from './auth.ts';
export * from './alerts.ts';
export * from './counters.ts';
export * from './oncall.ts';
export * from './status-page.ts';
export * from './probes.ts';
export * from './slos.ts';
