import { defineConfig } from 'vitest/config';

/**
 * Tests that compare the real speed of two models (the demo, `ab`, the README walkthrough, the action's
 * A/B run) must not share the 2 cores with other test files: they run afterwards, one file at a time.
 */
const SPEED = ['__tests__/cli-compare.test.ts', '__tests__/readme.test.ts', '__tests__/action-bundle.test.ts'];
/**
 * Tests against llama.cpp's own tools (llama-server, llama-bench), built by `npm run peers:build`
 * (scripts/build-llama-tools.sh): they start real servers and skip, saying why, when the tools are not built.
 * One file at a time: `vitest run --project real`.
 */
const REAL = ['__tests__/real/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['__tests__/**/*.test.ts'], exclude: [...SPEED, ...REAL] } },
      { extends: true, test: { name: 'speed', include: SPEED } },
      { extends: true, test: { name: 'real', include: REAL, fileParallelism: false } },
    ],
  },
});
