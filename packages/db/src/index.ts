export * as schema from './schema/index.ts';
export * from './schema/index.ts';
export * from './client.ts';
export * from './history-store.ts';
export * from './rejection-counters.ts';
export * from './window-sums.ts';
export * from './uptime-history.ts';
export * from './status-incidents.ts';
