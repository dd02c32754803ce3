/**
 * One Vite dev server (web mode) for the whole e2e run, shared by every suite's startE2E(). Each
 * suite used to start its own: a cold dev server transforms the app's module graph again on the
 * first page load and again on each lazily loaded view, which cost a suite tens of seconds of
 * CPU before its first assertion. The server keeps its transformed modules in memory, so after
 * the first suite every page load is served from that cache. Suites still get their own CRM,
 * browser, context and IndexedDB name each; only the static app is shared. The run's folder holds
 * the one production build the preview suites share (web-preview.ts), removed here at the end.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared dev server's address (ending in '/'), or '' when none was started. */
    e2eWebUrl: string;
    /** A folder for this run's shared files (test/e2e/web-preview.ts notes its one build there). */
    e2eRunDir: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
/** A file in the run's folder naming a production build's folder (web-preview.ts), removed at the end. */
export const BUILD_NOTE = 'web-build-';

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const web = await createServer({
    configFile: resolve(ROOT, 'vite.web.config.ts'),
    server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false },
    logLevel: 'warn',
  });
  await web.listen();
  const address = web.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report its port');
  project.provide('e2eWebUrl', `http://127.0.0.1:${address.port}/`);
  const runDir = mkdtempSync(join(tmpdir(), 'fieldbook-e2e-run-'));
  project.provide('e2eRunDir', runDir);
  return async () => {
    await web.close();
    for (const note of readdirSync(runDir).filter((f) => f.startsWith(BUILD_NOTE))) {
      rmSync(readFileSync(join(runDir, note), 'utf8'), { recursive: true, force: true });
    }
    rmSync(runDir, { recursive: true, force: true });
  };
}
