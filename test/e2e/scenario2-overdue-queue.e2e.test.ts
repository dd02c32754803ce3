/**
 * The guide's Scenario 2, "Managing Overdue Activities" (and its "Too Many Overdue Activities"
 * bulk cancel), worked from the overdue queue with the keyboard: reschedule the high-value one
 * (tomorrow 9:00, priority high), complete the quick task, cancel the unresponsive one, and
 * bulk-cancel the stale ones. Once online, once offline until the end; then the server's records.
 */
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { navigate, screenshot } from './harness.ts';
import {
  ZONE, closeDetail, createdDuringRun, endRun, expectAccessible, finishRun, instantAt, serverActivity, serverEntity, startRun,
  type Mode, type ScenarioRun, shotName,
} from './scenario-steps.ts';

const D = 'Pricing Review Call - Enterprise Platform';
const E = 'Update Customer Documentation - Contact Changes';
const F = 'Check-in Call - Renewal Status';
const AT_RISK_NOTES = 'Customer unresponsive for 14 days. Multiple missed calls. May be evaluating alternatives.';
const STALE = ['Follow up on brochure request', 'Send logistics case study', 'Research competitor pricing for Acme'];
const STALE_IDS = [GUIDE_IDS.activityJ, GUIDE_IDS.activityK, GUIDE_IDS.activityL];

/** The server ids the app's local rows (by lid) were synced to, read from its IndexedDB. */
async function serverIdsOf(run: ScenarioRun, lids: string[]): Promise<Record<string, string>> {
  return run.app.page.evaluate(async ({ name, lids }) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(new Error('open failed'));
    });
    const out: Record<string, string> = {};
    for (const lid of lids) {
      const row = await new Promise<{ server_id?: string } | undefined>((res) => {
        const q = db.transaction('activities').objectStore('activities').get(lid);
        q.onsuccess = () => res(q.result as { server_id?: string } | undefined);
        q.onerror = () => res(undefined);
      });
      if (row?.server_id) out[lid] = row.server_id;
    }
    db.close();
    return out;
  }, { name: run.app.dbName, lids });
}

/** Narrow the queue with its filter and put the cursor on the one row, as a rep does before a key. */
/** The value beside `label` in the activity detail's field lists. */
async function historyValue(dialog: Locator, label: string): Promise<string> {
  return ((await dialog.locator(`dt:text-is("${label}") + dd`).first().textContent()) ?? '').trim();
}

async function focusRow(page: Page, subject: string): Promise<void> {
  await page.getByLabel('Filter overdue activities').fill(subject);
  await page.getByRole('listbox', { name: 'Overdue activities' }).getByRole('option', { name: new RegExp(`^${subject}`) }).click();
}

/** From the rows' text (their accessible names): within a lateness group, values never go up (unknown last). */
function valuesRunDownWithinGroups(labels: string[]): boolean {
  const group = (l: string) => {
    const d = /(\d+) days? late/.exec(l);
    const n = d ? Number(d[1]) : 0;
    return n === 0 ? 'today' : n <= 7 ? 'week' : n <= 28 ? 'month' : 'older';
  };
  const value = (l: string) => {
    const m = /value \D*([\d,]+)/.exec(l);
    return m ? Number((m[1] ?? '').replace(/,/g, '')) : -1;
  };
  let sawValue = false;
  for (let i = 1; i < labels.length; i += 1) {
    const [a, b] = [labels[i - 1] ?? '', labels[i] ?? ''];
    if (value(a) >= 0) sawValue = true;
    if (group(a) === group(b) && value(b) > value(a)) return false;
  }
  return sawValue;
}

/** Form and list state follows live queries; on a busy machine that can take a few seconds. */
const POLL_MS = 15_000;

