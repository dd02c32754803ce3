/**
 * Issue 12: launch → interactive Calendar at 100 000 activities, and the JS heap after opening
 * every view, on the production web build (vite build, served by vite preview) in Debian Chromium
 * with IndexedDB on disk.
 *
 * The store is filled first through the dev server (a signed-in first sync, then
 * test/bench/search-seed.ts writes N activities into the app's own database), which then makes
 * way for the production build on the same origin (same port), so the build opens that store.
 * The CRM is out of reach while measuring (the seeded rows are not on it: a pull would sweep them).
 *
 * - Launch: a fresh page navigates to the app; from navigation start (performance.now() = 0) to
 *   the first Calendar event on screen (eventsMs) and, with a click on "Next week" sent at once,
 *   to the frame after the calendar's title answered it (interactiveMs). BENCH_LAUNCH_RUNS
 *   launches (default 3) after one unmeasured warm-up launch (it notes the reminders missed
 *   while closed, which would open Overdue); the goal is on their median.
 * - Heap: after the last launch every view is opened once, then a full GC (CDP
 *   HeapProfiler.collectGarbage) and the page's used JS heap (Runtime.getHeapUsage). The sync
 *   worker's own heap is not included (Playwright gives no CDP session for a dedicated worker).
 *
 * BENCH_ONLY=launch; BENCH_LAUNCH_N sets N (default 100 000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fsUrl, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync } from '../e2e/harness.ts';
import type * as SeedModule from './search-seed.ts';
import { goal } from './goals.ts';
import { VIEWS } from './search-browser.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const progress = (msg: string) => process.stderr.write(`[launch-browser] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);


interface LaunchProbe { eventsAt: number | null; clickAt: number | null; titleAtClick: string | null; answeredAt: number | null }

/** Installed before the app's first script (plain JS: see ui-responsiveness.ts). */
const PROBE = `(() => {
  const s = { eventsAt: null, clickAt: null, titleAtClick: null, answeredAt: null };
  window.__launch = s;
  const title = () => document.querySelector('.fb-cal-title')?.textContent ?? null;
  const check = () => {
    if (s.eventsAt === null && document.querySelector(${JSON.stringify(VIEWS.Calendar)})) {
      requestAnimationFrame(() => { if (s.eventsAt === null) s.eventsAt = performance.now(); });
    }
    if (s.clickAt !== null && s.answeredAt === null && title() !== s.titleAtClick) {
      requestAnimationFrame(() => { if (s.answeredAt === null) s.answeredAt = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('pointerdown', (e) => {
    if (s.clickAt === null) { s.clickAt = e.timeStamp; s.titleAtClick = title(); }
  }, true);
})();`;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)] ?? NaN; };

async function launchOnce(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __launch: LaunchProbe }).__launch.eventsAt !== null, null, { timeout: 120_000, polling: 50 });
  // The click goes in through the browser's input pipeline at the button's place, at once.
  const next = page.locator('.fb-cal-nav button[aria-label^="Next"]');
  const box = await next.boundingBox({ timeout: 30_000 }).catch(async (e: unknown) => {
    await screenshot(page, 'bench-launch-no-next');
    throw e;
  });
  if (!box) throw new Error('no Next button');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => (window as unknown as { __launch: LaunchProbe }).__launch.answeredAt !== null, null, { timeout: 60_000, polling: 50 }).catch(async (e: unknown) => {
    const state = await page.evaluate(() => ({ probe: (window as unknown as { __launch: LaunchProbe }).__launch, title: document.querySelector('.fb-cal-title')?.textContent }));
    await screenshot(page, 'bench-launch-no-answer');
    throw new Error(`the click on Next got no answer: ${JSON.stringify(state)}; errors ${JSON.stringify(errors)}`, { cause: e });
  });
  const probe = await page.evaluate(() => (window as unknown as { __launch: LaunchProbe }).__launch);
  return { page, errors, eventsMs: round(probe.eventsAt ?? NaN), clickSentMs: round(probe.clickAt ?? NaN), interactiveMs: round(probe.answeredAt ?? NaN) };
}

async function heapAfterEveryView(context: BrowserContext, page: Page) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const opened: Record<string, number> = {};
  for (const [view, selector] of Object.entries(VIEWS)) {
    const t0 = Date.now();
    await nav.getByRole('button', { name: view, exact: true }).click();
    await page.locator(selector).first().waitFor({ timeout: 120_000 });
    opened[view] = Date.now() - t0;
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return { usedMB: round(heap.usedSize / 2 ** 20), totalMB: round(heap.totalSize / 2 ** 20), openedViewsMs: opened };
}

