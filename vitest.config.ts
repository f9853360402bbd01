import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests that load llama.cpp models compete for 2 cores; files run in forks, a few at a time.
    pool: 'forks',
    maxWorkers: 2,
  },
});
