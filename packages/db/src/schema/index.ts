export * from './samples.ts';
export * from './auth.ts';
