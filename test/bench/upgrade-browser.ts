/**
 * The first start after an upgrade from schema v6 (shared/sync/db.ts) on a rep's existing store: N
 * activities written as v6 left them, in Debian Chromium with IndexedDB on disk; the time until
 * FieldbookDB is open and has answered the start view's first read (goal ≤ 2 s at 100 000), then
 * the background backfill the upgrade leaves (activity-keys.ts) with reads going on meanwhile.
 * BENCH_ONLY=upgrade; BENCH_UPGRADE_N sets N (default 100 000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { fsUrl, openApp, startE2E } from '../e2e/harness.ts';
import type * as DbModule from '../../shared/sync/db.ts';
import type * as KeysModule from '../../shared/sync/activity-keys.ts';
import type * as SeedModule from './search-seed.ts';
import { goal } from './goals.ts';
import { REACT_PRODUCTION } from './search-browser.ts';

const progress = (msg: string) => process.stderr.write(`[upgrade-browser] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

export async function upgradeBrowserBench() {
  const n = process.env.BENCH_UPGRADE_N ? Number(process.env.BENCH_UPGRADE_N) : 100_000;
  const env = await startE2E({ production: REACT_PRODUCTION });
  const profileDir = await mkdtemp(resolve(tmpdir(), 'fieldbook-upgrade-'));
  try {
    // The app's page only serves the modules here (not signed in: nothing else opens the store).
    const app = await openApp(env, { userDataDir: profileDir, signIn: false });
    const { page } = app;
    const nameShim = 'globalThis.__name = (f) => f;';
    await page.evaluate(nameShim);
    const dbName = 'upgrade-probe';
    progress(`writing ${n} activities as schema v6`);
    const seeded = await page.evaluate(async ({ url, dbName, n, userId }) => {
      const m = (await import(/* @vite-ignore */ url)) as typeof SeedModule;
      return m.seedActivities({ dbName, n, nowMs: Date.now(), userId, asSchemaV6: true });
    }, { url: fsUrl('test/bench/search-seed.ts'), dbName, n, userId: GUIDE_IDS.jane });
    progress('opening with the current schema');
    const opened = await page.evaluate(async ({ url, keysUrl, dbName, userId }) => {
      const { FieldbookDB } = (await import(/* @vite-ignore */ url)) as typeof DbModule;
      const keys = (await import(/* @vite-ignore */ keysUrl)) as typeof KeysModule;
      const t0 = performance.now();
      const db = new FieldbookDB(dbName);
      await db.open();
      const openMs = performance.now() - t0;
      // What the start view asks first: the rep's oldest open rows (the overdue range, 50 of them).
      const overdue = await db.activities.where('[assigned_user_id+open+due_ms]').between([userId, 1, -Infinity], [userId, 1, Date.now()], true, false).limit(50).toArray();
      const usableMs = performance.now() - t0;
      const version = db.verno;
      // The rest of the upgrade, after the app is usable: the keys backfill, while the rep reads.
      const t1 = performance.now();
      const backfill = db.backfill();
      let readsDuring = 0;
      const readMs: number[] = [];
      let finished = false;
      void backfill.then(() => { finished = true; });
      while (!finished) {
        const r0 = performance.now();
        await db.activities.where('[assigned_user_id+open+due_ms]').between([userId, 1, -Infinity], [userId, 1, Date.now()], true, false).limit(50).toArray();
        readMs.push(performance.now() - r0);
        readsDuring++;
        await new Promise((r) => setTimeout(r, 100));
      }
      const report = await backfill;
      const backfillMs = performance.now() - t1;
      const e0 = performance.now();
      const linked = await keys.activitiesLinkedTo(db, overdue.map((a) => a.server_id ?? a.lid));
      const evidenceMs = performance.now() - e0;
      const rows = await db.activities.count();
      const rowsWithLinks = new Set(await db.activity_keys.where('links').noneOf([]).primaryKeys()).size;
      db.close();
      readMs.sort((x, y) => x - y);
      return {
        openMs: Math.round(openMs), usableMs: Math.round(usableMs), version, rows, rowsWithLinks,
        backfill: { ...report, ms: Math.round(backfillMs), readsDuring, readP95Ms: Math.round(readMs[Math.ceil(readMs.length * 0.95) - 1] ?? NaN), readMaxMs: Math.round(readMs[readMs.length - 1] ?? NaN) },
        evidenceQueryAfterMs: Math.round(evidenceMs * 10) / 10, evidenceRows: linked.length,
      };
    }, { url: fsUrl('shared/sync/db.ts'), keysUrl: fsUrl('shared/sync/activity-keys.ts'), dbName, userId: GUIDE_IDS.jane });
    await app.context.close();
    return {
      environment: 'Debian Chromium (playwright-core), profile on disk (IndexedDB on disk, as in Electron)',
      note: 'first open after the update (v6 → current): usableMs = open + the start view\'s first read; the keys backfill (activity-keys.ts) runs after, while a read of the overdue range repeats every 100 ms',
      seed: seeded,
      ...opened,
      goals: [goal('upgrade.v6ToCurrent.usableMs', opened.usableMs, { atMost: 2000 }, 'ms')],
    };
  } finally {
    await env.close();
    await rm(profileDir, { recursive: true, force: true });
  }
}
