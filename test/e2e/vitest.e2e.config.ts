import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end suites, E2E_WORKERS files at a time (default 2). Each suite has its own CRM, browser
 * and ports, and only the dev server (global-setup.ts) is shared, so two files run at once. A suite
 * spends most of its time waiting (on the browser, the CRM, the dev server): on this 2-core machine,
 * quiet, the 24 files took 498 s one at a time and 337 s two at a time (CPU 3.1 min either way).
 * E2E_WORKERS=1 runs them one by one (a heavily loaded machine, or to read one suite's timing).
 */
const workers = Math.max(1, Number(process.env.E2E_WORKERS ?? 2) || 1);

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
