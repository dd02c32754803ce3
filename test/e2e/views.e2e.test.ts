/**
 * Every view in light and dark: a screenshot in test-results/screenshots/<view>-<theme>.png and
 * an axe-core scan with no serious or critical violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync, waitForSynced, type AppPage, type E2EEnv,
} from './harness.ts';
import { DIRECTORY, GUIDE_IDS, startCrmServer } from '../crm-server/index.ts';
import { createdNotice, escapeRe, openCreated } from './scenario-steps.ts';

let env: E2EEnv;

beforeAll(async () => {
  env = await startE2E();
});

afterAll(async () => {
  await env?.close();
});

/** In the Day view: today, or the first of the next six days with activities on it. */
async function toDayWithEvents(page: Page): Promise<void> {
  const title = page.locator('.fb-cal-title');
  for (let i = 0; i < 7; i++) {
    await page.locator('.fb-cal-wrap[aria-busy="false"] .fc-timeGridDay-view').waitFor();
    if (await page.locator('.fc-timeGridDay-view .fc-event').count() > 0) return;
    const before = await title.textContent();
    await page.getByRole('button', { name: 'Next day', exact: true }).click();
    await expect.poll(() => title.textContent()).not.toBe(before);
  }
  throw new Error('no day with activities in the week ahead');
}

