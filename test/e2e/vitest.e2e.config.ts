import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end suites, E2E_WORKERS files at a time (default 1). Each suite has its own CRM, browser
 * and ports, and only the dev server (global-setup.ts) is shared, so E2E_WORKERS=2 runs two files
 * at once; on a loaded 2-core machine that was not measured faster (timing-sensitive suites slow
 * down), so one at a time stays the default.
 */
const workers = Math.max(1, Number(process.env.E2E_WORKERS ?? 1) || 1);

export const e2eConfig = defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    // One dev server for the run, shared by every suite's startE2E() (see the file).
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: workers > 1,
    maxWorkers: workers,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
// eslint-disable-next-line no-restricted-syntax -- vitest reads the config's default export
export default e2eConfig;
