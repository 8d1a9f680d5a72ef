export * from './keys.ts';
export * from './connection.ts';
export * from './sample-writer.ts';
export * from './sample-reader.ts';
export * from './live-feed.ts';
export * from './collector-health.ts';
export * from './queues.ts';
export * from './open-queue.ts';
