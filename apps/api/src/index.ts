export { startApi, WEB_DIST, type RunningApi, type ApiOptions } from './api.ts';
export type { AppRouter } from './root.ts';
