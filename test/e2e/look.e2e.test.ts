/**
 * One visual language at every window size (issue 13): every view at 1366, 1024 and 800 px, light
 * and dark, screenshot saved (test-results/screenshots/look-*), axe clean, nothing overflowing
 * sideways; the sidebar collapses to icons below 1100 px and keeps its names; the status bar stays
 * one row; a 15-minute activity shows its time and title on one line; a busy day collapses into
 * "+N more"; the rep's locale (Settings) rewrites dates in the calendar and lists, and amounts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { axeSerious, closeChecked, openSyncedApp, screenshot, startE2E, type AppPage, type E2EEnv } from './harness.ts';
import { daysFrom, instantAt } from './scenario-steps.ts';

const SHORT = 'Call Dr. Annika Müller-Lüdenscheid about the enterprise licence renewal';
const OVERLAP = ['Pipeline review with the regional team', 'Demo of the route planner', 'Visit the Hamburg depot'];
const WIDTHS = [1366, 1024, 800] as const;
const THEMES = ['light', 'dark'] as const;
type ViewName = 'Calendar' | 'Overdue' | 'Activities' | 'Review' | 'Billable' | 'Sync' | 'Settings';

async function go(page: Page, view: ViewName): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: view }).waitFor();
}

/** Elements (by selector) wider inside than they are: cut off or scrolling sideways. */
async function overflowing(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth}`);
    for (const sel of sels) {
      document.querySelectorAll<HTMLElement>(sel).forEach((el, i) => {
        if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') return;
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${sel}[${i}] ${el.scrollWidth} > ${el.clientWidth}: ${el.textContent?.slice(0, 60)}`);
      });
    }
    return out;
  }, selectors);
}

const MAIN = ['.app-main', '.view', '.view-header', '.statusbar', '.statusbar-left', '.statusbar-right', '.card', '.table-wrap', '.filters'];

async function checkFrame(page: Page, width: number): Promise<void> {
  const frame = await page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('.statusbar')!;
    const nav = document.querySelector<HTMLElement>('.sidenav')!;
    const lineOf = (el: Element) => Number.parseFloat(getComputedStyle(el).lineHeight) || 18;
    // Every text in the top bar: at most two lines tall.
    const tall = [...bar.querySelectorAll<HTMLElement>('.pill, .button, .muted')].filter((el) => el.getBoundingClientRect().height > 2 * lineOf(el) + 8)
      .map((el) => el.textContent);
    return { barHeight: bar.getBoundingClientRect().height, navWidth: nav.getBoundingClientRect().width, tall };
  });
  expect(frame.tall).toEqual([]);
  expect(frame.barHeight).toBeLessThanOrEqual(64);
  if (width <= 1024) expect(frame.navWidth).toBeLessThan(80);
  else expect(frame.navWidth).toBeGreaterThan(150);
  // Collapsed or not, each entry keeps its name.
  for (const v of ['Calendar', 'Overdue', 'Activities', 'Review', 'Billable', 'Sync', 'Settings']) {
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: v, exact: true }).isVisible()).toBe(true);
  }
}

async function shoot(page: Page, name: string, extra: string[] = []): Promise<void> {
  await screenshot(page, `look-${name}`);
  expect(await overflowing(page, [...MAIN, ...extra]), name).toEqual([]);
  expect(await axeSerious(page), name).toEqual([]);
}

