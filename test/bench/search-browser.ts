/**
 * Issue 5 in a real browser: the app in web mode (Vite) in Debian Chromium, 100 000 activities in
 * the app's own IndexedDB, a rep typing in the Activities search box and opening the views.
 *
 * - Typing: keys go in through the keyboard, one character every CADENCE_MS (a brisk typist). Per
 *   keystroke, the time from its keydown to the frame after the list rendered the result for that
 *   input (or for a later one: a result the rep already typed past is never shown). The list says
 *   which search it answers in tbody[data-search].
 * - Views: the time from the nav click to the frame after the view shows its rows, each opened
 *   from a settled app (no IndexedDB transaction open, main thread idle): its own opening, not the
 *   tail of reads the view before it left running.
 * - Queries: overdue queue and calendar week in the page, each against a bare Dexie index read of
 *   the same rows (the "≤ 1.5×" check), and search query time alone (to split query from render).
 *
 * The CRM is unreachable while measuring (requests to it fail), so no sync run touches the store.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { fsUrl, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync } from '../e2e/harness.ts';
import { goal } from './goals.ts';
import type * as DbModule from '../../shared/sync/db.ts';
import type * as QueriesModule from '../../shared/sync/queries.ts';
import type * as SeedModule from './search-seed.ts';


/**
 * The browser benches run React's production build, as the packaged app does (BENCH_REACT=development
 * for the development build, whose per-element checks multiply render times).
 */
export const REACT_PRODUCTION = process.env.BENCH_REACT !== 'development';
export const REACT_BUILD_NOTE = `React ${REACT_PRODUCTION ? 'production' : 'development'} build`;

const CADENCE_MS = 150;
/** Realistic searches over the seeded words (test/bench/search-seed.ts): common, rare, 2–3 words. */
export const SEARCHES = [
  'pricing proposal',
  'customer budget',
  'kickoff implementation',
  'demo sap integration',
  'renewal hartmann',
  'weber munich',
  'follow timeline',
  'koehler dresden',
];
/** What each view shows once drawn (launch-browser.ts waits for the same). */
export const VIEWS = {
  Calendar: '.fb-cal-wrap[aria-busy="false"] .fc-event',
  Overdue: '[role="listbox"][aria-busy="false"] [role="option"]',
  Activities: '.table-wrap[aria-busy="false"] tbody tr',
  Review: 'table.load-table tbody tr',
  Billable: 'table.billable-table tbody tr',
  // No activity rows: the sync state and the settings, drawn.
  Sync: 'section[aria-labelledby="conflicts-title"]',
  Settings: 'section[aria-labelledby="set-crm"]',
} as const;
const VIEW_NAMES = Object.keys(VIEWS) as ViewName[];
type ViewName = keyof typeof VIEWS;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN) * 10) / 10;
};
const stats = (xs: number[]) => ({ samples: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), max: pct(xs, 100) });

/** Page-side state the probes below share (installed once). */
interface BenchWindow {
  __bench: {
    /** Per keystroke: keydown time, the box's value after it, when the list showed it, when the box did. */
    keys: { t0: number; value?: string; ms?: number; echoMs?: number }[];
    measuring: boolean;
    view?: Promise<number>;
  };
}

