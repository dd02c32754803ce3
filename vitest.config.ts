import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Vitest's default is one worker fewer than the cores: one on a 2-core machine, where the unit run
 * (the soak is a quarter of it, waiting on its servers) took 380 s; two workers took 204 s.
 */
const workers = Math.max(2, availableParallelism() - 1);

export const vitestConfig = defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
  },
});
export default vitestConfig;
