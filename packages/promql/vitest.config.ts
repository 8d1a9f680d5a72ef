import { defineConfig } from 'vitest/config';

// These tests use real PostgreSQL, PGlite, Redis or local servers on two cores shared with
// whatever else runs: bounds generous enough that a busy machine is slow, not failing.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