async function installKeystrokeProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    const b: BenchWindow['__bench'] = { keys: [], measuring: false };
    w.__bench = b;
    const isBox = (t: EventTarget | null): t is HTMLInputElement => t instanceof HTMLInputElement && t.id === 'act-search';
    // keydown's timeStamp is when the browser took the key, before any app code ran.
    document.addEventListener('keydown', (e) => { if (b.measuring && isBox(e.target)) b.keys.push({ t0: e.timeStamp }); }, true);
    document.addEventListener('input', (e) => {
      const k = b.keys.at(-1);
      if (b.measuring && isBox(e.target) && k && k.value === undefined) {
        k.value = e.target.value;
        // The frame after the input event: the typed character is on screen.
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => { k.echoMs = performance.now() - k.t0; };
          ch.port2.postMessage(null);
        });
      }
    }, true);
    let shown: string | undefined;
    new MutationObserver(() => {
      const rendered = document.querySelector<HTMLElement>('.table-wrap tbody')?.dataset.search;
      if (rendered === undefined || rendered === shown) return;
      shown = rendered;
      const last = b.keys.findLastIndex((k) => k.value === rendered);
      if (last < 0) return;
      // After the next frame: layout and paint of the new rows are included.
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          const t = performance.now();
          for (const k of b.keys.slice(0, last + 1)) if (k.ms === undefined) k.ms = t - k.t0;
        };
        ch.port2.postMessage(null);
      });
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-search'] });
  });
}

/** Types one search, a key at a time, then waits until the list shows it; returns per-key ms. */
async function typeSearch(page: Page, text: string): Promise<{ value: string; ms: number; echoMs: number }[]> {
  const box = page.locator('#act-search');
  await box.click();
  await page.evaluate(() => { const b = (window as unknown as BenchWindow).__bench; b.keys = []; b.measuring = true; });
  for (const ch of text) {
    await page.keyboard.type(ch);
    // Pacing, not synchronisation: a rep's next key comes when it comes, whatever the screen shows.
    await pause(CADENCE_MS);
  }
  await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.keys.every((k) => k.ms !== undefined && k.echoMs !== undefined), undefined, { timeout: 60_000 });
  const ms = await page.evaluate(() => {
    const b = (window as unknown as BenchWindow).__bench;
    b.measuring = false;
    return b.keys.map((k) => ({ value: k.value ?? '', ms: k.ms ?? NaN, echoMs: k.echoMs ?? NaN }));
  });
  // Clear for the next search (not measured) and wait for the unfiltered list.
  await box.fill('');
  await page.locator('.table-wrap[aria-busy="false"] tbody[data-search=""] tr').first().waitFor({ timeout: 60_000 });
  return ms;
}

/**
 * Counts the page's IndexedDB transactions still at work (window.__idbOpenTx): each one a request
 * was made in, until it completes (Dexie opens its transactions through its own references, so
 * requests are what can be watched). A view is opened from a settled app, so what is measured is
 * its own opening, not the tail of reads the view before it left running (a rep looks at a view
 * before the next click; the bench would not).
 */
async function installStoreProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __idbOpenTx: number; __idbLastTxMs: number };
    w.__idbOpenTx = 0;
    w.__idbLastTxMs = performance.now();
    const active = new WeakSet<IDBTransaction>();
    const track = (tx: IDBTransaction) => {
      if (active.has(tx)) return;
      active.add(tx);
      w.__idbOpenTx++;
      w.__idbLastTxMs = performance.now();
      const done = () => { w.__idbOpenTx--; w.__idbLastTxMs = performance.now(); };
      tx.addEventListener('complete', done);
      tx.addEventListener('abort', done);
    };
    const METHODS = ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor', 'put', 'add', 'delete', 'clear'];
    const wrap = (proto: object, storeOf: (self: never) => IDBObjectStore) => {
      const methods = proto as Record<string, unknown>;
      for (const m of METHODS) {
        const f = methods[m];
        if (typeof f !== 'function') continue;
        methods[m] = function (this: never, ...args: unknown[]) {
          track(storeOf(this).transaction);
          return (f as (...a: unknown[]) => unknown).apply(this, args);
        };
      }
    };
    wrap(IDBObjectStore.prototype, (self: IDBObjectStore) => self);
    wrap(IDBIndex.prototype, (self: IDBIndex) => self.objectStore);
  });
}

/** Quiet this long (no transaction opened or closed) counts as settled: a view's next read may start a frame after its last. */
const SETTLED_MS = 150;

