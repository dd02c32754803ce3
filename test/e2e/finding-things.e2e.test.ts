/**
 * Issue 17, "Finding things", as a rep works it: search finds words of an outcome; the related
 * record picker matches inside a name and shows names only; the Activities list opens on the
 * rep's own activities, upcoming first, a click anywhere on a row opens it, and the 2-character
 * note shows only while one character is typed; Billable shows amounts in the rep's currency and
 * turns "1 without a rate" into a list and a default rate. Screenshots (light and dark, 1366 and
 * 800 px wide) and axe scans of the views changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TZDate } from '@date-fns/tz';
import { DIRECTORY, GUIDE_IDS } from '../crm-server/index.ts';
import {
  axeSerious, closeChecked, navigate, openSyncedApp, screenshot, startE2E, type AppPage, type E2EEnv,
} from './harness.ts';
import { ZONE, closeDetail, serverActivities } from './scenario-steps.ts';

const OUTCOME_SUBJECT = 'Hx warehouse walk-through';
const NO_RATE = 'Hx billable site survey';
const WAYNE = DIRECTORY.customers.find((c) => c.name === 'Wayne Logistics');

async function expectNoSerious(page: Page, what: string): Promise<void> {
  const v = await axeSerious(page);
  expect(v, `${what}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

async function goToBillable(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Billable', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Billable' }).waitFor();
}

const subjects = (page: Page) => page.locator('table.list tbody td.subject-cell').allTextContents();

describe('finding things', () => {
  let env: E2EEnv;
  let app: AppPage;

  beforeAll(async () => {
    env = await startE2E();
    // Completed this morning with an outcome whose words are nowhere in its subject or description.
    const done = env.crm.mutate.create({
      type: 'visit', subject: OUTCOME_SUBJECT, activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575,
      due_at: new Date(Date.now() - 3 * 3_600_000).toISOString(), duration_minutes: 60,
    });
    env.crm.mutate.complete(done.id, { outcome: 'Forklift fleet needs replacing before spring', duration_minutes: 60 });
    // Billable, completed, no rate.
    const noRate = env.crm.mutate.create({
      type: 'meeting', subject: NO_RATE, activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575,
      due_at: new Date(Date.now() - 2 * 3_600_000).toISOString(), duration_minutes: 90, is_billable: true,
    });
    env.crm.mutate.complete(noRate.id, { outcome: 'Survey done.', duration_minutes: 90 });
    app = await openSyncedApp(env, { timezoneId: ZONE, viewport: { width: 1366, height: 860 } });
  });
  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('the Activities list opens on the rep\'s own activities, upcoming first', async () => {
    const { page } = app;
    await navigate(page, 'Activities');
    await expect.poll(async () => page.getByLabel('Assignee').locator('option:checked').textContent()).toBe('Me (Jane Manager)');
    await expect(page.getByLabel('Order').locator('option:checked').textContent()).resolves.toBe('Upcoming first');
    // What the CRM holds for Jane from the start of today (in the rep's zone), soonest first.
    const now = new TZDate(Date.now(), ZONE);
    const today = new TZDate(now.getFullYear(), now.getMonth(), now.getDate(), ZONE).getTime();
    const mine = (await serverActivities(env, { assigned_user_id: GUIDE_IDS.jane }))
      .filter((a) => a.due_at && Date.parse(a.due_at) >= today)
      .sort((a, b) => Date.parse(a.due_at ?? '') - Date.parse(b.due_at ?? '') || (a.id < b.id ? -1 : 1));
    expect(mine.length).toBeGreaterThan(5);
    // Activities due at the same time come in the app's order (its local ids), not the server's:
    // the first five rows are due at the first five due times, each a row of the rep's due then.
    const duesOf = new Map<string, number[]>();
    for (const a of mine) duesOf.set(a.subject, [...(duesOf.get(a.subject) ?? []), Date.parse(a.due_at ?? '')]);
    const want = mine.slice(0, 5).map((a) => Date.parse(a.due_at ?? ''));
    await expect.poll(async () => (await subjects(page)).slice(0, 5).map((s, i) => (duesOf.get(s)?.includes(want[i] ?? NaN) ? want[i] : `${s}: not one of the rep's due then`)))
      .toEqual(want);
    // Every row is the rep's.
    const assignees = await page.locator('table.list tbody tr td:nth-child(7)').allTextContents();
    expect(new Set(assignees)).toEqual(new Set(['Me']));
    for (const w of [1366, 800]) {
      await page.setViewportSize({ width: w, height: 860 });
      await screenshot(page, `finding-activities-light-${w}`);
    }
    await page.setViewportSize({ width: 1366, height: 860 });
    await expectNoSerious(page, 'activities list');
  });

  it('a click anywhere on a row opens the activity; Enter on it does too', async () => {
    const { page } = app;
    const first = page.locator('table.list tbody tr').first();
    const subject = (await first.locator('td.subject-cell').textContent()) ?? '';
    // The due date cell, not the subject.
    await first.locator('td.due-cell').click();
    await page.getByRole('dialog', { name: subject }).waitFor();
    await closeDetail(page);
    await first.getByRole('button', { name: subject }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: subject }).waitFor();
    await closeDetail(page);
  });

  it('"at least 2 characters" shows only while 1 character is typed', async () => {
    const { page } = app;
    const search = page.getByRole('searchbox', { name: 'Search' });
    const note = page.getByText(/at least 2 characters/);
    await expect.poll(() => note.count()).toBe(0);
    await search.fill('f');
    await note.waitFor();
    await expect(note.textContent()).resolves.toBe('Type at least 2 characters to search.');
    await search.fill('fo');
    await note.waitFor({ state: 'detached' });
    await search.fill('');
    await expect.poll(() => note.count()).toBe(0);
  });

  it('search finds the words of an outcome', async () => {
    const { page } = app;
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('forklift spring');
    await expect.poll(() => subjects(page)).toEqual([OUTCOME_SUBJECT]);
    await search.fill('');
    await expect.poll(async () => (await subjects(page)).length).toBeGreaterThan(1);
  });

  it('the related record picker matches inside a name and shows names only, never ids', async () => {
    const { page } = app;
    expect(WAYNE).toBeDefined();
    await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
    const form = page.getByRole('dialog', { name: 'New activity' });
    await form.getByRole('combobox', { name: 'Related record: type' }).selectOption('customer');
    const name = form.getByRole('combobox', { name: 'Related record: name' });
    // Inside a word ("Logistics"), not at its start.
    await name.fill('gistic');
    const options = form.getByRole('listbox', { name: 'Related record results' }).getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(['Wayne Logistics']);
    // A word start anywhere in the name, from 1 character, best matches (the name's start) first.
    await name.fill('corp');
    await expect.poll(() => options.allTextContents()).toEqual(['Acme Corp', 'Globex Corporation']);
    const texts = await options.allTextContents();
    for (const c of DIRECTORY.customers) for (const t of texts) expect(t).not.toContain(c.id);
    await screenshot(page, 'finding-picker-light-1366');
    await expectNoSerious(page, 'entity picker');
    await options.first().click();
    await expect(name.inputValue()).resolves.toBe('Acme Corp');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  });

  it('Billable: amounts carry the currency, chosen in Settings or here', async () => {
    const { page } = app;
    await goToBillable(page);
    const total = page.getByTestId('billable-total');
    // en-GB: pounds by default.
    await expect.poll(() => total.textContent()).toMatch(/^£\d[\d,]*\.\d\d$/);
    const row = page.getByRole('row', { name: /Customer 575/ }).first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/£\d[\d,]*\.\d\d/);
    await page.getByLabel('Currency').selectOption('EUR');
    await expect.poll(() => total.textContent()).toMatch(/^€\d[\d,]*\.\d\d$/);
    // The same choice in Settings → Billing.
    await navigate(page, 'Settings');
    const billing = page.getByRole('region', { name: 'Billing' });
    await expect(billing.getByLabel('Currency').locator('option:checked').textContent()).resolves.toMatch(/^EUR · /);
    await billing.getByLabel('Currency').selectOption('USD');
    await billing.scrollIntoViewIfNeeded();
    await screenshot(page, 'finding-settings-billing-light-1366');
    await expectNoSerious(page, 'settings');
    await goToBillable(page);
    // en-GB writes dollars as US$.
    await expect.poll(() => total.textContent()).toMatch(/^US\$\d[\d,]*\.\d\d$/);
  });

  it('Billable: "N without a rate" lists them, each opens, and a default rate bills them', async () => {
    const { page } = app;
    const total = page.getByTestId('billable-total');
    const amount = async () => Number(((await total.textContent()) ?? '').replace(/[^\d.]/g, ''));
    await expect.poll(() => total.textContent()).toMatch(/^US\$/);
    const before = await amount();
    const fix = page.getByRole('button', { name: /^Fix \d+ without a rate$/ });
    await fix.click();
    const panel = page.getByRole('region', { name: /^Without a rate/ });
    await panel.getByRole('button', { name: NO_RATE }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('billable-missing');
    for (const w of [1366, 800]) {
      await page.setViewportSize({ width: w, height: 860 });
      await screenshot(page, `finding-billable-light-${w}`);
    }
    await page.setViewportSize({ width: 1366, height: 860 });
    await expectNoSerious(page, 'billable without a rate');
    // Each one opens.
    await panel.getByRole('button', { name: NO_RATE }).click();
    await page.getByRole('dialog', { name: NO_RATE }).waitFor();
    await closeDetail(page);
    // A default rate: 90 min at 100/h adds 150.00 at least (the demo data may lack rates too).
    await panel.getByLabel('Default hourly rate (USD)').fill('100');
    await panel.getByRole('button', { name: 'Save default rate' }).click();
    await expect.poll(amount).toBeGreaterThanOrEqual(before + 150);
    await panel.getByText('Billed at your default rate of US$100.00 an hour. Change it here:').waitFor();
    await page.getByRole('button', { name: /^\d+ at the default rate$/ }).waitFor();
    // The line's note no longer says it is missing a rate.
    await expect.poll(async () => page.getByRole('row', { name: /Customer 575/ }).filter({ hasText: 'without a rate' }).count()).toBe(0);
  });
});

describe('finding things: dark', () => {
  let env: E2EEnv;
  let app: AppPage;
  beforeAll(async () => {
    env = await startE2E();
    const noRate = env.crm.mutate.create({
      type: 'meeting', subject: NO_RATE, activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575,
      due_at: new Date(Date.now() - 2 * 3_600_000).toISOString(), duration_minutes: 90, is_billable: true,
    });
    env.crm.mutate.complete(noRate.id, { outcome: 'Survey done.', duration_minutes: 90 });
    app = await openSyncedApp(env, { timezoneId: ZONE, colorScheme: 'dark', viewport: { width: 1366, height: 860 } });
  });
  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('Activities, Billable (without a rate) and Settings → Billing: screenshots and axe', async () => {
    const { page } = app;
    await navigate(page, 'Activities');
    await page.locator('table.list tbody tr').first().waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill('f');
    await page.getByText('Type at least 2 characters to search.').waitFor();
    for (const w of [1366, 800]) {
      await page.setViewportSize({ width: w, height: 860 });
      await screenshot(page, `finding-activities-dark-${w}`);
    }
    await expectNoSerious(page, 'activities (dark)');
    await page.setViewportSize({ width: 1366, height: 860 });
    await goToBillable(page);
    await page.getByRole('button', { name: /^Fix \d+ without a rate$/ }).click();
    await page.getByRole('region', { name: /^Without a rate/ }).getByRole('button', { name: NO_RATE }).waitFor();
    for (const w of [1366, 800]) {
      await page.setViewportSize({ width: w, height: 860 });
      await screenshot(page, `finding-billable-dark-${w}`);
    }
    await expectNoSerious(page, 'billable (dark)');
    await navigate(page, 'Settings');
    await page.getByRole('region', { name: 'Billing' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'finding-settings-billing-dark-800');
    await expectNoSerious(page, 'settings (dark)');
  });
});
