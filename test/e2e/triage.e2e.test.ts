/**
 * Completing and triaging (issue 17): "Most overdue first" puts the oldest group first, a deferred
 * row's Complete is disabled with the reason and the way forward (and `c` does nothing), no
 * single-key shortcut fires while typing or in a dialog, "Complete & schedule follow-up" asks only
 * for the date and carries the contact and next steps over, and forms show every field error at
 * once with Enter / Ctrl+Enter submitting.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY } from '../crm-server/index.ts';
import {
  axeSerious, closeChecked, navigate, openSyncedApp, screenshot, startE2E, waitForSynced, type AppPage, type E2EEnv,
} from './harness.ts';
import { activityForm, createdNotice, daysFrom, instantAt, localInput, serverActivities } from './scenario-steps.ts';

const CUSTOMER = DIRECTORY.customers.find((c) => c.name === 'Customer 575')!;
const CONTACT = DIRECTORY.contacts.find((c) => c.name === 'Maria Keller')!;
const OLDEST = 'Renewal call from last quarter';
const WEEK = 'Send the revised quote';
const TODAY = 'Confirm the site visit';
const DEFERRED = 'Parked: pilot extension';
const REVIEW = 'Onboarding review with Maria';
const NEXT_STEPS = 'Send the SOW by Friday; customer reviews with their team';
const ACTIONS = '1. Draft SOW  2. Book kickoff';

/**
 * Holds the page's activities store with a write transaction (kept alive by chained requests) until
 * window.releaseHold() is called: reads of the store wait behind it, as on a slow device.
 */
async function holdActivitiesStore(page: Page, dbName: string): Promise<void> {
  await page.evaluate(async (name) => {
    const found = (await indexedDB.databases()).find((d) => d.name?.includes(name))?.name;
    if (!found) throw new Error(`no IndexedDB named like ${name}`);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(found);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('open failed'));
    });
    let held = true;
    const tx = db.transaction('activities', 'readwrite');
    const store = tx.objectStore('activities');
    const spin = () => { if (held) store.count().onsuccess = spin; };
    spin();
    (window as unknown as { releaseHold: () => void }).releaseHold = () => {
      held = false;
      tx.oncomplete = () => db.close();
    };
  }, dbName);
}

