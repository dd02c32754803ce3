/**
 * Issue 7, the weekly review in web mode, as a rep works it: reschedule two overdue activities
 * with the "Tomorrow 09:00" preset and cancel a third (bulk), add the prep task a demo next week
 * needs (which tips the day before it into over-scheduled on the load chart), schedule the
 * follow-up a call completed this week asked for; then the server's records. Screenshots of the
 * Review, Billable and Export views (light and dark) with axe scans.
 */
import { readFile } from 'node:fs/promises';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { reschedulePresets, type Activity } from '#shared/domain/index';
import { DIRECTORY, GUIDE_IDS } from '../crm-server/index.ts';
import {
  axeSerious, closeChecked, openSyncedApp, screenshot, startE2E, waitForSynced, type AppPage, type E2EEnv,
} from './harness.ts';
import { ZONE, daysFrom, instantAt, nextWeekMonday, serverActivities, serverActivity, waitForOutboxEmpty } from './scenario-steps.ts';

const OVERDUE = ['Qx overdue: send pricing sheet', 'Qx overdue: call back procurement', 'Qx overdue: stale brochure request'];
const DEMO = 'Qx demo - analytics module';
const QBR = 'Qx quarterly review call';
const TYRELL = DIRECTORY.customers.find((c) => c.name === 'Tyrell Systems')?.id ?? '';
const DAY_MS = 86_400_000;