async function check(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const violations = await axeSerious(page);
  expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

for (const theme of ['light', 'dark'] as const) {
  describe(`views (${theme})`, () => {
    let app: AppPage;

    beforeAll(async () => {
      app = await openApp(env, { colorScheme: theme });
      await waitForFirstSync(app.page);
      await waitForDirectory(app.page);
    });

    afterAll(async () => {
      expect(app.errors).toEqual([]);
      await app.context.close();
    });

    it('uses the theme it was asked for', async () => {
      expect(await app.page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    });

    it('Calendar: week, day and month', async () => {
      await navigate(app.page, 'Calendar');
      const events = app.page.locator('.fb-cal-wrap[aria-busy="false"] .fc-event');
      await events.first().waitFor();
      await check(app.page, `calendar-${theme}`);
      // The demo data has activities today by the CRM's UTC day: in the hour the rep's day has
      // turned and UTC's not yet (Berlin 00:00–01:00), they are yesterday's. The day shown is the
      // first with activities from today on; the month holds the week's.
      await app.page.getByRole('button', { name: 'Day', exact: true }).click();
      await app.page.locator('.fc-timeGridDay-view').waitFor();
      await toDayWithEvents(app.page);
      await check(app.page, `calendar-day-${theme}`);
      await app.page.getByRole('button', { name: 'Month', exact: true }).click();
      await app.page.locator('.fc-dayGridMonth-view').waitFor();
      await events.first().waitFor();
      await check(app.page, `calendar-month-${theme}`);
      await app.page.getByRole('button', { name: 'Week', exact: true }).click();
      await app.page.locator('.fc-timeGridWeek-view').waitFor();
    });

    it('Overdue', async () => {
      await navigate(app.page, 'Overdue');
      await app.page.locator('[role="listbox"][aria-busy="false"] [role="option"]').first().waitFor();
      await check(app.page, `overdue-${theme}`);
    });

    it('Activities', async () => {
      await navigate(app.page, 'Activities');
      await app.page.locator('table.list tbody tr').first().waitFor();
      await check(app.page, `activities-${theme}`);
    });

    it('Activity detail', async () => {
      await navigate(app.page, 'Activities');
      await app.page.locator('table.list tbody tr .subject-cell button').first().click();
      const dialog = app.page.getByRole('dialog');
      await dialog.getByRole('toolbar', { name: 'Actions' }).waitFor();
      await check(app.page, `activity-detail-${theme}`);
      await app.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('Create form (with per-field errors)', async () => {
      await app.page.getByRole('button', { name: 'New activity' }).first().click();
      const dialog = app.page.getByRole('dialog', { name: 'New activity' });
      await dialog.getByLabel('Subject').fill('Call');
      await dialog.getByRole('button', { name: 'Create activity' }).click();
      await dialog.getByText('Choose the related record.').or(dialog.getByText(/Related record.*required/)).first().waitFor();
      await check(app.page, `create-form-${theme}`);
      await app.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('Sync', async () => {
      await navigate(app.page, 'Sync');
      await check(app.page, `sync-${theme}`);
    });

    it('Settings', async () => {
      await navigate(app.page, 'Settings');
      await check(app.page, `settings-${theme}`);
    });
  });
}

interface ServerActivity {
  id: string;
  subject: string;
  follow_up_date: string | null;
  due_at: string | null;
  reminder_at: string | null;
  activityable_type: string;
  activityable_id: string;
  type: string;
  priority: string;
}

/** Writes records into the app's offline directory (as a directory pull would have). */
async function putDirectory(app: AppPage, entities: { type: string; id: string; name: string; words: string[] }[]): Promise<void> {
  await app.page.evaluate(async ({ dbName, entities }) => {
    const db = await new Promise<IDBDatabase>((ok, ko) => {
      const r = indexedDB.open(dbName);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(new Error(String(r.error)));
    });
    await new Promise<void>((ok, ko) => {
      const tx = db.transaction('entities', 'readwrite');
      for (const e of entities) tx.objectStore('entities').put(e);
      tx.oncomplete = () => ok();
      tx.onerror = () => ko(new Error(String(tx.error)));
    });
    db.close();
  }, { dbName: app.dbName, entities });
}

/** The CRM's list answer for `query`, 100 a page unless asked. */
async function serverList(query: Record<string, string>): Promise<{ data: ServerActivity[]; meta: { total: number } }> {
  const res = await fetch(`${env.crm.url}/api/v1/crm/activities?${new URLSearchParams({ per_page: '100', ...query }).toString()}`, {
    headers: { Authorization: `Bearer ${env.crm.token}` },
  });
  return (await res.json()) as { data: ServerActivity[]; meta: { total: number } };
}

/** "New activity" on a record of the offline directory (found by `search`, picked by `name`); its detail is closed again. */
async function createOnRecord(page: Page, subject: string, record: { search: string; name: string }): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
  const form = page.getByRole('dialog', { name: 'New activity' });
  await form.getByLabel('Subject').fill(subject);
  await form.getByRole('combobox', { name: 'Related record: name' }).fill(record.search);
  await form.getByRole('option', { name: new RegExp(escapeRe(record.name)) }).click();
  await form.getByRole('button', { name: 'Create activity' }).click();
  await form.waitFor({ state: 'detached' });
  await createdNotice(page).waitFor();
}

/**
 * A conflict in the making: `target` edited here while offline (one field of the edit form), then
 * `theirs` changes it on the CRM, then the browser is back online.
 */
async function editOfflineWhileCrmChanges(app: AppPage, target: ServerActivity, field: string, value: string, theirs: () => void): Promise<void> {
  const { page } = app;
  await navigate(page, 'Activities');
  await page.getByRole('searchbox', { name: 'Search' }).fill(target.subject.split(' ').slice(0, 3).join(' '));
  await app.goOffline();
  await page.getByRole('button', { name: target.subject, exact: true }).first().click();
  await page.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit activity' });
  await edit.getByLabel(field).fill(value);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await edit.waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  theirs();
  await app.goOnline();
}

async function serverSearch(q: string): Promise<ServerActivity[]> {
  const res = await fetch(`${env.crm.url}/api/v1/crm/activities/search?q=${encodeURIComponent(q)}`, {
    headers: { Authorization: `Bearer ${env.crm.token}` },
  });
  const body = (await res.json()) as { data: ServerActivity[] };
  return body.data;
}

describe('activities: search, offline create, sync, dates', () => {
  it('asks for 2 characters before searching, then narrows the list', async () => {
    const app = await openApp(env);
    await waitForFirstSync(app.page);
    await navigate(app.page, 'Activities');
    const rows = app.page.locator('table.list tbody tr');
    await rows.first().waitFor();
    const search = app.page.getByRole('searchbox', { name: 'Search' });
    await search.fill('Q');
    await app.page.getByText('Type at least 2 characters to search.').waitFor();
    await search.fill('QBR');
    await app.page.getByText('Type at least 2 characters to search.').waitFor({ state: 'detached' });
    await expect.poll(async () => (await rows.allTextContents()).every((t) => /QBR/i.test(t)) && (await rows.count()) > 0).toBe(true);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('filters, sorts and pages the list as the CRM lists the same activities', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await waitForDirectory(page);
    await navigate(page, 'Activities');
    const subjects = () => page.locator('table.list tbody td.subject-cell').allTextContents();
    const sorted = (xs: string[]) => [...xs].sort();
    const me = { assigned_user_id: GUIDE_IDS.jane };

    // Mine, 25 a page: the pager counts what the CRM counts, and the next page follows on.
    await page.getByLabel('Assignee').selectOption(GUIDE_IDS.jane);
    const mine = await serverList(me);
    expect(mine.meta.total).toBeGreaterThan(25);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await pager.getByText(`1–25 of ${mine.meta.total}`).waitFor();
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText(`26–${Math.min(50, mine.meta.total)} of ${mine.meta.total}`).waitFor();
    await page.getByLabel('Rows per page').selectOption('100');
    await pager.getByText(`1–${Math.min(100, mine.meta.total)} of ${mine.meta.total}`).waitFor();

    // Type, status and the related record's type alone (the guide's activityable_type), then one record.
    await page.getByLabel('Type', { exact: true }).selectOption('call');
    await page.getByLabel('Status', { exact: true }).selectOption('pending');
    await page.getByLabel('Related to').selectOption('opportunity');
    const filtered = await serverList({ ...me, type: 'call', status: 'pending', activityable_type: 'opportunity' });
    expect(filtered.data.length).toBeGreaterThan(1);
    await expect.poll(async () => sorted(await subjects())).toEqual(sorted(filtered.data.map((a) => a.subject)));
    const record = filtered.data[0]!.activityable_id;
    const name = DIRECTORY.opportunities.find((o) => o.id === record)?.name ?? '';
    await page.getByRole('combobox', { name: 'Related record: name' }).fill(name.slice(0, 12));
    await page.getByRole('option', { name: new RegExp(escapeRe(name)) }).first().click();
    const one = filtered.data.filter((a) => a.activityable_id === record).map((a) => a.subject);
    await expect.poll(async () => sorted(await subjects())).toEqual(sorted(one));

    // Priority, highest first: the rows come in the CRM's priority order.
    await page.getByLabel('Related to').selectOption('');
    await page.getByLabel('Sort by').selectOption('priority');
    await page.getByLabel('Order').selectOption('desc');
    const byPriority = await serverList({ ...me, type: 'call', status: 'pending', sort_by: 'priority', sort_direction: 'desc' });
    const priorities = async () => (await page.locator('table.list tbody tr td:nth-child(4)').allTextContents()).map((t) => t.trim().toLowerCase());
    await expect.poll(priorities).toEqual(byPriority.data.map((a) => a.priority));
    expect(new Set(byPriority.data.map((a) => a.priority)).size).toBeGreaterThan(1);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('creates an activity offline: hint, not-yet-synced mark, then synced to the CRM with the date-only field intact', async () => {
    // UTC+14: any accidental trip of a date-only value through local time shows up as a day's shift.
    const app = await openApp(env, { timezoneId: 'Pacific/Kiritimati' });
    await waitForFirstSync(app.page);
    await waitForDirectory(app.page);
    await app.goOffline();
    await app.page.getByRole('status', { name: 'Sync status' }).getByText('Offline').waitFor();

    await app.page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
    const form = app.page.getByRole('dialog', { name: 'New activity' });
    await form.getByLabel('Type', { exact: true }).selectOption('call');
    await form.getByLabel('Subject').fill('Call');
    await form.getByText(/Be specific/).waitFor();
    const subject = `Pricing call with Globex CFO ${Date.now()}`;
    await form.getByLabel('Subject').fill(subject);
    await form.getByText(/Be specific/).waitFor({ state: 'detached' });
    await form.getByRole('combobox', { name: 'Related record: type' }).selectOption('customer');
    await form.getByRole('combobox', { name: 'Related record: name' }).fill('Globex');
    await form.getByRole('option', { name: /Globex Corporation/ }).click();
    await form.getByLabel('Due').fill('2030-03-04T10:30');
    await form.getByText('Default for Call: 15 min before').first().waitFor();
    await form.getByLabel('Follow-up required').check();
    await form.getByLabel('Follow-up date').fill('2030-03-05');
    await form.getByRole('button', { name: 'Create activity' }).click();
    await form.waitFor({ state: 'detached' });
    await openCreated(app.page);

    const detail = app.page.getByRole('dialog', { name: subject });
    await detail.getByText('Not yet synced').first().waitFor();
    await detail.getByText('Required, by Tue, 5 Mar 2030').waitFor();
    await detail.getByText('Mon, 4 Mar 2030, 10:30').waitFor();
    await detail.getByText('Mon, 4 Mar 2030, 10:15').waitFor(); // default reminder, 15 min before
    await app.page.keyboard.press('Escape');
    await app.page.getByRole('status', { name: 'Sync status' }).getByText('1 pending change').waitFor();
    expect(await serverSearch(subject)).toEqual([]);

    await app.goOnline();
    await waitForSynced(app.page);
    const [remote] = await serverSearch(subject);
    expect(remote).toMatchObject({
      subject, type: 'call', activityable_type: 'customer', follow_up_date: '2030-03-05',
      due_at: '2030-03-03T20:30:00Z', reminder_at: '2030-03-03T20:15:00Z',
    });

    // The list's due-date filter is the rep's calendar day (4 March here, 3 March in UTC).
    await navigate(app.page, 'Activities');
    const row = app.page.locator('table.list tbody tr', { hasText: subject });
    for (const [day, shown] of [['2030-03-04', true], ['2030-03-03', false]] as const) {
      await app.page.getByLabel('Due from').fill(day);
      await app.page.getByLabel('Due to').fill(day);
      await app.page.locator(`.table-wrap[aria-busy="false"]`).waitFor();
      await row.waitFor({ state: shown ? 'visible' : 'detached' });
    }
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

describe('sync issues: refused change and conflict', () => {
  it('shows a refused create, fixes it with edit & retry; resolves a conflict by taking theirs', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await waitForDirectory(page);

    // A customer the device knows but the CRM no longer has (deleted there after the last directory pull).
    await putDirectory(app, [{ type: 'customer', id: 'gone-customer-1', name: 'Vanished Trading', words: ['vanished', 'trading'] }]);

    const subject = `Quarterly check-in with Vanished Trading ${Date.now()}`;
    await createOnRecord(page, subject, { search: 'Vanished', name: 'Vanished Trading' });

    // A conflict: edited here (offline) while the CRM completed it (a completed activity takes notes only).
    const [target] = (await serverList({ status: 'pending', assigned_user_id: GUIDE_IDS.jane, sort_by: 'created_at', per_page: '1' })).data;
    if (!target) throw new Error('demo data has no pending activity');
    await editOfflineWhileCrmChanges(app, target, 'Subject', `${target.subject} (mine)`, () => env.crm.mutate.complete(target.id, { outcome: 'Done by a colleague' }));

    await navigate(page, 'Sync');
    const refused = page.getByRole('article', { name: `Create: ${subject}` });
    await refused.getByText(/not found/i).waitFor();
    const conflict = page.getByRole('article', { name: `Conflict: ${target.subject} (mine)` });
    await conflict.waitFor();
    await screenshot(page, 'sync-issues-light');
    expect(await axeSerious(page)).toEqual([]);

    await conflict.getByRole('button', { name: 'Take theirs' }).click();
    await conflict.waitFor({ state: 'detached' });

    await refused.getByRole('button', { name: 'Edit & retry' }).click();
    const fix = page.getByRole('dialog', { name: 'Edit & retry' });
    await fix.getByLabel('activityable id').fill(GUIDE_IDS.customer423);
    await fix.getByRole('button', { name: 'Save & retry' }).click();
    await refused.waitFor({ state: 'detached' });
    await waitForSynced(page);

    const [remote] = await serverSearch(subject);
    expect(remote).toMatchObject({ subject, activityable_type: 'customer' });
    expect(env.crm.mutate.get(target.id)).toMatchObject({ subject: target.subject, status: 'completed' });
    // The device took the CRM's version.
    await navigate(page, 'Activities');
    await page.getByRole('searchbox', { name: 'Search' }).fill(target.subject.split(' ').slice(0, 3).join(' '));
    await page.getByRole('row', { name: new RegExp(`^${escapeRe(target.subject)}.*Completed`) }).waitFor();
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

describe('sync issues: retry, discard, keep mine', () => {
  it('retries a refused create once the CRM has its customer, discards another after confirming, keeps mine on a field conflict', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await waitForDirectory(page);
    // Two customers the device knows and the CRM does not (yet).
    await putDirectory(app, [
      { type: 'customer', id: 'later-customer-1', name: 'Latecomer Foods', words: ['latecomer', 'foods'] },
      { type: 'customer', id: 'never-customer-1', name: 'Nevermore Ltd', words: ['nevermore', 'ltd'] },
    ]);
    const stamp = Date.now();
    const later = `Tasting visit at Latecomer Foods ${stamp}`;
    const never = `Intro call with Nevermore ${stamp}`;
    await createOnRecord(page, later, { search: 'Latecomer', name: 'Latecomer Foods' });
    await createOnRecord(page, never, { search: 'Nevermore', name: 'Nevermore Ltd' });

    // A field conflict: the description edited here (offline) and on the CRM.
    const [target] = (await serverList({ status: 'pending', assigned_user_id: GUIDE_IDS.jane, sort_by: 'created_at', sort_direction: 'desc', per_page: '1' })).data;
    if (!target) throw new Error('demo data has no pending activity');
    await editOfflineWhileCrmChanges(app, target, 'Description', 'Mine: bring the signed order form.', () => {
      env.crm.mutate.update(target.id, { description: 'Theirs: bring the catalogue.' });
    });

    await navigate(page, 'Sync');
    const retry = page.getByRole('article', { name: `Create: ${later}` });
    const discard = page.getByRole('article', { name: `Create: ${never}` });
    const conflict = page.getByRole('article', { name: new RegExp(`^Conflict: ${escapeRe(target.subject)}`) });
    await retry.getByText(/not found/i).waitFor();
    await discard.getByText(/not found/i).waitFor();
    await conflict.waitFor();

    // Retry: the CRM has the customer now.
    env.crm.store.putEntity('customer', { id: 'later-customer-1', name: 'Latecomer Foods', status: 'active', industry: 'Food', time_zone: 'Europe/Berlin', email: null, phone: null, tags: [], notes: null }, Date.now());
    await retry.getByRole('button', { name: 'Retry', exact: true }).click();
    await retry.waitFor({ state: 'detached' });

    // Discard asks first; confirming drops the change and the activity it created.
    await discard.getByRole('button', { name: 'Discard', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Discard this change?' });
    await confirm.getByRole('button', { name: 'Discard change' }).click();
    await discard.waitFor({ state: 'detached' });

    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    await conflict.waitFor({ state: 'detached' });
    await waitForSynced(page);

    expect((await serverSearch(later)).map((a) => a.activityable_id)).toEqual(['later-customer-1']);
    expect(await serverSearch(never)).toEqual([]);
    expect(env.crm.mutate.get(target.id)).toMatchObject({ description: 'Mine: bring the signed order form.' });
    await navigate(page, 'Activities');
    await page.getByRole('searchbox', { name: 'Search' }).fill(`Nevermore ${stamp}`);
    await page.getByText('No activities match these filters.').waitFor();
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

describe('first run', () => {
  it('asks for the CRM address and token, then learns who the rep is', async () => {
    const app = await openApp(env, { signIn: false });
    const { page } = app;
    const gate = page.getByRole('form', { name: 'Sign in to the CRM' });
    await gate.waitFor();
    await screenshot(page, 'signin-light');
    expect(await axeSerious(page)).toEqual([]);
    await gate.getByRole('button', { name: 'Sign in' }).click();
    await gate.getByText('Enter your API token.').waitFor();
    await gate.getByLabel('CRM address').fill(env.crm.url);
    await gate.getByLabel('API token').fill(env.crm.token);
    await gate.getByRole('button', { name: 'Sign in' }).click();
    await waitForFirstSync(page);
    await navigate(page, 'Settings');
    await page.getByText(`Signed in to ${env.crm.url} as Jane Manager.`).waitFor();
    await page.getByText('CRM features: idempotency, etag, updated-since, users-me.').waitFor();
    expect(page.url()).not.toContain('token=');
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

describe('settings', () => {
  it('keeps reminder leads, hours and theme across a reload; the token is asked for again', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await navigate(page, 'Settings');
    await page.getByLabel('Call', { exact: true }).selectOption('30');
    await page.getByText('Reminder for Call saved.').waitFor();
    await page.getByLabel('Quiet hours (no reminder pop-ups)').check();
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    await page.reload();
    await page.getByRole('form', { name: 'Sign in to the CRM' }).waitFor();
    await navigate(page, 'Settings');
    expect(await page.getByLabel('Call', { exact: true }).inputValue()).toBe('30');
    expect(await page.getByLabel('Quiet hours (no reminder pop-ups)').isChecked()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
    await page.getByRole('dialog', { name: 'New activity' }).getByText('Default for Call: 30 min before').waitFor();
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('working hours set the reschedule presets: next business day at their start; in 1 hour from now', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await navigate(page, 'Settings');
    await page.getByLabel('Working hours start').fill('07:30');
    await page.getByLabel('Working hours end').fill('15:45');
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await page.getByText('Working hours saved.').waitFor();

    await navigate(page, 'Overdue');
    const list = page.getByRole('listbox', { name: 'Overdue activities' });
    await page.locator('[role="listbox"][aria-busy="false"] [role="option"]').first().waitFor();
    await list.focus();
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog', { name: /^Reschedule/ });
    const preview = dialog.getByText('New due:');
    await dialog.getByLabel('Next business day').check();
    // Berlin (the test browser's zone): the next weekday, at the start of the rep's working hours.
    await expect.poll(async () => (await preview.textContent()) ?? '').toMatch(/New due: (Monday|Tuesday|Wednesday|Thursday|Friday) \d+ \w+(,| at) 07:30$/);
    await dialog.getByLabel('In 1 hour').check();
    await expect.poll(async () => {
      const m = /(?:,| at) (\d\d):(\d\d)$/.exec((await preview.textContent()) ?? '');
      if (!m) return NaN;
      const berlin = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/Berlin' }));
      const minutesAhead = (Number(m[1]) * 60 + Number(m[2]) - (berlin.getHours() * 60 + berlin.getMinutes()) + 1440) % 1440;
      return minutesAhead >= 59 && minutesAhead <= 66;
    }).toBe(true);
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The calendar follows too: the day grid opens scrolled to 07:30.
    await navigate(page, 'Calendar');
    await page.locator('.fc-timegrid-slot[data-time="07:30:00"]').first().waitFor();
    await expect.poll(() => page.evaluate(() => {
      const slot = document.querySelector('.fc-timegrid-slot-lane[data-time="07:30:00"]');
      const scroller = slot?.closest('.fc-scroller');
      // Within a border's width of the top (09:00, the default, would be three slots further).
      return slot && scroller ? Math.abs(slot.getBoundingClientRect().top - scroller.getBoundingClientRect().top) <= 3 : false;
    })).toBe(true);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('asks for a new token after a 401 and resumes syncing', async () => {
    const app = await openApp(env, { signIn: false, params: { crm: env.crm.url, token: 'revoked-token' } });
    const { page } = app;
    const again = page.getByRole('button', { name: 'Sign in again to sync' });
    await again.waitFor();
    await again.click();
    await page.getByText('The CRM refused your token.').waitFor();
    const form = page.getByRole('form', { name: 'Sign in to the CRM' });
    await form.getByLabel('API token').fill(env.crm.token);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await again.waitFor({ state: 'detached' });
    await waitForFirstSync(page);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('lets the rep pick who they are when the CRM has no /users/me', async () => {
    const crm = await startCrmServer({ port: 0, demo: true, usersMe: false });
    try {
      const app = await openApp(env, { signIn: false, params: { crm: crm.url, token: crm.token } });
      const { page } = app;
      await waitForDirectory(page);
      await page.getByText('The CRM did not say who you are: pick yourself in Settings.').waitFor();
      await navigate(page, 'Settings');
      await page.getByLabel('Your user').selectOption({ label: 'Jane Manager (jane@yourcompany.com)' });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText(`Signed in to ${crm.url} as Jane Manager.`).waitFor();
      await page.getByText('CRM features: idempotency, etag, updated-since.').waitFor();
      await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
      expect(await page.getByRole('dialog', { name: 'New activity' }).getByLabel('Assigned to').locator('option:checked').textContent()).toBe('Me (Jane Manager)');
      expect(app.errors).toEqual([]);
      await app.context.close();
    } finally {
      await crm.close();
    }
  });
});

describe('keyboard', () => {
  it('every control Tab reaches shows a focus ring (Activities, Overdue, Calendar)', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    const missing: string[] = [];
    let reached = 0;
    const tabThrough = async (stops: number) => {
      for (let i = 0; i < stops; i++) {
        await page.keyboard.press('Tab');
        const r = await page.evaluate(() => {
          const el = document.activeElement;
          if (!(el instanceof HTMLElement) || el === document.body) return null;
          const cs = getComputedStyle(el);
          const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none';
          return { what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`, ring };
        });
        if (!r) continue;
        reached++;
        if (!r.ring) missing.push(r.what);
      }
    };
    await navigate(page, 'Activities');
    await page.locator('.table-wrap[aria-busy="false"] tbody tr').first().waitFor();
    await tabThrough(45);
    await navigate(page, 'Overdue');
    await page.locator('[role="listbox"][aria-busy="false"] [role="option"]').first().waitFor();
    await tabThrough(25);
    await navigate(page, 'Calendar');
    await page.locator('.fb-cal-wrap[aria-busy="false"] .fc-event').first().waitFor();
    await tabThrough(30);
    expect(missing).toEqual([]);
    expect(reached).toBeGreaterThan(80);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('N opens the form, the entity picker works with arrows and Enter, Escape closes and gives focus back', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await waitForDirectory(page);
    await navigate(page, 'Activities');
    const opener = page.getByRole('button', { name: 'Reset filters' });
    await opener.focus();
    await page.keyboard.press('n');
    const form = page.getByRole('dialog', { name: 'New activity' });
    await form.waitFor();
    // Focus starts in the subject.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('placeholder'))).toMatch(/Discovery call/);
    await page.keyboard.type('Renewal terms call with Globex');
    const combo = form.getByRole('combobox', { name: 'Related record: name' });
    await combo.focus();
    await page.keyboard.type('Glob');
    await form.getByRole('option', { name: /Globex Corporation/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => combo.inputValue()).toBe('Globex Corporation');
    // Escape in an open list closes the list, not the dialog.
    await page.keyboard.press('ArrowDown');
    await form.getByRole('listbox').waitFor();
    await page.keyboard.press('Escape');
    await form.getByRole('listbox').waitFor({ state: 'detached' });
    expect(await form.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    // "/" jumps to search.
    await page.keyboard.press('/');
    expect(await page.getByRole('searchbox', { name: 'Search' }).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});
