import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/** End-to-end suites: one browser-driving file at a time (the machine is shared). */
export const e2eConfig = defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    // One dev server for the run, shared by every suite's startE2E() (see the file).
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
// eslint-disable-next-line no-restricted-syntax -- vitest reads the config's default export
export default e2eConfig;
