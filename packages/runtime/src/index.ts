export * from './fatal.ts';
export * from './run-main.ts';
export * from './ensure-redis.ts';
export * from './data-dir-lock.ts';