/** Until no transaction of the page has been open for SETTLED_MS and its main thread is idle. */
async function settle(page: Page): Promise<void> {
  await page.evaluate((quietMs) => new Promise<void>((resolve, reject) => {
    const w = window as unknown as { __idbOpenTx: number; __idbLastTxMs: number };
    const give = setTimeout(() => reject(new Error(`the page did not settle: ${w.__idbOpenTx} transactions open`)), 30_000);
    const check = () => requestIdleCallback(() => {
      if (w.__idbOpenTx > 0 || performance.now() - w.__idbLastTxMs < quietMs) { check(); return; }
      clearTimeout(give);
      resolve();
    });
    check();
  }), SETTLED_MS);
}

/** Clicks a view's nav entry; the time from the click to the frame after its rows are there. */
async function openView(page: Page, view: ViewName): Promise<number> {
  await page.evaluate((selector) => {
    const b = (window as unknown as BenchWindow).__bench;
    b.view = new Promise<number>((resolveView) => {
      let t0: number | undefined;
      const obs = new MutationObserver(() => {
        if (t0 === undefined || !document.querySelector(selector)) return;
        obs.disconnect();
        const start = t0;
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolveView(performance.now() - start);
          ch.port2.postMessage(null);
        });
      });
      document.addEventListener('click', (e) => { t0 = e.timeStamp; }, { capture: true, once: true });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  }, VIEWS[view]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view, exact: true }).click();
  return page.evaluate(() => (window as unknown as BenchWindow).__bench.view ?? Promise.reject(new Error('no view probe')));
}

interface QueryPair { rows: number; oursMs: number; bareMs: number; bareRows: number; floor: string }
interface InPageQueryTimes {
  overdueMine: QueryPair;
  overdueAll: QueryPair;
  calendarWeek: QueryPair;
  searchQueryMs: number[];
  /** The same prefixes as the list asks them by default (the rep's own, upcoming first). */
  mineUpcomingMs: number[];
  /** The weekly review's read (medians of 5): whole, its rows alone, the overdue count alone. */
  review: { weeklyReviewOfMs: number; reviewRowsMs: number; overdueCountMs: number; rows: number };
}

