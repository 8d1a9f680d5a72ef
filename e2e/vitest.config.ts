import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Whole-system tests share two CPU cores with real services: one file at a time.
    fileParallelism: false,
    // Files run one after another in one process: each would otherwise import the whole system
    // again (134 s of 960 s in CI). Every file starts and stops its own stack, schema and keys.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
