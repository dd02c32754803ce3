/**
 * Planning without traps (issue 17): the create and edit forms warn about a full or tight day as
 * the due time and duration are typed (five back-to-back calls warn), a new activity starts at the
 * slot or the next free time for as long as its type takes (Settings can change it), creating
 * leaves the rep where they were with a notice that opens it, Day and Month open on the selected
 * date, cancel's new copy proposes the next business day and refuses the past, and "Spread over the
 * week" goes around booked time.
 */
import { TZDate } from '@date-fns/tz';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY } from '../crm-server/index.ts';
import {
  axeSerious, closeChecked, navigate, openSyncedApp, screenshot, startE2E, waitForSynced, type AppPage, type E2EEnv,
} from './harness.ts';
import {
  ZONE, activityForm, createdNotice, dateOnly, daysFrom, fillActivityForm, instantAt, localInput, nextWeekMonday, openCreated,
  serverActivities,
} from './scenario-steps.ts';

const CUSTOMER = DIRECTORY.customers.find((c) => c.name === 'Customer 575')!;
const CALLS = ['Pricing call 1', 'Pricing call 2', 'Pricing call 3', 'Pricing call 4'];
const FIFTH = 'Pricing call 5';
const LATE = 'Quarterly check-in gone stale';
const SPREAD = ['Overdue spread A', 'Overdue spread B', 'Overdue spread C'];
const BOOKED = 'Booked morning';

const dayTitle = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' }).format(d);
const monthTitle = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, month: 'long', year: 'numeric' }).format(d);

/** Clicks the top quarter of the week-view slot of `day` at `time` (HH:mm:ss): FullCalendar snaps to that slot's start. */
async function clickSlotStart(page: Page, day: Date, time: string): Promise<void> {
  const column = page.locator(`td.fc-timegrid-col[data-date="${dateOnly(day)}"]`);
  const lane = page.locator(`td.fc-timegrid-slot-lane[data-time="${time}"]`);
  await lane.scrollIntoViewIfNeeded();
  const c = await column.boundingBox();
  const l = await lane.boundingBox();
  if (!c || !l) throw new Error('calendar slot not on screen');
  await page.mouse.click(c.x + c.width / 2, l.y + l.height / 4);
}

/** Escape out of whatever dialogs a failed step left open, so the next test starts on a view. */
async function closeDialogs(page: Page): Promise<void> {
  for (let i = 0; i < 4 && (await page.locator('dialog[open]').count()) > 0; i += 1) await page.keyboard.press('Escape');
}

/** The next Monday–Friday after `from` (in the zone), at hh:mm. */
function nextBusinessDayAt(from: number, hours: number, minutes: number): string {
  for (let i = 1; ; i += 1) {
    const d = daysFrom(new Date(from), i);
    const day = new TZDate(d.getTime(), ZONE).getDay();
    if (day !== 0 && day !== 6) return instantAt(d, hours, minutes);
  }
}

