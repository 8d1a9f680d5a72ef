export * from './env.ts';
export * from './schema.ts';
export * from './load.ts';
export * from './probes.ts';
export * from './scrape.ts';
export * from './oncall.ts';
export * from './slos.ts';
export * from './status-page.ts';
