export * from './duration.ts';
export * from './series-key.ts';
export * from './resolution.ts';
export * from './prometheus-name.ts';
export * from './alerting/index.ts';
export * from './slo.ts';
export * from './uptime.ts';
export * from './status-page.ts';
