/**
 * The overdue queue with 10 000 overdue activities: the list draws only what is on screen (a
 * virtualized listbox), and the keyboard reaches both ends of it. Frame times are the bench's job
 * (npm run bench); this checks the structure that makes them possible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { fsUrl, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync, type AppPage, type E2EEnv } from './harness.ts';

const N = 10_000;

describe('overdue queue at 10 000', () => {
  let env: E2EEnv;
  let app: AppPage;

  beforeAll(async () => {
    env = await startE2E();
    app = await openApp(env);
    await waitForFirstSync(app.page);
    await waitForDirectory(app.page);
    // The seeded rows are not on the CRM: out of its reach, no pull sweeps them away.
    await app.context.route(`${env.crm.url}/**`, (route) => route.abort('internetdisconnected'));
    // A script string: vitest rewrites import() inside functions handed to page.evaluate.
    const arg = JSON.stringify({ dbName: app.dbName, n: N, userId: GUIDE_IDS.jane });
    await app.page.evaluate(`(async ({ dbName, n, userId }) => {
      const { FieldbookDB } = await import(${JSON.stringify(fsUrl('shared/sync/db.ts'))});
      const { toLocalRow } = await import(${JSON.stringify(fsUrl('shared/sync/rows.ts'))});
      const { serverActivity } = await import(${JSON.stringify(fsUrl('shared/sync/store.testing.ts'))});
      const now = Date.now();
      const rows = Array.from({ length: n }, (_, i) => {
        // One every 50 minutes going back from an hour ago: every lateness group is full.
        const a = serverActivity({
          id: 'scale-' + i, subject: 'Scale check ' + i, assigned_user_id: userId,
          due_at: new Date(now - 3600000 - i * 3000000).toISOString(), reminder_at: null,
          created_at: new Date(now - 400 * 86400000).toISOString(),
        });
        return toLocalRow(a, { lid: 'scale-' + String(i).padStart(5, '0'), base: a, sync: 'synced' });
      });
      const db = new FieldbookDB(dbName);
      await db.activities.bulkPut(rows);
      db.close();
    })(${arg})`);
  });

  afterAll(async () => {
    await app?.context.close();
    await env?.close();
  });

  it('draws a screenful of rows, and End and Home reach the last and the first', async () => {
    const { page } = app;
    await navigate(page, 'Overdue');
    const list = page.getByRole('listbox', { name: 'Overdue activities' });
    const options = list.getByRole('option');
    await page.locator('[role="listbox"][aria-busy="false"] [role="option"]').first().waitFor();
    await expect.poll(async () => Number((await page.locator('.fb-overdue-view .view-header p').textContent())?.replace(/\D/g, '') ?? 0)).toBeGreaterThanOrEqual(N);
    // Only what fits on screen (and a few above and below) is in the document.
    const drawn = await options.count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(60);

    const scroll = () => list.evaluate((el) => ({ top: el.scrollTop, height: el.clientHeight, total: el.scrollHeight }));
    const activeIsShown = () => list.evaluate((el) => {
      const active = document.getElementById(el.getAttribute('aria-activedescendant') ?? '');
      if (!active) return false;
      const a = active.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return a.top >= box.top - 1 && a.bottom <= box.bottom + 1;
    });
    const first = await options.first().getAttribute('id');
    await list.focus();
    await page.keyboard.press('End');
    // The last row is current, drawn and in view; the list is scrolled to its end.
    await expect.poll(async () => { const s = await scroll(); return s.top + s.height >= s.total - 2; }).toBe(true);
    await expect.poll(activeIsShown).toBe(true);
    expect(await options.last().getAttribute('id')).toBe(await list.getAttribute('aria-activedescendant'));
    expect(await options.count()).toBeLessThan(60);
    expect(await page.locator(`#${first ?? 'none'}`).count()).toBe(0);
    await screenshot(page, 'overdue-10k-end');

    await page.keyboard.press('Home');
    await expect.poll(async () => (await scroll()).top).toBe(0);
    await expect.poll(activeIsShown).toBe(true);
    expect(await list.getAttribute('aria-activedescendant')).toBe(first);
    // j moves one row down, still one screenful drawn.
    await page.keyboard.press('j');
    await expect.poll(() => list.getAttribute('aria-activedescendant')).not.toBe(first);
    expect(await options.count()).toBeLessThan(60);
    expect(app.errors).toEqual([]);
  });
});
