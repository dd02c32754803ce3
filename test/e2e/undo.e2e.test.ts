/**
 * Undo everything (issue #13), in Chromium against the stand-in CRM: a change waits out its undo
 * window before it is sent, so Undo in its notice (or Ctrl+Z) takes it back before the CRM sees
 * it; a drag moves the activity at once, with Undo and "Add reason"; a reschedule that already
 * reached the CRM is undone from the detail history with one reschedule back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DIRECTORY } from '../crm-server/index.ts';
import { axeSerious, closeChecked, navigate, openSyncedApp, screenshot, startE2E, type AppPage, type E2EEnv } from './harness.ts';
import { daysFrom, instantAt, nextWeekMonday, serverActivity } from './scenario-steps.ts';

const DONE = 'Undo e2e: call to complete';
const DRAGGED = 'Undo e2e: visit to drag';
const SENT = 'Undo e2e: demo moved and sent';
/** A Monday eight weeks out, cleared of the demo data, so no neighbour warns about a move. */
const WEEKS_OUT = 8;

describe('undo', () => {
  let env: E2EEnv;
  let app: AppPage;
  const ids: Record<string, string> = {};
  const monday = daysFrom(nextWeekMonday(), 7 * WEEKS_OUT);

  const routeCount = (suffix: string) =>
    Object.entries(env.crm.stats().byRoute).filter(([k]) => k.startsWith('POST ') && k.endsWith(suffix)).reduce((n, [, v]) => n + v, 0);

  beforeAll(async () => {
    env = await startE2E();
    const customer = DIRECTORY.customers[0]!.id;
    const from = Date.parse(instantAt(monday, 0));
    const docs = env.crm.db.prepare('SELECT id, data FROM activity_docs').all() as { id: string; data: string }[];
    for (const d of docs) {
      const due = Date.parse((JSON.parse(d.data) as { due_at: string | null }).due_at ?? '');
      if (due >= from && due < from + 86_400_000) env.crm.mutate.delete(d.id);
    }
    for (const [subject, hour, type] of [[DRAGGED, 10, 'meeting'], [SENT, 14, 'demo'], [DONE, 16, 'call']] as const) {
      ids[subject] = env.crm.mutate.create({
        type, subject, activityable_type: 'customer', activityable_id: customer, due_at: instantAt(monday, hour), duration_minutes: 30, priority: 'medium',
      }).id;
    }
    app = await openSyncedApp(env, { undoMs: 'app' });
    await navigate(app.page, 'Calendar');
    await app.page.getByRole('button', { name: 'Week', exact: true }).click();
    for (let i = 0; i <= WEEKS_OUT; i++) await app.page.getByRole('button', { name: 'Next week' }).click();
    await event(app.page, DONE).waitFor();
  });

  afterAll(async () => {
    await closeChecked(app, env);
  });

  function event(page: Page, subject: string) {
    return page.locator('.fc-event', { hasText: subject });
  }
  const timeOf = async (page: Page, subject: string) => event(page, subject).locator('.fb-ev-time').textContent();
  const notice = (page: Page, text: string | RegExp) => page.locator('.toast', { hasText: text });

  /** Drags an event by its top edge down to the slot at `toHour` (same day). */
  async function drag(page: Page, subject: string, toHour: number) {
    const ev = event(page, subject);
    await page.locator(`td.fc-timegrid-slot-lane[data-time="${String(toHour).padStart(2, '0')}:00:00"]`).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const box = await ev.boundingBox();
    const to = await page.locator(`td.fc-timegrid-slot-lane[data-time="${String(toHour).padStart(2, '0')}:00:00"]`).boundingBox();
    if (!box || !to) throw new Error(`${subject} or its target slot is not on screen`);
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + 4);
    await page.mouse.down();
    await page.mouse.move(x, (box.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(x, to.y + 4, { steps: 5 });
    await page.mouse.up();
  }

  it('complete → Undo in its notice: the activity is open again and the completion is never sent', async () => {
    const { page } = app;
    await event(page, DONE).click();
    const detail = page.getByRole('dialog', { name: DONE });
    await detail.getByRole('button', { name: 'Complete', exact: true }).click();
    const outcome = page.getByRole('dialog', { name: `Complete: ${DONE}` });
    await outcome.locator('textarea').first().fill('Agreed next steps.');
    await outcome.getByRole('button', { name: 'Complete', exact: true }).click();
    // It is due later: the app asks whether to complete it early.
    await page.getByRole('dialog', { name: "Complete before it's due?" }).getByRole('button', { name: 'Complete now' }).click();
    await outcome.waitFor({ state: 'detached' });
    // Held for its undo window: the detail says so, and offers Undo there too.
    await detail.getByText(/^Waiting to send \(Undo available, \d+ s\)$/).waitFor();
    await page.getByRole('status', { name: 'Sync status' }).getByText('1 waiting to send · Undo available').waitFor();
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    const done = notice(page, `Completed "${DONE}".`);
    await done.waitFor();
    expect(await done.getByRole('button', { name: 'Undo' }).textContent()).toMatch(/^Undo · \d s$/);
    await screenshot(page, 'undo-complete-notice');
    expect(await axeSerious(page)).toEqual([]);
    await done.getByRole('button', { name: 'Undo' }).click();
    await notice(page, `Undone: completed “${DONE}” (it was not sent to the CRM).`).waitFor();
    await event(page, DONE).click();
    await detail.getByText('Pending', { exact: true }).first().waitFor();
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('a drag moves the activity at once (no dialog), with Undo and "Add reason"; Ctrl+Z in the reason field is the field\'s, outside it takes the move back', async () => {
    const { page } = app;
    expect(await timeOf(page, DRAGGED)).toBe('10:00');
    await drag(page, DRAGGED, 11);
    const moved = notice(page, `Rescheduled "${DRAGGED}" to`);
    await moved.waitFor();
    await expect.poll(() => timeOf(page, DRAGGED)).toBe('11:00');
    expect(await page.getByRole('dialog', { name: 'Reschedule activity' }).count()).toBe(0);
    await screenshot(page, 'undo-drag-notice');

    await moved.getByRole('button', { name: 'Add reason' }).click();
    const reason = page.getByRole('dialog', { name: 'Reason for the move' });
    const field = reason.getByLabel('Reason');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Customer asked');
    await screenshot(page, 'undo-add-reason');
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Control+z');
    // The field's own undo, not the app's: the move stands.
    expect(await timeOf(page, DRAGGED)).toBe('11:00');
    expect(await notice(page, `Undone: rescheduled “${DRAGGED}”`).count()).toBe(0);
    await reason.getByRole('button', { name: 'No reason' }).click();
    await reason.waitFor({ state: 'detached' });

    await page.locator('body').focus();
    await page.keyboard.press('Control+z');
    await notice(page, `Undone: rescheduled “${DRAGGED}” (it was not sent to the CRM).`).waitFor();
    await expect.poll(() => timeOf(page, DRAGGED)).toBe('10:00');
  });

  it('a reschedule that already reached the CRM is undone from the detail history with one reschedule back', async () => {
    const { page } = app;
    const id = ids[SENT]!;
    await drag(page, SENT, 15);
    await notice(page, `Rescheduled "${SENT}" to`).waitFor();
    // After its undo window the move goes to the CRM.
    await expect.poll(async () => (await serverActivity(env, id)).due_at, { timeout: 30_000 }).toBe(instantAt(monday, 15));

    await event(page, SENT).click();
    const detail = page.getByRole('dialog', { name: SENT });
    const history = detail.locator('#d-changes + dl');
    await history.getByText('Sent to the CRM').waitFor();
    await screenshot(page, 'undo-detail-history');
    await history.getByRole('button', { name: 'Undo rescheduled' }).click();
    await notice(page, `Undone: moved back “${SENT}”; the CRM gets that change.`).waitFor();
    await expect.poll(async () => (await serverActivity(env, id)).due_at, { timeout: 30_000 }).toBe(instantAt(monday, 14));
    expect(await serverActivity(env, id)).toMatchObject({ rescheduled_count: 2, previous_due_at: instantAt(monday, 15) });
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // The changes undone earlier were never sent, though their windows ended long before this
    // one's (whose move and move back both arrived): one reschedule there and one back, no completion.
    expect(routeCount('/reschedule')).toBe(2);
    expect(routeCount('/complete')).toBe(0);
    expect(env.crm.mutate.get(ids[DONE]!)).toMatchObject({ status: 'pending', due_at: instantAt(monday, 16) });
    expect(env.crm.mutate.get(ids[DRAGGED]!)).toMatchObject({ due_at: instantAt(monday, 10), rescheduled_count: 0 });
  });
});
