// Where the real services of the test run live. CI and developers use the local ones; these
// variables let a run point elsewhere.
export { TEST_POSTGRES_URL } from '@vigia/db/testing';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
