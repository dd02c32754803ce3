/**
 * End-to-end harness: the stand-in CRM and the web renderer (Vite, web mode) on free ports of
 * 127.0.0.1, Debian Chromium through playwright-core, and a fresh page per test with its own
 * IndexedDB name (?db=) so tests never share local state. Each suite gets its own CRM and browser;
 * the dev server is the run's one (test/e2e/global-setup.ts), which has the app's modules
 * transformed already, unless a suite asks for its own.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import { startCrmServer, type CrmServer, type CrmServerOptions } from '../crm-server/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = resolve(ROOT, 'test-results/screenshots');
/** A module of this checkout as the Vite dev server serves it to the page (for import() in page scripts). */
export const fsUrl = (rel: string) => `/@fs${resolve(ROOT, rel)}`;
/** The browser the e2e suites drive: CHROMIUM_PATH, else the system Chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface E2EEnv {
  crm: CrmServer;
  /** The suite's own dev server; null when it uses the run's shared one (test/e2e/global-setup.ts). */
  web: ViteDevServer | null;
  webUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export interface StartOptions {
  crm?: CrmServerOptions;
  /**
   * Serve React's production build, as the packaged app ships it (for benches: React's development
   * build checks and records every element, which is most of a render's time). It sets NODE_ENV
   * for the rest of the process, which is how Vite's dev server picks it; a separate dependency
   * cache keeps it from re-optimizing the dev build other runs share.
   */
  production?: boolean;
  /**
   * Start a dev server of this suite's own instead of using the run's shared one: for a suite that
   * changes what the server answers through this process's environment (FIELDBOOK_DEMO_CRM_URL).
   */
  ownWebServer?: boolean;
}

/** The dev server test/e2e/global-setup.ts started for this run, if any (none under tsx, e.g. benches). */
function sharedWebUrl(): string {
  try {
    return inject('e2eWebUrl') ?? '';
  } catch {
    return '';
  }
}

async function startWebServer(production: boolean): Promise<{ web: ViteDevServer; webUrl: string }> {
  if (production) process.env.NODE_ENV = 'production';
  const web = await createServer({
    configFile: resolve(ROOT, 'vite.web.config.ts'),
    ...(production ? { cacheDir: resolve(ROOT, 'node_modules/.vite-web-production') } : {}),
    server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false },
    logLevel: 'warn',
  });
  await web.listen();
  const address = web.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report its port');
  return { web, webUrl: `http://127.0.0.1:${address.port}/` };
}

/** With its own dev server (production or asked for), the env has it. */
export async function startE2E(opts: StartOptions & ({ production: true } | { ownWebServer: true })): Promise<E2EEnv & { web: ViteDevServer }>;
export async function startE2E(opts?: StartOptions): Promise<E2EEnv>;
export async function startE2E(opts: StartOptions = {}): Promise<E2EEnv> {
  const crm = await startCrmServer({ port: 0, demo: true, ...opts.crm });
  const shared = opts.production || opts.ownWebServer ? '' : sharedWebUrl();
  const { web, webUrl } = shared ? { web: null, webUrl: shared } : await startWebServer(opts.production === true);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    crm, web, webUrl, browser,
    async close() {
      await browser.close();
      await web?.close();
      await crm.close();
    },
  };
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  dbName: string;
  /** Cut the browser off the network (navigator.onLine false, requests fail). */
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
  /** Errors the page threw or logged; tests assert it stays empty. */
  errors: string[];
}

export interface PageOptions {
  /** Sign in through the URL (?crm=&token=); default true. */
  signIn?: boolean;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** IANA zone the browser runs in (the app shows dates in it by default). */
  timezoneId?: string;
  /** Extra query parameters. */
  params?: Record<string, string>;
  /**
   * A profile directory on disk: the page's IndexedDB is then written to disk as in Electron (a
   * plain context is off the record, with IndexedDB in memory, where counts and reads cost far
   * less). The context runs in a browser of its own, closed with it.
   */
  userDataDir?: string;
  /**
   * How long the app holds a change for Undo before sending it (the app's `?undoMs=`). Suites
   * default to E2E_UNDO_MS, so a change made in the UI reaches the CRM without waiting out the
   * rep's 8 s; 'app' keeps the app's own window, for suites that test Undo and what its notice
   * offers while the change is held (Add reason).
   */
  undoMs?: number | 'app';
}