describe('planning without traps', () => {
  let env: E2EEnv;
  let app: AppPage;
  // A Tuesday three weeks on: clear of the booked mornings the spread test puts on the coming days.
  const tuesday = daysFrom(nextWeekMonday(), 15);
  const today = new Date();
  let lateId = '';
  const spreadIds: string[] = [];

  beforeAll(async () => {
    // No demo activities: the rep's calendar holds only what each test puts there.
    env = await startE2E({ crm: { demo: false } });
    const base = { activityable_type: 'customer' as const, activityable_id: CUSTOMER.id, priority: 'medium' as const };
    // Four half-hour calls back to back, 10:00–12:00 next Tuesday: the fifth at 12:00 makes five.
    CALLS.forEach((subject, i) => env.crm.mutate.create({ ...base, type: 'call', subject, due_at: instantAt(tuesday, 10, 30 * i), duration_minutes: 30 }));
    lateId = env.crm.mutate.create({ ...base, type: 'meeting', subject: LATE, due_at: instantAt(daysFrom(today, -40), 10), duration_minutes: 60 }).id;
    for (const [i, subject] of SPREAD.entries()) {
      spreadIds.push(env.crm.mutate.create({ ...base, type: 'task', subject, due_at: instantAt(daysFrom(today, -3), 9 + i), duration_minutes: 30 }).id);
    }
    // Every weekday morning of the coming nine days booked 08:00–12:00 (the working day starts at 08:00).
    for (let i = 1; i <= 9; i += 1) {
      const d = daysFrom(today, i);
      const wd = new TZDate(d.getTime(), ZONE).getDay();
      if (wd !== 0 && wd !== 6) env.crm.mutate.create({ ...base, type: 'meeting', subject: BOOKED, due_at: instantAt(d, 8), duration_minutes: 240 });
    }
    app = await openSyncedApp(env);
  });

  beforeEach(async () => {
    if (app) await closeDialogs(app.page);
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('five back-to-back calls: the create form warns inside itself, and the warning follows due time and duration', async () => {
    const { page } = app;
    await navigate(page, 'Calendar');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    for (let i = 0; i < 3; i += 1) await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: new RegExp(`${CALLS[3]} ?, Call`) }).waitFor();
    await clickSlotStart(page, tuesday, '12:00:00');
    const form = activityForm(page);
    await expect.poll(() => form.getByLabel('Due', { exact: true }).inputValue()).toBe(localInput(new Date(instantAt(tuesday, 12))));
    // A click is one slot; the form plans a call's usual half hour (not 15 minutes).
    expect(await form.getByLabel('Duration (minutes)').inputValue()).toBe('30');
    const warnings = form.getByRole('status').filter({ hasText: 'Check the schedule' });
    await warnings.getByText(`Leaves 0 min between this and "${CALLS[3]}": no time to prepare.`).waitFor();
    await screenshot(page, 'planning-create-warning-light');
    expect(await axeSerious(page)).toEqual([]);

    // 09:00 for 30 minutes leaves half an hour before the first call: no warning…
    await form.getByLabel('Due', { exact: true }).fill(localInput(new Date(instantAt(tuesday, 9))));
    await warnings.waitFor({ state: 'detached' });
    // …50 minutes leaves 10: the duration alone brings it back.
    await form.getByLabel('Duration (minutes)').fill('50');
    await warnings.getByText(`Leaves 10 min between this and "${CALLS[0]}": no time to prepare.`).waitFor();
    await form.getByLabel('Due', { exact: true }).fill(localInput(new Date(instantAt(tuesday, 12))));
    await form.getByLabel('Duration (minutes)').fill('30');
    await warnings.getByText(`Leaves 0 min between this and "${CALLS[3]}": no time to prepare.`).waitFor();

    await fillActivityForm(form, { subject: FIFTH, entity: { type: 'customer', name: CUSTOMER.name } });
    await form.getByRole('button', { name: 'Create activity' }).click();
    await form.waitFor({ state: 'detached' });
    // Back on the calendar, no detail to close; the notice opens what was made.
    await createdNotice(page).waitFor();
    expect(await page.locator('dialog[open]').count()).toBe(0);
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await openCreated(page);
    const detail = page.getByRole('dialog', { name: FIFTH });
    await detail.waitFor();

    // The edit form warns by the same rule, leaving the activity itself out.
    await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit activity' });
    const editWarnings = edit.getByRole('status').filter({ hasText: 'Check the schedule' });
    await editWarnings.getByText(`Leaves 0 min between this and "${CALLS[3]}": no time to prepare.`).waitFor();
    expect(await editWarnings.getByText(FIFTH).count()).toBe(0);
    await edit.getByLabel('Due', { exact: true }).fill(localInput(new Date(instantAt(tuesday, 15))));
    await editWarnings.waitFor({ state: 'detached' });
    await edit.getByRole('button', { name: 'Discard' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await waitForSynced(page);
    await expect.poll(async () => (await serverActivities(env)).filter((a) => a.subject.startsWith('Pricing call')).length).toBe(5);
  });

  it('a new activity without a slot starts at the next free time, for as long as its type takes (Settings can change it)', async () => {
    const { page } = app;
    await navigate(page, 'Settings');
    const durations = page.getByRole('region', { name: 'Default durations' });
    await durations.getByLabel('Demo duration', { exact: true }).selectOption('45');
    await page.getByText('Duration for Demo saved.').waitFor();
    await screenshot(page, 'planning-settings-durations-light');

    await navigate(page, 'Activities');
    const opened = Date.now();
    await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
    const form = activityForm(page);
    const due = form.getByLabel('Due', { exact: true });
    await expect.poll(() => due.inputValue()).not.toBe('');
    const proposed = new TZDate(`${await due.inputValue()}:00`, ZONE);
    expect(proposed.getTime()).toBeGreaterThanOrEqual(opened - 60_000);
    expect(proposed.getMinutes() % 15).toBe(0);
    // Not inside a booked morning (08:00–12:00 on every coming weekday).
    const minutes = proposed.getHours() * 60 + proposed.getMinutes();
    if (proposed.getDate() !== new TZDate(opened, ZONE).getDate()) expect(minutes).toBeGreaterThanOrEqual(12 * 60 + 15);
    const duration = form.getByLabel('Duration (minutes)');
    expect(await duration.inputValue()).toBe('30');
    await form.getByLabel('Type', { exact: true }).selectOption('demo');
    expect(await duration.inputValue()).toBe('45');
    await form.getByLabel('Type', { exact: true }).selectOption('visit');
    expect(await duration.inputValue()).toBe('60');
    // Once the rep sets it, a type change leaves it alone.
    await duration.fill('20');
    await form.getByLabel('Type', { exact: true }).selectOption('demo');
    expect(await duration.inputValue()).toBe('20');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  });

  it('Day and Month open on the selected date (today at first), not on the first day of the week', async () => {
    const { page } = app;
    await navigate(page, 'Calendar');
    const title = page.locator('.fb-cal-title');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await expect.poll(() => title.textContent()).toBe(dayTitle(today));
    await screenshot(page, 'planning-day-today-light');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    const weekLater = daysFrom(today, 7);
    await expect.poll(() => title.textContent()).toBe(dayTitle(weekLater));
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await expect.poll(() => title.textContent()).toBe(monthTitle(weekLater));
    // Leaving the calendar and coming back keeps the date too.
    await navigate(page, 'Activities');
    await navigate(page, 'Calendar');
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await expect.poll(() => title.textContent()).toBe(dayTitle(weekLater));
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
  });

  it('cancel with "schedule a new copy" proposes the next business day at the same time and refuses a past time', async () => {
    const { page } = app;
    await navigate(page, 'Overdue');
    await page.getByRole('searchbox', { name: 'Filter overdue activities' }).fill(LATE);
    await page.getByRole('option', { name: new RegExp(LATE) }).click();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('dialog', { name: LATE });
    await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Cancel', exact: true }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel activity' });
    await cancel.getByLabel('Schedule a new copy').check();
    const when = cancel.getByLabel('New date and time');
    const proposed = nextBusinessDayAt(Date.now(), 10, 0);
    expect(await when.inputValue()).toBe(localInput(new Date(proposed)));
    await screenshot(page, 'planning-cancel-copy-light');
    expect(await axeSerious(page)).toEqual([]);

    // The old, overdue time is refused with a reason, and nothing is cancelled.
    await when.fill(localInput(new Date(instantAt(daysFrom(today, -40), 10))));
    await cancel.getByRole('button', { name: 'Cancel activity' }).click();
    await cancel.getByText('That time has already passed: pick a time in the future for the new copy.').waitFor();
    expect(await when.getAttribute('aria-invalid')).toBe('true');
    await when.fill(localInput(new Date(proposed)));
    await cancel.getByRole('button', { name: 'Cancel activity' }).click();
    await cancel.waitFor({ state: 'detached' });
    if (await detail.count()) {
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
    }
    await waitForSynced(page);
    await expect.poll(async () => (await serverActivities(env)).filter((a) => a.subject === LATE).map((a) => `${a.status}@${a.due_at}`).sort(), { timeout: 30_000 })
      .toEqual([`cancelled@${instantAt(daysFrom(today, -40), 10)}`, `pending@${proposed}`].sort());
    expect(lateId).not.toBe('');
    await page.getByRole('searchbox', { name: 'Filter overdue activities' }).fill('');
  });

  it('"Spread over the week" goes around booked time, with time to prepare, and keeps every day within the load thresholds', async () => {
    const { page } = app;
    await navigate(page, 'Overdue');
    await page.getByRole('searchbox', { name: 'Filter overdue activities' }).fill('Overdue spread');
    const list = page.getByRole('listbox', { name: 'Overdue activities' });
    await expect.poll(() => list.getByRole('option').count()).toBe(3);
    await list.focus();
    await page.keyboard.press('a');
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog', { name: 'Reschedule 3 activities' });
    expect(await dialog.getByLabel('Spread over the week').isChecked()).toBe(true);
    await dialog.getByText('Placed around what is already booked').waitFor();
    await screenshot(page, 'planning-spread-light');
    await dialog.getByRole('button', { name: 'Reschedule', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitForSynced(page);

    const moved = async () => (await serverActivities(env)).filter((a) => spreadIds.includes(a.id));
    await expect.poll(async () => (await moved()).every((a) => Date.parse(a.due_at ?? '') > Date.now()), { timeout: 30_000 }).toBe(true);
    const all = (await serverActivities(env)).filter((a) => a.status !== 'cancelled' && a.due_at);
    for (const a of await moved()) {
      const s = Date.parse(a.due_at!);
      const e = s + (a.duration_minutes ?? 30) * 60_000;
      const local = new TZDate(s, ZONE);
      // Inside working hours (08:00–18:00), never on top of or right against a booked activity.
      expect(local.getHours() * 60 + local.getMinutes()).toBeGreaterThanOrEqual(8 * 60);
      expect(local.getHours() * 60 + local.getMinutes() + (a.duration_minutes ?? 30)).toBeLessThanOrEqual(18 * 60);
      for (const b of all) {
        if (b.id === a.id) continue;
        const bs = Date.parse(b.due_at!);
        const be = bs + (b.duration_minutes ?? 30) * 60_000;
        const apart = s >= be ? (s - be) / 60_000 : bs >= e ? (bs - e) / 60_000 : -1;
        expect(apart, `"${a.subject}" at ${a.due_at} against "${b.subject}" at ${b.due_at}`).toBeGreaterThanOrEqual(15);
      }
      const sameDay = all.filter((b) => new TZDate(Date.parse(b.due_at!), ZONE).toDateString() === local.toDateString());
      expect(sameDay.length).toBeLessThanOrEqual(6);
      expect(sameDay.reduce((m, b) => m + (b.duration_minutes ?? 30), 0)).toBeLessThanOrEqual(360);
    }
  });
});

describe('planning views, dark and narrow', () => {
  let env: E2EEnv;
  let app: AppPage;
  const tuesday = daysFrom(nextWeekMonday(), 1);

  beforeAll(async () => {
    env = await startE2E({ crm: { demo: false } });
    const base = { activityable_type: 'customer' as const, activityable_id: CUSTOMER.id, priority: 'medium' as const };
    CALLS.forEach((subject, i) => env.crm.mutate.create({ ...base, type: 'call', subject, due_at: instantAt(tuesday, 10, 30 * i), duration_minutes: 30 }));
    env.crm.mutate.create({ ...base, type: 'meeting', subject: LATE, due_at: instantAt(daysFrom(new Date(), -40), 10), duration_minutes: 60 });
    app = await openSyncedApp(env, { colorScheme: 'dark', viewport: { width: 800, height: 860 } });
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('the create form with its warning, Day view and the cancel dialog read well in dark at 800 px, axe clean', async () => {
    const { page } = app;
    await navigate(page, 'Calendar');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: new RegExp(`${CALLS[3]} ?, Call`) }).waitFor();
    await clickSlotStart(page, tuesday, '12:00:00');
    const form = activityForm(page);
    await form.getByRole('status').filter({ hasText: 'Check the schedule' }).getByText(`Leaves 0 min between this and "${CALLS[3]}": no time to prepare.`).waitFor();
    await screenshot(page, 'planning-create-warning-dark-800');
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await expect.poll(() => page.locator('.fb-cal-title').textContent()).toBe(dayTitle(daysFrom(new Date(), 7)));
    await screenshot(page, 'planning-day-dark-800');
    expect(await axeSerious(page)).toEqual([]);

    await navigate(page, 'Overdue');
    await page.getByRole('option', { name: new RegExp(LATE) }).click();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('dialog', { name: LATE });
    await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Cancel', exact: true }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel activity' });
    await cancel.getByLabel('Schedule a new copy').check();
    await cancel.getByLabel('New date and time').fill(localInput(new Date(instantAt(daysFrom(new Date(), -40), 10))));
    await cancel.getByRole('button', { name: 'Cancel activity' }).click();
    await cancel.getByText('That time has already passed: pick a time in the future for the new copy.').waitFor();
    await screenshot(page, 'planning-cancel-past-dark-800');
    expect(await axeSerious(page)).toEqual([]);
    await closeDialogs(page);
  });
});
