import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Whole-system tests share two CPU cores with real services: one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