async function goTo(page: Page, label: 'Review' | 'Billable', heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function expectNoSerious(page: Page, what: string): Promise<void> {
  const v = await axeSerious(page);
  expect(v, `${what}: ${JSON.stringify(v, null, 2)}`).toEqual([]);
}

function dayKey(d: Date): string {
  return format(new TZDate(d.getTime(), ZONE), 'yyyy-MM-dd');
}

describe('weekly review', () => {
  let env: E2EEnv;
  let app: AppPage;
  const ids: Record<string, string> = {};
  /** The day before the demo: filled to the limit (6 activities) before the prep task lands on it. */
  let busyDay: Date;
  let customer = '';

  beforeAll(async () => {
    env = await startE2E();
    const jane = GUIDE_IDS.jane;
    const existing = (await serverActivities(env)).filter((a) => a.assigned_user_id === jane && a.status !== 'cancelled' && a.due_at);
    const monday = nextWeekMonday();
    // Of Mon–Thu next week, the quietest day in the demo data (so 6 in total stays within 6 h).
    const load = (d: Date) => {
      const on = existing.filter((a) => format(new TZDate(Date.parse(a.due_at ?? ''), ZONE), 'yyyy-MM-dd') === dayKey(d));
      return { count: on.length, minutes: on.reduce((s, a) => s + (a.duration_minutes ?? 30), 0) };
    };
    busyDay = [0, 1, 2, 3].map((n) => daysFrom(monday, n)).sort((a, b) => load(a).count - load(b).count)[0]!;
    const base = load(busyDay);
    if (base.count > 6 || base.minutes + (6 - base.count) * 15 > 360) throw new Error(`demo data already fills ${dayKey(busyDay)}`);

    const m = env.crm.mutate;
    // A customer with no tasks in the demo data, so no existing task passes for the demo's prep.
    const all = await serverActivities(env);
    const quiet = DIRECTORY.customers.find((c) => c.id !== TYRELL && !all.some((a) => a.activityable_id === c.id && a.type === 'task'));
    if (!quiet) throw new Error('every demo customer has tasks');
    customer = quiet.id;
    const common = { activityable_type: 'customer', activityable_id: customer, assigned_user_id: jane } as const;
    OVERDUE.forEach((subject, i) => {
      ids[subject] = m.create({ ...common, type: 'task', subject, due_at: new Date(Date.now() - (i + 2) * DAY_MS).toISOString(), duration_minutes: 15 }).id;
    });
    for (let i = 0; i < 6 - base.count; i++) {
      m.create({ ...common, type: 'call', subject: `Qx filler call ${i + 1}`, due_at: instantAt(busyDay, 6, i * 15), duration_minutes: 15 });
    }
    ids[DEMO] = m.create({ ...common, type: 'demo', subject: DEMO, due_at: instantAt(daysFrom(busyDay, 1), 14), duration_minutes: 60 }).id;
    // Completed now (this week), follow-up asked for, none scheduled; on its own record so nothing else counts as one.
    const qbr = m.create({ type: 'call', subject: QBR, activityable_type: 'customer', activityable_id: TYRELL, assigned_user_id: jane, due_at: new Date(Date.now() - DAY_MS).toISOString(), duration_minutes: 30 });
    m.complete(qbr.id, { outcome: 'Renewal likely; send the revised quote.', follow_up_required: true, follow_up_date: dayKey(daysFrom(monday, 2)) });
    ids[QBR] = qbr.id;

    app = await openSyncedApp(env, { timezoneId: ZONE });
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  it('shows the review with every step; the busy day is full but not yet over-scheduled', async () => {
    const { page } = app;
    await goTo(page, 'Review', 'Weekly review');
    const overdue = page.getByRole('region', { name: /Overdue: reschedule or cancel/ });
    for (const s of OVERDUE) await overdue.getByRole('button', { name: s, exact: true }).waitFor();
    await page.getByRole('region', { name: /Next week: needs preparation/ }).getByRole('button', { name: DEMO, exact: true }).waitFor();
    await page.getByRole('region', { name: /follow-ups not yet scheduled/ }).getByRole('button', { name: QBR, exact: true }).waitFor();
    const row = page.locator(`table.load-table tr[data-date="${dayKey(busyDay)}"]`);
    await expect.poll(() => row.locator('td.num').first().textContent()).toBe('6');
    expect(await row.getByText('Over-scheduled').count()).toBe(0);
    await screenshot(page, 'review-light');
    await expectNoSerious(page, 'review');
  });

  it('reschedules two overdue ones with the Tomorrow 09:00 preset and cancels the stale one', async () => {
    const { page } = app;
    const overdue = page.getByRole('region', { name: /Overdue: reschedule or cancel/ });
    await overdue.getByLabel(`Select ${OVERDUE[0]}`).check();
    await overdue.getByLabel(`Select ${OVERDUE[1]}`).check();
    await overdue.getByText('2 selected').waitFor();
    await overdue.getByRole('toolbar', { name: 'Overdue actions' }).getByRole('button', { name: 'Tomorrow 09:00' }).click();
    await page.getByText('Rescheduled to Tomorrow 09:00: 2 activities.').waitFor();
    await overdue.getByRole('button', { name: OVERDUE[0]! }).waitFor({ state: 'detached' });
    await overdue.getByRole('button', { name: OVERDUE[1]! }).waitFor({ state: 'detached' });

    await overdue.getByLabel(`Select ${OVERDUE[2]}`).check();
    await overdue.getByRole('toolbar', { name: 'Overdue actions' }).getByRole('button', { name: 'Cancel selected' }).click();
    await page.getByText('Cancelled: 1 activity.').waitFor();
    await overdue.getByRole('button', { name: OVERDUE[2]! }).waitFor({ state: 'detached' });
  });

  it('adds the prep task for next week\'s demo, which over-schedules the day before it', async () => {
    const { page } = app;
    const prep = page.getByRole('region', { name: /Next week: needs preparation/ });
    await prep.getByRole('button', { name: `Add prep task for ${DEMO}` }).click();
    await prep.getByRole('button', { name: DEMO, exact: true }).waitFor({ state: 'detached' });
    const row = page.locator(`table.load-table tr[data-date="${dayKey(busyDay)}"]`);
    await row.getByText('Over-scheduled').waitFor();
    expect(await row.locator('td.num').first().textContent()).toBe('7');
    expect(await row.textContent()).toContain('more than 6 activities');
  });

  it('schedules the missing follow-up of the call completed this week', async () => {
    const { page } = app;
    const follow = page.getByRole('region', { name: /follow-ups not yet scheduled/ });
    await follow.getByRole('button', { name: `Schedule follow-up for ${QBR}` }).click();
    await follow.getByRole('button', { name: QBR, exact: true }).waitFor({ state: 'detached' });
    await screenshot(page, 'review-after-light');
  });

  it('syncs: the server holds the rescheduled, cancelled, prep and follow-up records', async () => {
    await waitForOutboxEmpty(app);
    await waitForSynced(app.page);
    const tomorrow = reschedulePresets(new Date().toISOString(), ZONE)[0]!.new_due_at;
    for (const s of OVERDUE.slice(0, 2)) {
      const a = await serverActivity(env, ids[s]!);
      expect(a).toMatchObject({ status: 'pending', rescheduled_count: 1 });
      expect(Date.parse(a.due_at ?? '')).toBe(Date.parse(tomorrow));
    }
    expect(await serverActivity(env, ids[OVERDUE[2]!]!)).toMatchObject({ status: 'cancelled', cancellation_reason: 'No longer relevant (weekly review)' });

    const all = await serverActivities(env);
    const one = (subject: string): Activity => {
      const found = all.filter((a) => a.subject === subject);
      expect(found, subject).toHaveLength(1);
      return found[0]!;
    };
    const prepTask = one(`Prepare: ${DEMO}`);
    expect(prepTask).toMatchObject({ type: 'task', status: 'pending', activityable_id: customer, tags: ['prep'], due_at: instantAt(busyDay, 14) });
    expect(prepTask.custom_fields.prep_for).toBe(ids[DEMO]);
    const followUp = one(`Follow-up: ${QBR}`);
    expect(followUp).toMatchObject({ type: 'follow_up', status: 'pending', activityable_id: TYRELL, due_at: instantAt(daysFrom(nextWeekMonday(), 2), 9) });
    expect(followUp.custom_fields.follow_up_of).toBe(ids[QBR]);
  });
});

for (const theme of ['light', 'dark'] as const) {
  describe(`issue 7 views (${theme})`, () => {
    let env: E2EEnv;
    let app: AppPage;
    beforeAll(async () => {
      env = await startE2E();
      // A completed billable activity this month, so the summary has a line.
      const a = env.crm.mutate.create({
        type: 'meeting', subject: 'Qx billable workshop', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575,
        due_at: new Date(Date.now() - 3_600_000).toISOString(), duration_minutes: 90, is_billable: true, billable_rate: 120,
      });
      env.crm.mutate.complete(a.id, { outcome: 'Workshop held.', duration_minutes: 90 });
      // On an opportunity: billed to the opportunity's customer (Acme Corp).
      const b = env.crm.mutate.create({
        type: 'meeting', subject: 'Qx billable scoping session', activityable_type: 'opportunity', activityable_id: GUIDE_IDS.acmeOpportunity,
        due_at: new Date(Date.now() - 7_200_000).toISOString(), duration_minutes: 45, is_billable: true, billable_rate: 200,
      });
      env.crm.mutate.complete(b.id, { outcome: 'Scope agreed.', duration_minutes: 45 });
      app = await openSyncedApp(env, { timezoneId: ZONE, colorScheme: theme });
    });
    afterAll(async () => {
      await closeChecked(app, env);
    });

    it('Review', async () => {
      await goTo(app.page, 'Review', 'Weekly review');
      await app.page.locator('table.load-table tbody tr').nth(13).waitFor();
      if (theme === 'dark') await screenshot(app.page, 'review-dark');
      await expectNoSerious(app.page, `review (${theme})`);
      // The load chart sits below the fold: scroll to it for its own screenshot.
      await app.page.locator('table.load-table').scrollIntoViewIfNeeded();
      await screenshot(app.page, `review-load-${theme}`);
    });

    it('Billable: summary by customer and period, CSV download', async () => {
      const { page } = app;
      await goTo(page, 'Billable', 'Billable');
      await page.getByLabel('Group by').selectOption('day');
      const row = page.getByRole('row', { name: /Customer 575/ }).first();
      await row.waitFor();
      // 90 min × 120/h = 180.00 plus 45 min × 200/h = 150.00 (the demo data may bill too: at least this much).
      await expect.poll(async () => Number(((await page.getByTestId('billable-total').textContent()) ?? '').replace(/[^\d.]/g, ''))).toBeGreaterThanOrEqual(330);
      await page.getByRole('row', { name: /Acme Corp \(customer\)/ }).first().waitFor();
      await screenshot(page, `billable-${theme}`);
      await expectNoSerious(page, `billable (${theme})`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^billable-day-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
      const path = await download.path();
      const csv = await readFile(path, 'utf8');
      expect(csv.split('\r\n')[0]).toBe('Customer,Record type,Period,Period start,Activities,Minutes,Hours,Amount,Missing rate,Missing duration');
      expect(csv).toMatch(/Customer 575,customer,\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},\d+,\d+,[\d.]+,[\d.]+,\d+,\d+/);
    });

    it('Export calendar: .ics of a date range', async () => {
      const { page } = app;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Export calendar…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Export calendar (.ics)' });
      await dialog.getByLabel('From').waitFor();
      await screenshot(page, `export-${theme}`);
      await expectNoSerious(page, `export (${theme})`);
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download .ics' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^fieldbook-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.ics$/);
      const text = await readFile(await download.path(), 'utf8');
      const comp = new ICAL.Component(ICAL.parse(text) as unknown[]);
      const events = comp.getAllSubcomponents('vevent');
      expect(events.length).toBeGreaterThan(0);
      // Every event starts inside the chosen range (today … today + 27 days).
      const from = Date.parse(instantAt(new Date(), 0)) - DAY_MS;
      for (const ev of events) {
        const start = new ICAL.Event(ev).startDate.toJSDate().getTime();
        expect(start).toBeGreaterThanOrEqual(from);
        expect(start).toBeLessThan(Date.now() + 29 * DAY_MS);
      }
      await dialog.waitFor({ state: 'detached' });
    });

    it.runIf(theme === 'light')('Export calendar: the Activities list\'s current filter (type Demo), closed ones too, alarms kept', async () => {
      const { page } = app;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Activities', exact: true }).click();
      const caption = page.locator('table.list caption');
      const count = async () => Number(/(\d+) in all/.exec((await caption.textContent()) ?? '')?.[1] ?? Number.NaN);
      await expect.poll(count).toBeGreaterThan(0);
      const everything = await count();
      // The list opens on the rep's own activities (issue 17): the demos the CRM has for Jane.
      const serverDemos = await serverActivities(env, { type: 'demo', assigned_user_id: GUIDE_IDS.jane });
      await page.getByLabel('Type', { exact: true }).selectOption('demo');
      // The demos: fewer than everything, and as many as the server has.
      await expect.poll(count).toBeLessThan(everything);
      const total = await count();
      expect(total).toBe(serverDemos.length);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Export calendar…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Export calendar (.ics)' });
      await dialog.getByLabel("The Activities list's current filter").check();
      await dialog.getByLabel('Open activities only').uncheck();
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download .ics' }).click()]);
      const events = new ICAL.Component(ICAL.parse(await readFile(await download.path(), 'utf8')) as unknown[]).getAllSubcomponents('vevent');
      const toast = (await page.getByText(/^Exported \d+ events?/).last().textContent()) ?? '';
      const skipped = Number(/\((\d+) without a due time/.exec(toast)?.[1] ?? 0);
      expect(events.length + skipped).toBe(total);
      for (const ev of events) {
        const e = new ICAL.Event(ev);
        const start = e.startDate.toJSDate().getTime();
        // Subjects repeat in the demo data: the same subject AND start time identify the server record.
        const a = serverDemos.find((x) => x.subject === e.summary && Date.parse(x.due_at ?? '') === start);
        expect(a, `${e.summary} at ${new Date(start).toISOString()}`).toBeDefined();
        // Open ones with a reminder carry it as an alarm (at the reminder time); closed ones none.
        const open = a?.status !== 'completed' && a?.status !== 'cancelled';
        const alarms = ev.getAllSubcomponents('valarm');
        expect(alarms.length).toBe(open && a?.reminder_at ? 1 : 0);
        if (alarms[0] && a?.reminder_at) {
          const trigger = alarms[0].getFirstPropertyValue('trigger') as ICAL.Duration;
          expect(start + trigger.toSeconds() * 1000).toBe(Date.parse(a.reminder_at));
        }
      }
    });
  });
}
