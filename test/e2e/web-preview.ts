/**
 * The production web build served by Vite's preview server on 127.0.0.1, for the suites that test
 * what ships (the offline shell's service worker, the code-split chunks). Built the way the bundle
 * bench builds it (test/bench/bundle.ts buildWeb: React's production build, manifest on), once per
 * e2e run: the first suite that asks builds it and notes where (in the run's folder that
 * test/e2e/global-setup.ts made, which removes the build at the end); later suites serve the same
 * files. Outside such a run each call builds its own and removes it on close.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';
import { preview } from 'vite';
import { buildWeb } from '../bench/bundle.ts';
import { startCrmServer, type CrmServer } from '../crm-server/index.ts';
import { BUILD_NOTE } from './global-setup.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness.ts';

export interface WebPreview {
  /** The app's address, ending in '/'. */
  url: string;
  close(): Promise<void>;
}

/** The run's folder from global-setup.ts, or '' outside an e2e run. */
function runDir(): string {
  try {
    return inject('e2eRunDir') ?? '';
  } catch {
    return '';
  }
}

/** The run's production build: built by the first caller, then the same folder for every suite. */
async function runBuild(): Promise<{ outDir: string; owned: boolean }> {
  const dir = runDir();
  if (!dir) return { outDir: await buildWeb(), owned: true };
  // One note per build (web-build-<pid>): suites in two workers at once may each build one.
  for (const note of readdirSync(dir).filter((f) => f.startsWith(BUILD_NOTE))) {
    const outDir = readFileSync(join(dir, note), 'utf8');
    if (existsSync(join(outDir, 'index.html'))) return { outDir, owned: false };
  }
  const outDir = await buildWeb();
  writeFileSync(join(dir, `${BUILD_NOTE}${process.pid}`), outDir);
  return { outDir, owned: false };
}

export async function serveWebBuild(): Promise<WebPreview> {
  const { outDir, owned } = await runBuild();
  const server = await preview({ configFile: 'vite.web.config.ts', logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: async () => {
      await new Promise<void>((r) => { server.httpServer.close(() => r()); });
      if (owned) rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** What a suite on the production build runs against: the preview, a demo CRM and a browser. */
export interface WebE2EEnv {
  /** The app's address, ending in '/'. */
  webUrl: string;
  crm: CrmServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWebE2E(): Promise<WebE2EEnv> {
  const web = await serveWebBuild();
  const crm = await startCrmServer({ port: 0, demo: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    webUrl: web.url, crm, browser,
    async close() {
      await browser.close();
      await crm.close();
      await web.close();
    },
  };
}
