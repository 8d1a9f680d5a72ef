export * from './sample.ts';
export * from './collector.ts';
export * from './notifier.ts';
export * from './errors.ts';
export * from './harness.ts';
export * from './http.ts';
export * from './notification-wording.ts';
export * from './duration.ts';