describe('completing and triaging', () => {
  let env: E2EEnv;
  let app: AppPage;
  const now = Date.now();
  let reviewId = '';

  beforeAll(async () => {
    env = await startE2E({ crm: { demo: false } });
    const base = { activityable_type: 'customer' as const, activityable_id: CUSTOMER.id, priority: 'medium' as const, duration_minutes: 30 };
    env.crm.mutate.create({ ...base, type: 'call', subject: OLDEST, due_at: instantAt(daysFrom(new Date(now), -40), 10) });
    env.crm.mutate.create({ ...base, type: 'task', subject: WEEK, due_at: instantAt(daysFrom(new Date(now), -3), 10) });
    // A few minutes ago: "due earlier today" (unless the run starts right after midnight).
    env.crm.mutate.create({ ...base, type: 'call', subject: TODAY, due_at: `${new Date(now - 5 * 60_000).toISOString().slice(0, 19)}Z` });
    const deferred = env.crm.mutate.create({ ...base, type: 'task', subject: DEFERRED, due_at: instantAt(daysFrom(new Date(now), -2), 11) });
    env.crm.mutate.update(deferred.id, { status: 'deferred' });
    reviewId = env.crm.mutate.create({
      ...base, type: 'meeting', subject: REVIEW, contact_id: CONTACT.id, due_at: instantAt(daysFrom(new Date(now), -1), 14),
    }).id;
    app = await openSyncedApp(env);
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('"Most overdue first" puts the most overdue group (and activity) first', async () => {
    const { page } = app;
    await navigate(page, 'Overdue');
    const list = page.getByRole('listbox', { name: 'Overdue activities' });
    await expect.poll(() => list.getByRole('option').count()).toBe(5);
    expect(await page.getByLabel('Sort by').locator('option:checked').textContent()).toBe('Most overdue first');
    const subjects = await list.getByRole('option').evaluateAll((els) => els.map((e) => e.querySelector('.fb-subject')?.textContent ?? ''));
    expect(subjects[0]).toBe(OLDEST);
    expect(subjects.at(-1)).toBe(TODAY);
    const groups = await page.locator('.fb-group').evaluateAll((els) => els.map((e) => e.firstChild?.textContent?.trim() ?? ''));
    expect(groups).toEqual(['More than 4 weeks late', '1–7 days late', 'Due earlier today']);
    await screenshot(page, 'triage-most-overdue-light');
  });

  it('a deferred row: Complete is disabled with the reason and the way forward; c does nothing, r reschedules', async () => {
    const { page } = app;
    const filter = page.getByRole('searchbox', { name: 'Filter overdue activities' });
    await filter.fill('Parked');
    const list = page.getByRole('listbox', { name: 'Overdue activities' });
    await expect.poll(() => list.getByRole('option').count()).toBe(1);
    await filter.press('Enter');
    const bar = page.getByRole('toolbar', { name: 'Actions for the current activity' });
    const complete = bar.getByRole('button', { name: /^Complete/ });
    expect(await complete.isDisabled()).toBe(true);
    const why = "A deferred activity can't be completed. Reschedule it (r) first: that makes it pending again, then complete it.";
    await bar.getByText(why).waitFor();
    expect(await complete.getAttribute('aria-describedby')).toBe('overdue-why');
    expect(await bar.getByRole('button', { name: /^Reschedule/ }).isDisabled()).toBe(false);
    await screenshot(page, 'triage-deferred-light');
    expect(await axeSerious(page)).toEqual([]);

    await page.keyboard.press('c');
    await page.keyboard.press('r');
    const reschedule = page.getByRole('dialog', { name: `Reschedule "${DEFERRED}"` });
    await reschedule.waitFor();
    // c opened nothing and said nothing after the fact.
    expect(await page.getByRole('dialog', { name: /^Complete/ }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.keyboard.press('Escape');
    await reschedule.waitFor({ state: 'detached' });
    await filter.fill('');
  });

  it('no single-key shortcut fires while typing: an "r" typed into the outcome opens nothing', async () => {
    const { page } = app;
    await navigate(page, 'Overdue');
    const filter = page.getByRole('searchbox', { name: 'Filter overdue activities' });
    // Typing in the filter: "n" and "r" are letters there.
    await filter.fill('');
    await filter.pressSequentially('Onboarding review');
    await expect.poll(() => page.getByRole('listbox', { name: 'Overdue activities' }).getByRole('option').count()).toBe(1);
    expect(await page.locator('dialog[open]').count()).toBe(0);
    await filter.press('Enter');
    // c opens the outcome. On a slow device its activity takes a moment to read (held here behind a
    // write on the same store): what the rep types meanwhile must not land on the queue's shortcuts.
    await holdActivitiesStore(page, app.dbName);
    await page.keyboard.press('c');
    await page.keyboard.type('ready to sign');
    await page.evaluate(() => (window as unknown as { releaseHold: () => void }).releaseHold());
    const outcome = page.getByRole('dialog', { name: `Complete: ${REVIEW}` });
    const discussed = outcome.getByLabel('What was discussed');
    await expect.poll(() => discussed.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('dialog', { name: /^Reschedule|^Cancel|^New activity/ }).count()).toBe(0);
    expect(await page.getByRole('listbox', { name: 'Overdue activities' }).getByRole('option', { selected: true }).count()).toBe(0);
    // In the field, letters are letters.
    await page.keyboard.type('Reviewed the rollout, ready to sign');
    await expect.poll(() => discussed.inputValue()).toBe('Reviewed the rollout, ready to sign');
    expect(await page.getByRole('dialog', { name: /^Reschedule|^Cancel|^New activity/ }).count()).toBe(0);
  });

  it('"Complete & schedule follow-up" without a date ticks the box and asks for the date; the follow-up carries contact and next steps', async () => {
    const { page } = app;
    const outcome = page.getByRole('dialog', { name: `Complete: ${REVIEW}` });
    await outcome.getByLabel('Action items').fill(ACTIONS);
    await outcome.getByLabel('Next steps').fill(NEXT_STEPS);
    const box = outcome.getByLabel('Follow-up required');
    expect(await box.isChecked()).toBe(false);
    await outcome.getByRole('button', { name: 'Complete & schedule follow-up' }).click();
    await outcome.getByText('Pick the follow-up date: the follow-up activity is due that day.').waitFor();
    expect(await box.isChecked()).toBe(true);
    expect(await outcome.getByText(/untick/).count()).toBe(0);
    await screenshot(page, 'triage-follow-up-date-light');
    const followDay = daysFrom(new Date(now), 7);
    await outcome.getByLabel('Follow-up date').fill(localInput(followDay).slice(0, 10));
    await outcome.getByRole('button', { name: 'Complete & schedule follow-up' }).click();
    await outcome.waitFor({ state: 'detached' });

    const form = activityForm(page);
    await expect.poll(() => form.getByRole('combobox', { name: 'Contact: name' }).inputValue()).toBe(CONTACT.name);
    const description = await form.getByLabel('Description', { exact: true }).inputValue();
    expect(description).toBe(`Next steps:\n${NEXT_STEPS}\n\nAction items:\n${ACTIONS}`);
    expect(await form.getByLabel('Due', { exact: true }).inputValue()).toBe(localInput(new Date(instantAt(followDay, 9))));
    await form.getByRole('button', { name: 'Create activity' }).click();
    await form.waitFor({ state: 'detached' });
    await createdNotice(page).waitFor();
    await waitForSynced(page);
    await expect.poll(async () => (await serverActivities(env)).find((a) => a.subject === `Follow-up - ${REVIEW}`)?.contact_id ?? null, { timeout: 30_000 })
      .toBe(CONTACT.id);
    const follow = (await serverActivities(env)).find((a) => a.subject === `Follow-up - ${REVIEW}`)!;
    expect(follow.description).toContain(NEXT_STEPS);
    expect(follow.description).toContain(ACTIONS);
    expect((await serverActivities(env)).find((a) => a.id === reviewId)).toMatchObject({ status: 'completed', follow_up_required: true });
  });

  it('the create form shows every field error at once; Enter in a bad duration and Ctrl+Enter submit', async () => {
    const { page } = app;
    await navigate(page, 'Activities');
    await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
    const form = activityForm(page);
    await form.getByLabel('Due', { exact: true }).fill(localInput(new Date(instantAt(daysFrom(new Date(now), 3), 10))));
    await form.getByLabel('Reminder', { exact: true }).fill(localInput(new Date(instantAt(daysFrom(new Date(now), 3), 11))));
    const duration = form.getByLabel('Duration (minutes)');
    await duration.fill('-5');
    // Enter in the invalid duration submits, and shows all three problems together.
    await duration.press('Enter');
    await form.getByText('Enter a subject.').waitFor();
    await form.getByText('Duration cannot be negative.').waitFor();
    await form.getByText('The reminder must be at or before the due time.').waitFor();
    await screenshot(page, 'triage-all-errors-light');
    expect(await axeSerious(page)).toEqual([]);

    // Fixed one by one; Ctrl+Enter from the description (a textarea) submits too.
    await form.getByLabel('Subject', { exact: true }).fill('Prep the pilot extension pack');
    await duration.fill('45');
    await form.getByLabel('Reminder', { exact: true }).fill(localInput(new Date(instantAt(daysFrom(new Date(now), 3), 9, 30))));
    await form.getByRole('combobox', { name: 'Related record: name' }).fill('Customer 575');
    await form.getByRole('listbox', { name: 'Related record results' }).getByRole('option', { name: /^Customer 575/ }).click();
    await form.getByLabel('Description', { exact: true }).fill('Two pages, pricing last.');
    await form.getByLabel('Description', { exact: true }).press('Control+Enter');
    await form.waitFor({ state: 'detached' });
    await createdNotice(page).waitFor();
  });
});

describe('triage views, dark and narrow', () => {
  let env: E2EEnv;
  let app: AppPage;

  beforeAll(async () => {
    env = await startE2E({ crm: { demo: false } });
    const base = { activityable_type: 'customer' as const, activityable_id: CUSTOMER.id, priority: 'medium' as const, duration_minutes: 30 };
    const deferred = env.crm.mutate.create({ ...base, type: 'task', subject: DEFERRED, due_at: instantAt(daysFrom(new Date(), -2), 11) });
    env.crm.mutate.update(deferred.id, { status: 'deferred' });
    env.crm.mutate.create({ ...base, type: 'meeting', subject: REVIEW, contact_id: CONTACT.id, due_at: instantAt(daysFrom(new Date(), -1), 14) });
    app = await openSyncedApp(env, { colorScheme: 'dark', viewport: { width: 800, height: 860 } });
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('the deferred reason and the follow-up date message read well in dark at 800 px, axe clean', async () => {
    const { page } = app;
    await navigate(page, 'Overdue');
    const filter = page.getByRole('searchbox', { name: 'Filter overdue activities' });
    await filter.fill('Parked');
    await expect.poll(() => page.getByRole('listbox', { name: 'Overdue activities' }).getByRole('option').count()).toBe(1);
    await filter.press('Enter');
    await page.getByText("A deferred activity can't be completed.", { exact: false }).waitFor();
    await screenshot(page, 'triage-deferred-dark-800');
    expect(await axeSerious(page)).toEqual([]);
    await filter.fill('Onboarding');
    await expect.poll(() => page.getByRole('listbox', { name: 'Overdue activities' }).getByRole('option').count()).toBe(1);
    await filter.press('Enter');
    await page.keyboard.press('c');
    const outcome = page.getByRole('dialog', { name: `Complete: ${REVIEW}` });
    await outcome.getByRole('button', { name: 'Complete & schedule follow-up' }).click();
    await outcome.getByText('Pick the follow-up date: the follow-up activity is due that day.').waitFor();
    await screenshot(page, 'triage-follow-up-date-dark-800');
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await outcome.waitFor({ state: 'detached' });
  });
});
