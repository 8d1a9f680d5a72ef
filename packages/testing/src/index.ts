export * from './services.ts';
export * from './database.ts';
export * from './redis.ts';
export * from './wait.ts';