export async function launchBench() {
  const n = process.env.BENCH_LAUNCH_N ? Number(process.env.BENCH_LAUNCH_N) : 100_000;
  const runs = Number(process.env.BENCH_LAUNCH_RUNS ?? 3);
  const env = await startE2E({ production: true });
  const profileDir = await mkdtemp(resolve(tmpdir(), 'fieldbook-launch-'));
  const outDir = await mkdtemp(resolve(tmpdir(), 'fieldbook-launch-build-'));
  const port = Number(new URL(env.webUrl).port);
  let server: Awaited<ReturnType<typeof preview>> | null = null;
  let webClosed = false;
  try {
    // 1. A signed-in store on disk, filled to N (dev server: it serves the seeding module).
    const app = await openApp(env, { userDataDir: profileDir });
    await app.page.evaluate('globalThis.__name = (f) => f;');
    await waitForFirstSync(app.page, 120_000);
    await waitForDirectory(app.page, 120_000);
    progress(`seeding ${n} activities`);
    const seeded = await app.page.evaluate(async ({ url, dbName, n, userId }) => {
      const m = (await import(/* @vite-ignore */ url)) as typeof SeedModule;
      return m.seedActivities({ dbName, n, nowMs: Date.now(), userId });
    }, { url: fsUrl('test/bench/search-seed.ts'), dbName: app.dbName, n, userId: GUIDE_IDS.jane });
    await app.context.close();

    // 2. The production build, served on the same origin (so it opens the same store).
    progress('building the production web app');
    const t0 = Date.now();
    await build({ configFile: resolve(ROOT, 'vite.web.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
    const buildMs = Date.now() - t0;
    await env.web.close();
    webClosed = true;
    server = await preview({ configFile: resolve(ROOT, 'vite.web.config.ts'), build: { outDir }, preview: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'warn' });

    // 3. Launches, CRM out of reach.
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport: { width: 1360, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/Berlin',
    });
    try {
      await context.route(`${env.crm.url}/**`, (route) => route.abort('internetdisconnected'));
      await context.addInitScript({ content: PROBE });
      const url = `http://127.0.0.1:${port}/?${new URLSearchParams({ db: app.dbName, crm: env.crm.url, token: env.crm.token }).toString()}`;
      // One unmeasured launch first: it takes note of the reminders that came due while the app
      // was closed (the seeded past), which on a start open Overdue instead of the Calendar.
      progress('warm-up launch (missed reminders noted)');
      const warm = await context.newPage();
      await warm.goto(url);
      await warm.getByText(/came due while Fieldbook was closed/).first().waitFor({ timeout: 60_000 }).catch(() => undefined);
      await warm.close();
      const launches: Awaited<ReturnType<typeof launchOnce>>[] = [];
      for (let i = 0; i < runs; i++) {
        progress(`launch ${i + 1} of ${runs}`);
        const l = await launchOnce(context, url);
        launches.push(l);
        if (i < runs - 1) await l.page.close();
      }
      const last = launches[launches.length - 1];
      if (!last) throw new Error('no launch');
      progress('opening every view for the heap figure');
      const heap = await heapAfterEveryView(context, last.page);
      const interactive = median(launches.map((l) => l.interactiveMs));
      return {
        environment: 'Debian Chromium (playwright-core), profile on disk; production web build (vite build + vite preview, service worker on), CRM unreachable',
        activities: seeded.rows, seed: seeded, buildMs,
        launches: launches.map(({ eventsMs, clickSentMs, interactiveMs }) => ({ eventsMs, clickSentMs, interactiveMs })),
        launchToInteractiveCalendarMs: { median: interactive, note: 'navigation start → the frame after the title answered a click on Next, sent as soon as the first event was on screen' },
        heapAfterEveryView: { ...heap, note: 'page main thread after HeapProfiler.collectGarbage (the sync worker\'s heap is separate and not included)' },
        pageErrors: launches.flatMap((l) => l.errors),
        goals: [
          goal('launch.toInteractiveCalendarMs', interactive, { atMost: 1000 }, 'ms'),
          goal('launch.heapAfterEveryViewMB', heap.usedMB, { atMost: 150 }, 'MB'),
        ],
      };
    } finally {
      await context.close();
    }
  } finally {
    await server?.close();
    if (!webClosed) await env.web.close();
    await env.browser.close();
    await env.crm.close();
    await rm(profileDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}
