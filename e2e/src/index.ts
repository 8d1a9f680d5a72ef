export * from './stack.ts';
export * from './client.ts';
export * from './browser.ts';
export * from './sample-feed.ts';
export * from './hot-rooms.ts';
