export * from './schedule.ts';
export * from './wall-clock.ts';
export * from './rotation.ts';
export * from './on-call.ts';