/** The store's queries timed in the page, against bare Dexie reads of the same rows. */
async function inPageQueries(page: Page, dbName: string, userId: string, searches: readonly string[]): Promise<InPageQueryTimes> {
  return page.evaluate(async ({ dbUrl, queriesUrl, dbName, userId, searches }) => {
    const { FieldbookDB } = (await import(/* @vite-ignore */ dbUrl)) as typeof DbModule;
    const q = (await import(/* @vite-ignore */ queriesUrl)) as typeof QueriesModule;
    const db = new FieldbookDB(dbName);
    const med = (xs: number[]) => Math.round(([...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN) * 10) / 10;
    /** Ours and the floor, alternately (so load on the machine hits both alike), medians of 9. */
    const pair = async (ours: () => Promise<unknown[]>, bare: () => Promise<unknown[]>, floor: string) => {
      const rows = (await ours()).length;
      const bareRows = (await bare()).length;
      const o: number[] = [];
      const f: number[] = [];
      for (let i = 0; i < 9; i++) {
        let t0 = performance.now();
        await ours();
        o.push(performance.now() - t0);
        t0 = performance.now();
        await bare();
        f.push(performance.now() - t0);
      }
      return { rows, oursMs: med(o), bareMs: med(f), bareRows, floor };
    };
    const now = Date.now();
    const weekStart = now - ((now % 604_800_000));
    const weekEnd = weekStart + 604_800_000;
    const t = db.activities;
    const overdueMine = await pair(
      () => q.overdueQueue(db, now, { assigned_user_id: userId }),
      () => t.where('[assigned_user_id+open+due_ms]').between([userId, 1, -Infinity], [userId, 1, now], true, false).toArray(),
      '[assigned_user_id+open+due_ms] range read (schema v5)',
    );
    const overdueAll = await pair(
      () => q.overdueQueue(db, now),
      () => t.where('[open+due_ms]').between([1, -Infinity], [1, now], true, false).toArray(),
      '[open+due_ms] range read',
    );
    const calendarWeek = await pair(
      () => q.calendarRange(db, weekStart, weekEnd, { assigned_user_id: userId }),
      () => t.where('[assigned_user_id+due_ms]').between([userId, weekStart], [userId, weekEnd], true, false).toArray(),
      '[assigned_user_id+due_ms] range read',
    );
    // Every prefix the rep's typing produces, as the list asks for it (default filters, 25 a page,
    // the exact total left to its own query).
    const searchQueryMs: number[] = [];
    const mineUpcomingMs: number[] = [];
    for (const text of searches) {
      for (let i = 1; i <= text.length; i++) {
        // As the view's toListQuery builds it: search from 2 characters on.
        const search = text.slice(0, i).trim();
        const query = { sort_by: 'due_at', sort_direction: 'asc', page: 1, per_page: 25, ...(search.length >= 2 ? { search } : {}) } as const;
        const t0 = performance.now();
        await q.listActivities(db, query, now, { lazyTotal: true });
        searchQueryMs.push(performance.now() - t0);
        // The list's default since issue 17: the rep's own, upcoming first (from their midnight).
        const t1 = performance.now();
        await q.listActivities(db, { ...query, assigned_user_id: userId }, now, { lazyTotal: true, upcomingFrom: new Date(now).setHours(0, 0, 0, 0) });
        mineUpcomingMs.push(performance.now() - t1);
      }
    }
    const time5 = async (f: () => Promise<unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) { const t0 = performance.now(); await f(); xs.push(performance.now() - t0); }
      return med(xs);
    };
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const review = {
      weeklyReviewOfMs: await time5(() => q.weeklyReviewOf(db, now, zone, userId)),
      reviewRowsMs: await time5(() => q.reviewRows(db, now, zone, userId, q.REVIEW_OVERDUE_SHOWN)),
      overdueCountMs: await time5(() => q.overdueCount(db, now, userId)),
      rows: (await q.reviewRows(db, now, zone, userId, q.REVIEW_OVERDUE_SHOWN)).length,
    };
    db.close();
    return { overdueMine, overdueAll, calendarWeek, searchQueryMs, mineUpcomingMs, review };
  }, {
    dbUrl: fsUrl('shared/sync/db.ts'), queriesUrl: fsUrl('shared/sync/queries.ts'),
    dbName, userId, searches,
  });
}

/** Starts Chromium's sampling profiler on the page; the returned function writes the profile. */
async function startProfile(context: BrowserContext, page: Page): Promise<(file: string) => Promise<void>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return async (file) => {
    const { profile } = await cdp.send('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    progress(`CPU profile written to ${file} (open it in Chrome DevTools)`);
  };
}

export interface SearchBrowserOptions {
  n?: number;
  /** Times each view is opened. */
  viewRounds?: number;
  /** Times the whole list of searches is typed. */
  searchRounds?: number;
}

const envInt = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