/** The undo window suites run with unless they ask for the app's own (PageOptions.undoMs). */
export const E2E_UNDO_MS = 2_000;

let pageSeq = 0;

export async function openApp(env: E2EEnv, opts: PageOptions = {}): Promise<AppPage> {
  const contextOptions = {
    viewport: opts.viewport ?? { width: 1360, height: 860 },
    colorScheme: opts.colorScheme ?? 'light',
    timezoneId: opts.timezoneId ?? 'Europe/Berlin',
    locale: 'en-GB',
    // axe-core is injected as a script; the app's CSP (script-src 'self') would refuse it.
    bypassCSP: true,
  } as const;
  const context = opts.userDataDir
    ? await chromium.launchPersistentContext(opts.userDataDir, { ...contextOptions, executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    : await env.browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  const dbName = `e2e-${process.pid}-${Date.now()}-${++pageSeq}`;
  const q = new URLSearchParams({ db: dbName, ...opts.params });
  if (opts.undoMs !== 'app' && !q.has('undoMs')) q.set('undoMs', String(opts.undoMs ?? E2E_UNDO_MS));
  if (opts.signIn !== false) {
    q.set('crm', env.crm.url);
    q.set('token', env.crm.token);
  }
  await page.goto(`${env.webUrl}?${q.toString()}`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return {
    page, context, dbName, errors,
    goOffline: async () => {
      // The dev server serves each view and dialog as its own module graph: they must all have
      // arrived (lazy-views.tsx preloads them on idle) before the network goes, as the rep's
      // installed app has them on disk.
      await page.waitForFunction(() => document.documentElement.dataset.parts === 'loaded', undefined, { timeout: 60_000 });
      await context.setOffline(true);
    },
    goOnline: () => context.setOffline(false),
  };
}

/** Click a navigation entry (Calendar, Overdue, Activities, Sync, Settings). */
export async function navigate(page: Page, view: 'Calendar' | 'Overdue' | 'Activities' | 'Sync' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: view }).waitFor();
}

/** Waits until the status bar says nothing is pending and no sync is running. */
export async function waitForSynced(page: Page, timeout = 30_000): Promise<void> {
  const bar = page.getByRole('status', { name: 'Sync status' });
  await bar.getByText('0 pending changes', { exact: true }).waitFor({ timeout });
  await bar.getByText('Syncing…').waitFor({ state: 'detached', timeout });
}

/** Waits until the first pull has filled the local store (the directory is there). */
export async function waitForFirstSync(page: Page, timeout = 30_000): Promise<void> {
  await page.getByRole('status', { name: 'Sync status' }).getByText(/^Synced /).waitFor({ timeout });
}

/** Waits until the offline directory (leads, customers, …, users) has been loaded after sign-in. */
export async function waitForDirectory(page: Page, timeout = 30_000): Promise<void> {
  await page.locator('html[data-directory="ready"]').waitFor({ state: 'attached', timeout });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  const has = await page.evaluate(() => 'axe' in window);
  if (!has) await page.addScriptTag({ path: resolve(ROOT, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** openApp, then wait for the first sync and the directory: a suite's signed-in, loaded page. */
export async function openSyncedApp(env: E2EEnv, opts?: PageOptions): Promise<AppPage> {
  const app = await openApp(env, opts);
  await waitForFirstSync(app.page);
  await waitForDirectory(app.page);
  return app;
}

/** A suite's teardown: the page threw or logged nothing, then page, servers and browser close. */
export async function closeChecked(app: AppPage | undefined, env: E2EEnv | undefined): Promise<void> {
  if (app) expect(app.errors).toEqual([]);
  await app?.context.close();
  await env?.close();
}
