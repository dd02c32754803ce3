/**
 * Issue 7, recurring series: created OFFLINE from New activity (weekly on Tue and Thu, 6 times),
 * the third occurrence edited "this and following" (new time, location), then back online: the
 * server must hold exactly six linked activities, the first two unchanged and the last four edited.
 * Also: customer-local time beside the rep's in the form, screenshots light/dark, axe.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync, waitForSynced } from './harness.ts';
import {
  ZONE, activityForm, closeDetail, createdDuringRun, createdNotice, daysFrom, endRun, fillActivityForm, finishRun, instantAt, localInput,
  nextWeekMonday, serverActivities, waitForOutboxEmpty, type ScenarioRun,
} from './scenario-steps.ts';

const SUBJECT = 'Zephyr weekly sync - rollout status';
const CUSTOMER = 'Globex Corporation';

async function expectNoSerious(page: Page, what: string): Promise<void> {
  const v = await axeSerious(page);
  expect(v, `${what}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

describe('recurring series: created offline, edited "this and following", synced', () => {
  let run: ScenarioRun | undefined;
  const monday = nextWeekMonday();
  const tuesday = daysFrom(monday, 1);
  // The six dates: Tue/Thu of three weeks.
  const days = [0, 2, 7, 9, 14, 16].map((n) => daysFrom(tuesday, n));

  beforeAll(async () => {
    const env = await startE2E();
    const before = new Set((await serverActivities(env)).map((a) => a.id));
    const app = await openApp(env, { timezoneId: ZONE });
    await waitForFirstSync(app.page);
    await waitForDirectory(app.page);
    await app.goOffline();
    await app.page.getByRole('status', { name: 'Sync status' }).getByText('Offline', { exact: true }).waitFor();
    run = { env, app, mode: 'offline', before };
  });
  afterAll(async () => {
    if (run) expect(run.app.errors).toEqual([]);
    await endRun(run);
  });

  it('creates the series from New activity with a preview of its dates and the customer\'s local time', async () => {
    const { page } = run!.app;
    await navigate(page, 'Activities');
    await page.getByRole('button', { name: 'New activity' }).first().click();
    const form = activityForm(page);
    await fillActivityForm(form, {
      type: 'meeting', subject: SUBJECT, entity: { type: 'customer', name: CUSTOMER },
      due: localInput(new Date(instantAt(tuesday, 10))), duration: '45',
    });
    // Globex is in America/Chicago: 10:00 Berlin is 03:00 there.
    await expect.poll(() => form.getByTestId('customer-local-time').textContent()).toMatch(/Customer: 03:00 CST.*outside their working hours/);

    await form.getByLabel('Repeat', { exact: true }).check();
    await form.getByLabel('Repeats').selectOption('weekly');
    // The due day (Tuesday) starts checked; add Thursday.
    await expect(form.getByLabel('Tuesday').isChecked()).resolves.toBe(true);
    await form.getByLabel('Thursday').check();
    await form.getByLabel('Times').fill('6');
    const preview = form.getByRole('list', { name: 'Dates of the series' });
    await preview.getByRole('listitem').nth(5).waitFor();
    expect(await preview.getByRole('listitem').allTextContents()).toEqual(
      days.map((d) => format(new TZDate(Date.parse(instantAt(d, 10)), ZONE), 'EEE, d MMM yyyy, HH:mm')),
    );
    await form.getByText('Weekly on Tue and Thu, 6 times').waitFor();
    await screenshot(page, 'series-repeat-form-light');
    await expectNoSerious(page, 'repeat fields');

    await form.getByRole('button', { name: 'Create activity' }).click();
    await form.waitFor({ state: 'detached' });
    // Back where the rep was (no detail to close), with a notice that opens the series.
    await createdNotice(page).waitFor();
  });

  it('edits the third occurrence "this and following": new time and location', async () => {
    const { page } = run!.app;
    await page.getByLabel('Search', { exact: true }).fill('Zephyr');
    const rows = page.locator('table.list tbody tr .subject-cell button');
    await expect.poll(() => rows.count()).toBe(6);
    await rows.nth(2).click();
    const detail = page.getByRole('dialog', { name: SUBJECT });
    await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('dialog', { name: 'Edit activity' });
    await form.getByRole('group', { name: /This activity repeats \(occurrence 3\)/ }).waitFor();
    await form.getByLabel('This and following').check();
    await form.getByLabel('Due', { exact: true }).fill(localInput(new Date(instantAt(days[2]!, 11, 30))));
    await form.getByLabel('Location').fill('Globex HQ, room 4');
    await screenshot(page, 'series-edit-chooser-light');
    await expectNoSerious(page, 'series edit chooser');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByText(/Changes saved on this device \(4 activities\)/).waitFor();
    if (await page.locator('dialog[open]').count()) await closeDetail(page);
  });

  it('syncs: the server holds exactly the six occurrences, the last four edited', async () => {
    await finishRun(run!);
    const list = (await createdDuringRun(run!, { activityable_id: GUIDE_IDS.customer423 }))
      .filter((a) => a.subject === SUBJECT)
      .sort((a, b) => Date.parse(a.due_at ?? '') - Date.parse(b.due_at ?? ''));
    expect(list).toHaveLength(6);
    const seriesIds = new Set(list.map((a) => a.custom_fields.series_id));
    expect(seriesIds.size).toBe(1);
    expect([...seriesIds][0]).toEqual(expect.any(String));
    expect(list.map((a) => Number(a.custom_fields.series_index))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(list.map((a) => a.due_at)).toEqual([
      instantAt(days[0]!, 10), instantAt(days[1]!, 10),
      instantAt(days[2]!, 11, 30), instantAt(days[3]!, 11, 30), instantAt(days[4]!, 11, 30), instantAt(days[5]!, 11, 30),
    ]);
    expect(list.map((a) => a.location)).toEqual([null, null, ...Array<string>(4).fill('Globex HQ, room 4')]);
    expect(list.every((a) => a.type === 'meeting' && a.status === 'pending' && a.duration_minutes === 45)).toBe(true);
  });

  it('ends the series from an occurrence\'s detail: every future open occurrence is cancelled on the server', async () => {
    const { page } = run!.app;
    const rows = page.locator('table.list tbody tr .subject-cell button');
    await rows.nth(4).click();
    const detail = page.getByRole('dialog', { name: SUBJECT });
    const section = detail.getByRole('region', { name: 'Recurring series' });
    await section.getByText('Occurrence 5 of 6 on this device · 6 still ahead.').waitFor();
    await screenshot(page, 'series-detail-light');
    await expectNoSerious(page, 'series detail');
    await section.getByRole('button', { name: 'End series…' }).click();
    await page.getByRole('dialog', { name: 'End this series?' }).getByRole('button', { name: 'End series' }).click();
    await page.getByText('Series ended: 6 future activities cancelled, 0 kept.').waitFor();
    await waitForOutboxEmpty(run!.app);
    await waitForSynced(page);
    const list = (await createdDuringRun(run!, { activityable_id: GUIDE_IDS.customer423 })).filter((a) => a.subject === SUBJECT);
    expect(list).toHaveLength(6);
    expect(list.map((a) => [a.status, a.cancellation_reason])).toEqual(Array(6).fill(['cancelled', 'Recurring series ended']));
  });
});

describe('series view screenshots (dark)', () => {
  it('repeat fields in the dark theme', async () => {
    const env = await startE2E();
    try {
      const app = await openApp(env, { timezoneId: ZONE, colorScheme: 'dark' });
      await waitForFirstSync(app.page);
      await waitForDirectory(app.page);
      await navigate(app.page, 'Activities');
      await app.page.getByRole('button', { name: 'New activity' }).first().click();
      const form = activityForm(app.page);
      await fillActivityForm(form, { type: 'meeting', subject: SUBJECT, entity: { type: 'customer', name: CUSTOMER }, due: localInput(new Date(instantAt(nextWeekMonday(), 10))) });
      await form.getByLabel('Repeat', { exact: true }).check();
      await form.getByLabel('Repeats').selectOption('weekdays');
      await form.getByLabel('Ends').selectOption('until');
      await form.getByLabel('Last date').fill(localInput(daysFrom(nextWeekMonday(), 11)).slice(0, 10));
      await form.getByText('Every weekday (Mon–Fri), until').waitFor();
      await form.getByRole('list', { name: 'Dates of the series' }).scrollIntoViewIfNeeded();
      await screenshot(app.page, 'series-repeat-form-dark');
      await expectNoSerious(app.page, 'repeat fields (dark)');
      expect(app.errors).toEqual([]);
      await app.context.close();
    } finally {
      await env.close();
    }
  });
});