for (const mode of ['online', 'offline'] as Mode[]) {
  describe(`Scenario 2: overdue queue (${mode})`, () => {
    let run: ScenarioRun | undefined;
    let tomorrow9 = '';
    let bulkSpread: string[] = [];
    let bulkDone: string[] = [];

    beforeAll(async () => {
      run = await startRun(mode);
    });
    afterAll(async () => {
      if (run) expect(run.app.errors).toEqual([]);
      await endRun(run);
    });

    it('shows the overdue queue grouped by lateness and sorted by opportunity value', async () => {
      const { page } = run!.app;
      await navigate(page, 'Overdue');
      const list = page.getByRole('listbox', { name: 'Overdue activities' });
      await list.getByRole('option', { name: new RegExp(`^${D}`) }).or(list.getByRole('option').first()).first().waitFor();
      await page.getByLabel('Sort by').selectOption('value');
      // Inside each lateness group the rows now run from the highest opportunity value down.
      await expect.poll(async () => valuesRunDownWithinGroups(await list.getByRole('option').evaluateAll(
        (els) => els.map((e) => e.textContent ?? ''),
      )), { timeout: POLL_MS }).toBe(true);
      await screenshot(page, shotName(run!, 'scenario2-queue'));
      await expectAccessible(run!, 'overdue queue');
    });

    it('reschedules the high-value one to tomorrow 9:00 with priority high (r)', async () => {
      const { page } = run!.app;
      await focusRow(page, D);
      await page.keyboard.press('r');
      const dialog = page.getByRole('dialog', { name: `Reschedule "${D}"` });
      await dialog.getByLabel('Tomorrow 9:00').check();
      await dialog.getByLabel('Reason (optional)').fill('High-priority opportunity. Rescheduling to earliest available slot.');
      await dialog.getByLabel('Priority').selectOption('high');
      tomorrow9 = instantAt(addDays(new TZDate(Date.now(), ZONE), 1), 9);
      await expectAccessible(run!, 'reschedule dialog');
      await dialog.getByRole('button', { name: 'Reschedule' }).click();
      await dialog.waitFor({ state: 'detached' });
      // No longer overdue: it leaves the queue.
      await page.getByRole('option', { name: new RegExp(`^${D}`) }).waitFor({ state: 'detached' });
    });

    it('completes the quick task with an outcome (c)', async () => {
      const { page } = run!.app;
      await focusRow(page, E);
      await page.keyboard.press('c');
      const dialog = page.getByRole('dialog', { name: `Complete: ${E}` });
      await dialog.getByLabel('What was discussed').fill('Task completed. Documentation updated with new customer information.');
      await dialog.getByLabel('Actual duration (minutes)').fill('15');
      await dialog.getByRole('button', { name: 'Complete', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('option', { name: new RegExp(`^${E}`) }).waitFor({ state: 'detached' });
    });

    it('cancels the unresponsive customer with a reason (d)', async () => {
      const { page } = run!.app;
      await focusRow(page, F);
      await page.keyboard.press('d');
      const dialog = page.getByRole('dialog', { name: `Cancel "${F}"` });
      await expectAccessible(run!, 'cancel dialog');
      await dialog.getByLabel('Reason', { exact: true }).fill('Customer unresponsive to 3 contact attempts. Will re-engage next month.');
      await dialog.getByRole('button', { name: 'Cancel activity' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('option', { name: new RegExp(`^${F}`) }).waitFor({ state: 'detached' });
    });

    it('marks the unresponsive customer at risk (Edit customer on the cancelled call\'s related record)', async () => {
      const { page } = run!.app;
      await navigate(page, 'Activities');
      await page.getByRole('searchbox', { name: 'Search' }).fill('Check-in Call Renewal');
      await page.getByRole('button', { name: F, exact: true }).click();
      const detail = page.getByRole('dialog', { name: F });
      // Its history: why and when it was cancelled.
      await expect.poll(() => historyValue(detail, 'Cancellation reason')).toBe('Customer unresponsive to 3 contact attempts. Will re-engage next month.');
      expect(await historyValue(detail, 'Cancelled')).toMatch(/^\w{3},? \d+ \w{3} \d{4}, \d\d:\d\d$/);
      await detail.getByRole('button', { name: 'Edit customer' }).click();
      const form = page.getByRole('dialog', { name: 'Edit customer' });
      await form.getByLabel('Status', { exact: true }).selectOption('at_risk');
      await form.getByLabel('Notes', { exact: true }).fill(AT_RISK_NOTES);
      await form.getByLabel('Tags', { exact: true }).fill('at-risk, unresponsive');
      await screenshot(page, shotName(run!, 'scenario2-edit-customer'));
      await expectAccessible(run!, 'edit customer dialog');
      await form.getByRole('button', { name: 'Save customer' }).click();
      await form.waitFor({ state: 'detached' });
      if (run!.mode === 'offline') await detail.getByTitle('Changes to this record are not yet synced').waitFor();
      await screenshot(page, shotName(run!, 'scenario2-related-record'));
      await closeDetail(page);

      // The rescheduled one keeps where it was due before and counts the move; the completed one
      // shows its outcome. Offline, both still wait to be sent.
      await page.getByRole('searchbox', { name: 'Search' }).fill('Pricing Review Call');
      await page.getByRole('button', { name: D, exact: true }).click();
      const d = page.getByRole('dialog', { name: D });
      await expect.poll(() => historyValue(d, 'Previous due date')).toBe('Mon, 15 Dec 2025, 17:00');
      expect(await historyValue(d, 'Times rescheduled')).toBe('1');
      await expect.poll(() => historyValue(d, 'State'), { timeout: POLL_MS }).toBe(run!.mode === 'offline' ? 'Not yet synced' : 'Synced');
      await closeDetail(page);
      await page.getByRole('searchbox', { name: 'Search' }).fill('Update Customer Documentation');
      await page.getByRole('button', { name: E, exact: true }).click();
      const e = page.getByRole('dialog', { name: E });
      await e.getByText('Task completed. Documentation updated with new customer information.').waitFor();
      expect(await historyValue(e, 'Completed')).not.toBe('—');
      await closeDetail(page);
      await page.getByRole('searchbox', { name: 'Search' }).fill('');
      await navigate(page, 'Overdue');
    });

    it('bulk-cancels the stale ones: select with x, cancel with d and a reason', async () => {
      const { page } = run!.app;
      // One of them is a colleague's (the guide's L): look at everyone's queue.
      await page.getByLabel('Only mine').uncheck();
      for (const subject of STALE) {
        await focusRow(page, subject);
        await page.keyboard.press('x');
        await page.getByRole('option', { name: new RegExp(`^${subject}`), selected: true }).waitFor();
      }
      await page.getByLabel('Filter overdue activities').fill('');
      await page.getByRole('toolbar', { name: 'Actions for 3 selected' }).waitFor();
      await page.getByRole('listbox', { name: 'Overdue activities' }).focus();
      await screenshot(page, shotName(run!, 'scenario2-selected'));
      await expectAccessible(run!, 'overdue queue with a selection');
      await page.keyboard.press('d');
      const dialog = page.getByRole('dialog', { name: 'Cancel 3 activities' });
      await dialog.getByRole('button', { name: 'Stale activity, no longer relevant' }).click();
      await dialog.getByRole('button', { name: 'Cancel 3 activities' }).click();
      await dialog.waitFor({ state: 'detached' });
      for (const subject of STALE) await page.getByRole('option', { name: new RegExp(`^${subject}`) }).waitFor({ state: 'detached' });
    });

    it('bulk-reschedules two over the week and bulk-completes two more, from the keyboard', async () => {
      const { page } = run!.app;
      const list = page.getByRole('listbox', { name: 'Overdue activities' });
      // The first two plain pending rows (an in-progress one can't be rescheduled, a deferred one can't be completed).
      const pickTopTwo = async () => {
        const texts = await list.getByRole('option').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
        const rows = texts.flatMap((t, i) => (/In progress|Deferred|Waiting/.test(t) ? [] : [i])).slice(0, 2);
        await list.focus();
        await page.keyboard.press('Home');
        let at = 0;
        for (const i of rows) {
          for (; at < i; at += 1) await page.keyboard.press('j');
          await page.keyboard.press('x');
        }
        return list.locator('[role=option][aria-selected=true]').evaluateAll((els) => els.map((e) => e.id.replace(/^ov-/, '')));
      };
      const spread = await pickTopTwo();
      expect(spread).toHaveLength(2);
      await page.keyboard.press('r');
      const reschedule = page.getByRole('dialog', { name: 'Reschedule 2 activities' });
      // Several selected: "Spread over the week" is the default preset.
      expect(await reschedule.getByLabel('Spread over the week').isChecked()).toBe(true);
      await reschedule.getByRole('button', { name: 'Reschedule' }).click();
      await reschedule.waitFor({ state: 'detached' });
      for (const lid of spread) await page.locator(`#ov-${lid}`).waitFor({ state: 'detached' });

      const done = await pickTopTwo();
      await page.keyboard.press('c');
      const complete = page.getByRole('dialog', { name: 'Complete 2 activities' });
      await complete.getByLabel('Outcome for all (recommended)').fill('Handled during the overdue review.');
      await complete.getByRole('button', { name: 'Complete 2' }).click();
      await complete.waitFor({ state: 'detached' });
      for (const lid of done) await page.locator(`#ov-${lid}`).waitFor({ state: 'detached' });
      bulkSpread = spread;
      bulkDone = done;
    });

    it('the server has each change once, with the right fields', async () => {
      await finishRun(run!);
      const env = run!.env;
      expect(await serverActivity(env, GUIDE_IDS.activityD)).toMatchObject({
        status: 'pending', due_at: tomorrow9, previous_due_at: '2025-12-15T16:00:00Z', rescheduled_count: 1, priority: 'high', is_overdue: false,
      });
      const e = await serverActivity(env, GUIDE_IDS.activityE);
      expect(e).toMatchObject({ status: 'completed', duration_minutes: 15 });
      expect(e.outcome).toBe('What was discussed:\nTask completed. Documentation updated with new customer information.');
      expect(await serverActivity(env, GUIDE_IDS.activityF)).toMatchObject({
        status: 'cancelled', cancellation_reason: 'Customer unresponsive to 3 contact attempts. Will re-engage next month.',
      });
      for (const id of STALE_IDS) {
        expect(await serverActivity(env, id)).toMatchObject({ status: 'cancelled', cancellation_reason: 'Stale activity, no longer relevant' });
      }
      const serverIds = await serverIdsOf(run!, [...bulkSpread, ...bulkDone]);
      const spread = await Promise.all(bulkSpread.map((lid) => serverActivity(env, serverIds[lid] ?? '')));
      for (const a of spread) {
        expect(a).toMatchObject({ status: 'pending', rescheduled_count: 1, is_overdue: false });
        const local = new TZDate(Date.parse(a.due_at ?? ''), ZONE);
        // Inside working hours (08:00–18:00 by default) on a weekday.
        expect(local.getDay()).not.toBe(0);
        expect(local.getDay()).not.toBe(6);
        expect(local.getHours()).toBeGreaterThanOrEqual(8);
        expect(local.getHours()).toBeLessThan(18);
      }
      // Spread: two activities land on two different days.
      expect(new Set(spread.map((a) => a.due_at?.slice(0, 10))).size).toBe(2);
      for (const lid of bulkDone) {
        expect(await serverActivity(env, serverIds[lid] ?? '')).toMatchObject({ status: 'completed', outcome: 'Handled during the overdue review.' });
      }
      expect(await serverEntity(env, 'customers', GUIDE_IDS.customer423)).toMatchObject({
        status: 'at_risk', notes: AT_RISK_NOTES, tags: ['at-risk', 'unresponsive'],
      });
      // Rescheduling, completing and cancelling create nothing new.
      expect(await createdDuringRun(run!)).toEqual([]);
    });
  });
}