describe('one visual language at every window size', () => {
  let env: E2EEnv;
  let app: AppPage;
  const today = new Date();

  beforeAll(async () => {
    env = await startE2E();
    const base = { activityable_type: 'customer' as const, activityable_id: GUIDE_IDS.customer575, priority: 'medium' as const, assigned_user_id: GUIDE_IDS.jane };
    env.crm.mutate.create({ ...base, type: 'call', subject: SHORT, due_at: instantAt(today, 10), duration_minutes: 15 });
    const types = ['meeting', 'demo', 'visit'] as const;
    OVERLAP.forEach((subject, i) => env.crm.mutate.create({ ...base, type: types[i]!, subject, due_at: instantAt(today, 14, 15 * i), duration_minutes: 60 }));
    // A busy day: more than the month view shows, the rest behind "+N more".
    for (let i = 0; i < 7; i += 1) {
      env.crm.mutate.create({ ...base, type: 'task', subject: `Prepare quote ${i + 1}`, due_at: instantAt(daysFrom(today, 1), 8 + i), duration_minutes: 30 });
    }
    // Billable work done this morning, so Billable shows an amount.
    const done = env.crm.mutate.create({
      ...base, type: 'meeting', subject: 'Workshop with the logistics team', due_at: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      duration_minutes: 90, is_billable: true, billable_rate: 120,
    });
    env.crm.mutate.complete(done.id, { outcome: 'Workshop held.', duration_minutes: 90 });
    app = await openSyncedApp(env, { viewport: { width: 1366, height: 860 } });
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  for (const theme of THEMES) {
    for (const width of WIDTHS) {
      it(`every view at ${width} px in ${theme}: nothing cut off, axe clean`, async () => {
        const { page } = app;
        await page.setViewportSize({ width, height: width === 800 ? 700 : 820 });
        await page.emulateMedia({ colorScheme: theme });
        await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
        const tag = `${width}-${theme}`;

        await go(page, 'Calendar');
        await checkFrame(page, width);
        for (const mode of ['Week', 'Day', 'Month'] as const) {
          await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: mode }).click();
          await page.locator('.fc-event').first().waitFor();
          await shoot(page, `calendar-${mode.toLowerCase()}-${tag}`, ['.fb-cal-toolbar']);
        }
        await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Week' }).click();

        await go(page, 'Overdue');
        await page.getByRole('listbox', { name: 'Overdue activities' }).getByRole('option').first().waitFor();
        await shoot(page, `overdue-${tag}`, ['.fb-row-due']);
        // The row's second line (lateness and due date) is never under a pill.
        const clipped = await page.evaluate(() => [...document.querySelectorAll('.fb-row-due')].filter((due) => {
          const d = due.getBoundingClientRect();
          const row = due.closest('[role="option"]');
          return [...(row?.querySelectorAll('.badge, .pill') ?? [])].some((p) => {
            const b = p.getBoundingClientRect();
            return b.left < d.right && d.left < b.right && b.top < d.bottom && d.top < b.bottom;
          });
        }).length);
        expect(clipped).toBe(0);

        await go(page, 'Activities');
        await page.locator('table.list tbody tr').first().waitFor();
        await shoot(page, `activities-${tag}`, ['table.list td.due-cell', 'table.list th']);
        const cols = await page.evaluate(() => [...document.querySelectorAll('table.list thead th')]
          .filter((th) => (th as HTMLElement).offsetParent !== null).map((th) => th.textContent?.trim()));
        expect(cols).toEqual(expect.arrayContaining(['Subject', 'Due']));
        expect(await page.evaluate(() => {
          const s = document.querySelector<HTMLElement>('table.list tbody .subject-cell');
          return s ? s.getBoundingClientRect().width : 0;
        })).toBeGreaterThan(120);

        // An activity's detail (a drawer) and a dialog.
        await page.locator('table.list tbody .subject-cell button').first().click();
        const detail = page.getByRole('dialog').first();
        await detail.waitFor();
        await shoot(page, `detail-${tag}`, ['.detail-grid dd']);
        await page.keyboard.press('Escape');
        await detail.waitFor({ state: 'detached' });
        await page.locator('.statusbar').getByRole('button', { name: 'New activity' }).click();
        const form = page.getByRole('dialog', { name: 'New activity' });
        await form.waitFor();
        await shoot(page, `dialog-${tag}`, ['.dialog-body']);
        await page.keyboard.press('Escape');
        await form.waitFor({ state: 'detached' });

        await go(page, 'Review');
        await page.locator('.review-step').first().waitFor();
        await shoot(page, `review-${tag}`, ['.review-scroll', '.card .table-wrap', '.review-table td:nth-child(4)']);
        await go(page, 'Billable');
        await page.getByTestId('billable-total').waitFor();
        await shoot(page, `billable-${tag}`);
        await go(page, 'Sync');
        await shoot(page, `sync-${tag}`);
        await go(page, 'Settings');
        await shoot(page, `settings-${tag}`);
        expect(app.errors).toEqual([]);
      });
    }
  }

  it('a 15-minute activity shows its time and title on one line; the whole title is its name and its tooltip', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1024, height: 820 });
    await go(page, 'Calendar');
    await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Week' }).click();
    const ev = page.getByRole('button', { name: new RegExp(`^10:00 ${SHORT.replace(/[.()]/g, '\\$&')}`) });
    await ev.waitFor();
    const line = await ev.evaluate((el) => {
      const time = el.querySelector('.fb-ev-time')!.getBoundingClientRect();
      const title = el.querySelector('.fb-ev-title')!.getBoundingClientRect();
      return { sameLine: Math.abs(time.top - title.top) < 2, titleWidth: title.width, tip: el.querySelector('.fb-ev')?.getAttribute('title') ?? '' };
    });
    expect(line.sameLine).toBe(true);
    expect(line.titleWidth).toBeGreaterThan(10);
    expect(line.tip).toContain(SHORT);
    // Three at once stand side by side, none covering another's title (at 1024 px too).
    const boxes = await Promise.all(OVERLAP.map((s) => page.getByRole('button', { name: new RegExp(s) }).boundingBox()));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) expect(a!.x + a!.width <= b!.x + 1 || b!.x + b!.width <= a!.x + 1).toBe(true);
    }
    await screenshot(page, 'look-calendar-overlap-1024');
    expect(app.errors).toEqual([]);
  });

  it('at 800 px the week cascades activities at the same time (two at once, the rest behind "+N"), so each keeps room for whole words', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 800, height: 700 });
    await go(page, 'Calendar');
    await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Week' }).click();
    const first = page.getByRole('button', { name: new RegExp(OVERLAP[0]!) });
    await first.waitFor();
    await expect.poll(() => page.locator('.fc-timegrid-event-harness-inset').count()).toBeGreaterThan(0);
    // Side by side each got under 40 px at 800 ("Pip eli"): cascaded, at most two at once, the rest behind "+N".
    const sizes = await page.evaluate(() => {
      const fri = [...document.querySelectorAll<HTMLElement>('.fc-timegrid-col.fc-day-today')][0]!;
      return {
        column: fri.getBoundingClientRect().width,
        events: [...fri.querySelectorAll<HTMLElement>('.fc-timegrid-event')].map((e) => ({ text: e.textContent ?? '', width: e.getBoundingClientRect().width })),
        more: [...fri.querySelectorAll<HTMLElement>('.fc-timegrid-more-link')].map((e) => e.textContent ?? ''),
      };
    });
    for (const ev of sizes.events) expect(ev.width, ev.text).toBeGreaterThan(sizes.column * 0.4);
    expect(sizes.events.some((ev) => ev.text.includes(OVERLAP[0]!) && ev.width > sizes.column * 0.8)).toBe(true);
    expect(sizes.more.length).toBeGreaterThan(0);
    await screenshot(page, 'look-calendar-overlap-800');
    expect(app.errors).toEqual([]);
  });

  it('on a slow machine, opening, switching and resizing the calendar never makes React warn about flushSync', async () => {
    const { page } = app;
    // FullCalendar's React connector draws React-made event content after FullCalendar has laid the
    // month out; its mount then sizes again (inside React's commit) and, finding the cells' events
    // taller, redraws which fit and "+N more": pushed with flushSync once the first draw took over
    // 100 ms. A CPU slowed 6 times makes it that slow every time: mount the month a few times.
    const cdp = await app.context.newCDPSession(page);
    await page.setViewportSize({ width: 1366, height: 760 });
    await go(page, 'Calendar');
    await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Month' }).click();
    await page.locator('.fc-daygrid-more-link').first().waitFor();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
    try {
      for (const width of [1366, 800, 1024]) {
        await go(page, 'Overdue');
        await page.setViewportSize({ width, height: 760 });
        await go(page, 'Calendar');
        await page.locator('.fc-daygrid-more-link').first().waitFor();
      }
      await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Week' }).click();
      await page.locator('.fc-event .fb-ev-title').first().waitFor();
      // Let FullCalendar's pending resize frame run under the same slowness before looking.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    } finally {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
    }
    expect(app.errors.filter((e) => /flushSync/.test(e))).toEqual([]);
    expect(app.errors).toEqual([]);
  }, 240_000);

  it('a busy day in the month collapses into "+N more"', async () => {
    const { page } = app;
    await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Month' }).click();
    await page.locator('.fc-daygrid-more-link').first().waitFor();
    expect(await page.locator('.fc-daygrid-more-link').first().textContent()).toMatch(/^\+\d+ more$/);
    expect(app.errors).toEqual([]);
  });

  it('the rep\'s locale (Settings) writes dates and amounts its way; the system\'s is the default', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1366, height: 820 });
    await go(page, 'Settings');
    const select = page.getByLabel('Date and time format');
    expect(await select.locator('option:checked').textContent()).toContain('Match the system');
    await select.selectOption('de-DE');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('de-DE');
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByText('Amounts are shown as 1.234,50 €.').waitFor();
    await go(page, 'Calendar');
    await page.getByRole('group', { name: 'Calendar view' }).getByRole('button', { name: 'Week' }).click();
    // German day headers: "Do., 3. Dez."
    await expect.poll(() => page.locator('.fc-col-header-cell-cushion').first().textContent()).toMatch(/^[A-Z][a-z]\., \d{1,2}\. \S+$/);
    await go(page, 'Activities');
    await expect.poll(() => page.locator('table.list td.due-cell').first().textContent()).toMatch(/^\d{1,2}\. \S+ \d{4}, \d{2}:\d{2}$/);
    await screenshot(page, 'look-activities-de-DE');
    await go(page, 'Settings');
    await page.getByLabel('Date and time format').selectOption('en-US');
    await go(page, 'Activities');
    await expect.poll(() => page.locator('table.list td.due-cell').first().textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M$/);
    await go(page, 'Settings');
    await page.getByLabel('Date and time format').selectOption('system');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en-GB');
  });
});
