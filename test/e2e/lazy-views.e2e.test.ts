/**
 * Issue #12, code-split, as the rep meets it (renderer/src/app/lazy-views.tsx), on the production
 * web build: the start page loads the first view's chunk and no other view's; once the first view
 * is up the rest arrive on idle, so later navigation waits on nothing (shown with the network cut
 * off and no service worker); a view whose chunk is slow shows an accessible loading state in its
 * place; Alt+n still switches views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startWebE2E, type WebE2EEnv } from './web-preview.ts';
import { screenshot } from './harness.ts';

const VIEWS = ['Calendar', 'Overdue', 'Activities', 'Review', 'Billable', 'Sync', 'Settings'] as const;
/** Each view's own heading (the nav says "Review", the page "Weekly review"). */
const HEADING: Record<(typeof VIEWS)[number], string> = {
  Calendar: 'Calendar', Overdue: 'Overdue', Activities: 'Activities', Review: 'Weekly review', Billable: 'Billable', Sync: 'Sync', Settings: 'Settings',
};

let env: WebE2EEnv;

beforeAll(async () => {
  env = await startWebE2E();
}, 240_000);

afterAll(async () => {
  await env?.close();
});

/** A signed-in page with no service worker (so nothing but the page's own memory can serve a chunk). */
async function open(): Promise<{ page: Page; scripts: string[]; errors: string[]; close: () => Promise<void> }> {
  const context = await env.browser.newContext({ viewport: { width: 1366, height: 860 }, timezoneId: 'Europe/Berlin', locale: 'en-GB', serviceWorkers: 'block' });
  const page = await context.newPage();
  const scripts: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname); });
  page.on('pageerror', (e) => errors.push(e.message));
  const q = new URLSearchParams({ db: `lazy-${Date.now()}-${Math.random().toString(36).slice(2)}`, crm: env.crm.url, token: env.crm.token });
  await page.goto(`${env.webUrl}?${q.toString()}`);
  return { page, scripts, errors, close: () => context.close() };
}

const chunkOf = (view: string) => new RegExp(`/assets/${view}View-[^/]+\\.js$`);
const nav = (page: Page, view: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view, exact: true });

describe('views load as chunks of their own', () => {
  it('the start page fetches the Calendar\'s chunk and no other view\'s; the rest come after it, and then every view opens offline', async () => {
    const { page, scripts, errors, close } = await open();
    await page.locator('.fb-calendar-view .fc-view').waitFor({ timeout: 60_000 });
    expect(scripts.some((s) => chunkOf('Calendar').test(s))).toBe(true);
    // Every other view's chunk arrives on idle after the Calendar's.
    await expect.poll(() => VIEWS.filter((v) => v !== 'Calendar' && !scripts.some((s) => chunkOf(v).test(s))), { timeout: 30_000 }).toEqual([]);
    // None of them was asked for before the first view's chunk: the idle preload starts once that
    // one has loaded (lazy-views.tsx preloadParts), so the start page never waits on them. (When
    // the Calendar's events draw is not part of the promise: on a slow machine the store may still
    // be opening when the browser goes idle.)
    const calendarAt = scripts.findIndex((s) => chunkOf('Calendar').test(s));
    const firstOtherAt = scripts.findIndex((s) => VIEWS.some((v) => v !== 'Calendar' && chunkOf(v).test(s)));
    expect(firstOtherAt).toBeGreaterThan(calendarAt);

    // With no network and no service worker, only what the page already holds can show a view.
    await page.context().setOffline(true);
    for (const view of VIEWS.slice(1)) {
      await nav(page, view).click();
      await page.getByRole('heading', { level: 1, name: HEADING[view], exact: true }).waitFor({ timeout: 10_000 });
      expect(await page.getByRole('status').filter({ hasText: /^Loading / }).count()).toBe(0);
    }
    // Alt+1 goes back to the Calendar from the keyboard.
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { level: 1, name: HEADING.Calendar, exact: true }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('a view whose chunk is still on its way shows "Loading …" as a status in its place, then the view', async () => {
    const { page, errors, close } = await open();
    // Hold the Review chunk back until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => { release = r; });
    await page.route(chunkOf('Review'), async (route) => { await held; await route.continue(); });
    await page.locator('.fb-calendar-view .fc-view').waitFor({ timeout: 60_000 });
    await nav(page, 'Review').click();
    const loading = page.getByRole('status').filter({ hasText: 'Loading Review…' });
    await loading.waitFor();
    await screenshot(page, 'lazy-view-loading-review');
    release();
    await page.getByRole('heading', { level: 1, name: HEADING.Review, exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(() => loading.count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});
