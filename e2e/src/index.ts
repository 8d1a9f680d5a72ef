export * from './stack.ts';
export * from './client.ts';