/** Progress on stderr (stdout carries the JSON). */
const progress = (msg: string) => process.stderr.write(`[search-browser] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

export async function searchBrowserBench(opts: SearchBrowserOptions = {}) {
  // BENCH_SEARCH_N / _VIEW_ROUNDS / _ROUNDS shorten a run while profiling.
  const n = opts.n ?? envInt('BENCH_SEARCH_N') ?? 100_000;
  const viewRounds = opts.viewRounds ?? envInt('BENCH_SEARCH_VIEW_ROUNDS') ?? 6;
  const searchRounds = opts.searchRounds ?? envInt('BENCH_SEARCH_ROUNDS') ?? 1;
  const env = await startE2E({ production: REACT_PRODUCTION });
  const profileDir = await mkdtemp(resolve(tmpdir(), 'fieldbook-bench-'));
  try {
    // IndexedDB on disk, as in Electron: off the record it lives in memory, where a count or a key
    // read of 100 000 entries costs a fraction of what it costs on a rep's laptop.
    const app = await openApp(env, { userDataDir: profileDir });
    const { page } = app;
    // tsx (esbuild keepNames) wraps named functions in page.evaluate bodies in __name(); give the page one.
    const nameShim = 'globalThis.__name = (f) => f;';
    await page.addInitScript({ content: nameShim });
    await page.evaluate(nameShim);
    await waitForFirstSync(page, 120_000);
    await waitForDirectory(page, 120_000);
    const userId = GUIDE_IDS.jane;
    progress(`seeding ${n} activities`);
    const seeded = await page.evaluate(async ({ url, dbName, n, userId }) => {
      const m = (await import(/* @vite-ignore */ url)) as typeof SeedModule;
      return m.seedActivities({ dbName, n, nowMs: Date.now(), userId });
    }, { url: fsUrl('test/bench/search-seed.ts'), dbName: app.dbName, n, userId });
    // The CRM is out of reach from here on: the seeded rows are not on it, and a pull would sweep
    // them away (and 100 000 GETs are not what this measures). The rep is on the road.
    await app.context.route(`${env.crm.url}/**`, (route) => route.abort('internetdisconnected'));
    // A fresh start on the full store, as the rep's next morning. (The sign-in parameters leave the
    // address bar once used, so the URL is built again.)
    await page.goto(`${env.webUrl}?${new URLSearchParams({ db: app.dbName, crm: env.crm.url, token: env.crm.token }).toString()}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const stored = await page.evaluate(async ({ url, dbName }) => {
      const { FieldbookDB } = (await import(/* @vite-ignore */ url)) as typeof DbModule;
      const db = new FieldbookDB(dbName);
      const count = await db.activities.count();
      db.close();
      return count;
    }, { url: fsUrl('shared/sync/db.ts'), dbName: app.dbName });

    progress(`store holds ${stored}; opening views`);
    await installKeystrokeProbe(page);
    await installStoreProbe(page);
    // Warm the views once (module code, FullCalendar), then measure.
    for (const v of VIEW_NAMES) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: v, exact: true }).click();
      await page.locator(VIEWS[v]).first().waitFor({ timeout: 120_000 }).catch(async (e: unknown) => {
        await screenshot(page, `bench-failed-${v}`);
        throw new Error(`${v} did not show its rows; page errors: ${JSON.stringify(app.errors)}`, { cause: e });
      });
    }
    const viewMs = Object.fromEntries(VIEW_NAMES.map((v) => [v, [] as number[]])) as Record<ViewName, number[]>;
    // BENCH_VIEW_PROFILE=file.cpuprofile: a CPU profile of the views opening.
    const viewProfile = process.env.BENCH_VIEW_PROFILE ? await startProfile(app.context, page) : undefined;
    // BENCH_OPEN_VIEWS=Overdue,Review: only these are opened in the measured rounds (profiling one view).
    const measured = process.env.BENCH_OPEN_VIEWS ? VIEW_NAMES.filter((v) => process.env.BENCH_OPEN_VIEWS?.split(',').includes(v)) : VIEW_NAMES;
    for (let i = 0; i < viewRounds; i++) {
      for (const v of measured) {
        // From another view: opening the one already shown would measure nothing.
        if (measured.length === 1) await navigate(page, v === 'Settings' ? 'Sync' : 'Settings');
        await settle(page);
        viewMs[v].push(await openView(page, v));
      }
    }
    if (viewProfile) await viewProfile(process.env.BENCH_VIEW_PROFILE ?? '');
    // What a crowded week looks like (this week of the rep's, at 100 000 activities).
    await navigate(page, 'Calendar');
    await page.locator(VIEWS.Calendar).first().waitFor();
    await screenshot(page, 'bench-calendar-100k');
    await navigate(page, 'Activities');

    progress('typing searches');
    const keys: { value: string; ms: number; echoMs: number }[] = [];
    // BENCH_SEARCH_PROFILE=file.cpuprofile: a CPU profile of the typing (open it in Chrome's DevTools).
    const typingProfile = process.env.BENCH_SEARCH_PROFILE ? await startProfile(app.context, page) : undefined;
    for (let r = 0; r < searchRounds; r++) {
      for (const text of SEARCHES) {
        // Each search from a settled list (the rep reads the last one's results before typing the next).
        await settle(page);
        keys.push(...(await typeSearch(page, text)));
      }
    }
    if (typingProfile) await typingProfile(process.env.BENCH_SEARCH_PROFILE ?? '');
    const keystrokes = keys.map((k) => k.ms);
    progress('timing queries in the page');
    const queries = await inPageQueries(page, app.dbName, userId, SEARCHES);
    const errors = [...app.errors];
    await app.context.close();
    const ratio = (x: { oursMs: number; bareMs: number }) => Math.round((x.oursMs / x.bareMs) * 100) / 100;
    const typed = stats(keystrokes);
    const opened = Object.fromEntries(VIEW_NAMES.map((v) => [v, stats(viewMs[v])])) as Record<ViewName, ReturnType<typeof stats>>;
    return {
      // Issue 12's goals, each figure beside its bound (run.ts gathers them, and flags regressions).
      goals: [
        goal('search.keystrokeToResultP95', typed.p95, { atMost: 100 }, 'ms'),
        ...(['Calendar', 'Overdue', 'Review', 'Billable', 'Activities'] as const).map((v) => goal(`search.openView.${v.toLowerCase()}P95`, opened[v].p95, { atMost: 200 }, 'ms')),
      ],
      environment: `Debian Chromium (playwright-core), profile on disk (IndexedDB on disk, as in Electron), app in web mode (Vite dev server, ${REACT_BUILD_NOTE}), CRM unreachable while measuring`,
      activities: stored,
      seed: seeded,
      typing: {
        cadenceMs: CADENCE_MS, searches: SEARCHES, rounds: searchRounds,
        inputToRenderedMs: typed,
        inputToEchoMs: stats(keys.map((k) => k.echoMs)),
        // BENCH_SEARCH_DETAIL=1: every keystroke's box value and time.
        ...(process.env.BENCH_SEARCH_DETAIL ? { perKey: keys.map((k) => `${k.value}: ${Math.round(k.ms)}`) } : {}),
        note: 'inputToRenderedMs: keydown → the frame after the list shows the result for that input or a later one; inputToEchoMs: keydown → the frame after the character is in the box',
      },
      openView: {
        note: 'nav click → the frame after the view shows its rows, each opened from a settled app (no store transaction open, main thread idle)',
        calendar: opened.Calendar, overdue: opened.Overdue, activities: opened.Activities,
        review: opened.Review, billable: opened.Billable, sync: opened.Sync, settings: opened.Settings,
      },
      queries: {
        overdueQueueMine: { ...queries.overdueMine, ratio: ratio(queries.overdueMine), target: '≤ 1.5' },
        overdueQueueAll: { ...queries.overdueAll, ratio: ratio(queries.overdueAll), target: '≤ 1.5' },
        calendarWeekMine: { ...queries.calendarWeek, ratio: ratio(queries.calendarWeek), target: '≤ 1.5' },
        searchQueryOnlyMs: stats(queries.searchQueryMs),
        searchQueryMineUpcomingMs: stats(queries.mineUpcomingMs),
        review: queries.review,
        ...(process.env.BENCH_SEARCH_DETAIL ? { searchQueryPerPrefix: SEARCHES.flatMap((t) => [...t].map((_, i) => t.slice(0, i + 1))).map((v, i) => `${v}: ${Math.round(queries.searchQueryMs[i] ?? NaN)}`) } : {}),
      },
      pageErrors: errors,
    };
  } finally {
    await env.close();
    await rm(profileDir, { recursive: true, force: true });
  }
}
