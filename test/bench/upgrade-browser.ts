/**
 * The first start after schema v7 (shared/sync/db.ts) on a rep's existing store: N activities
 * written as v6 left them, in Debian Chromium with IndexedDB on disk, then the time FieldbookDB
 * takes to open (IndexedDB builds the two new indexes; the upgrade writes back the rows that get
 * links). BENCH_ONLY=upgrade; BENCH_UPGRADE_N sets N (default 100 000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { fsUrl, openApp, startE2E } from '../e2e/harness.ts';
import type * as DbModule from '../../shared/sync/db.ts';
import type * as SeedModule from './search-seed.ts';
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
    const opened = await page.evaluate(async ({ url, dbName }) => {
      const { FieldbookDB } = (await import(/* @vite-ignore */ url)) as typeof DbModule;
      const t0 = performance.now();
      const db = new FieldbookDB(dbName);
      await db.open();
      const openMs = performance.now() - t0;
      const linked = new Set(await db.activities.where('links').noneOf([]).primaryKeys()).size;
      const rows = await db.activities.count();
      const version = db.verno;
      db.close();
      return { openMs: Math.round(openMs), version, rows, rowsWithLinks: linked };
    }, { url: fsUrl('shared/sync/db.ts'), dbName });
    await app.context.close();
    return {
      environment: 'Debian Chromium (playwright-core), profile on disk (IndexedDB on disk, as in Electron)',
      note: 'first open after the update: IndexedDB builds [activityable_type+activityable_id+created_at] and *links, the upgrade writes back the rows that get links',
      seed: seeded,
      ...opened,
    };
  } finally {
    await env.close();
    await rm(profileDir, { recursive: true, force: true });
  }
}
