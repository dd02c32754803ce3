/**
 * The calendar without a mouse: Alt+arrows on a focused activity do what a drag or a resize does
 * (the same confirm dialog, through the reschedule and update commands), and the server ends up
 * with the new time and duration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY } from '../crm-server/index.ts';
import { navigate, openApp, screenshot, startE2E, waitForFirstSync, waitForSynced, type AppPage, type E2EEnv } from './harness.ts';
import { clickCalendarSlot, instantAt, localInput, nextWeekMonday, serverActivity } from './scenario-steps.ts';

const SUBJECT = 'Keyboard-only planning call';
const PREP = 'Early desk prep';

describe('calendar keyboard moves', () => {
  let env: E2EEnv;
  let app: AppPage;
  let id = '';
  const monday = nextWeekMonday();

  beforeAll(async () => {
    env = await startE2E();
    // 07:00 next Monday is before the demo data's working day: the activity is alone there.
    const res = await fetch(`${env.crm.url}/api/v1/crm/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.crm.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        type: 'call', subject: SUBJECT, activityable_type: 'customer', activityable_id: DIRECTORY.customers[0]!.id,
        due_at: instantAt(monday, 7), duration_minutes: 30, priority: 'medium',
      }),
    });
    id = ((await res.json()) as { data: { id: string } }).data.id;
    // Half an hour at 06:00 the same morning: what the reschedule dialog warns about.
    env.crm.mutate.create({
      type: 'task', subject: PREP, activityable_type: 'customer', activityable_id: DIRECTORY.customers[0]!.id,
      due_at: instantAt(monday, 6), duration_minutes: 30, priority: 'medium',
    });
    app = await openApp(env);
    await waitForFirstSync(app.page);
  });

  afterAll(async () => {
    if (app) expect(app.errors).toEqual([]);
    await app?.context.close();
    await env?.close();
  });

  it('Alt+↓ opens the reschedule dialog 15 minutes later, with the time focused to fine-tune; Alt+Shift+↓ lengthens it', async () => {
    const { page } = app;
    await navigate(page, 'Calendar');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    const event = page.getByRole('button', { name: new RegExp(`${SUBJECT} ?, Call`) });
    await event.focus();
    expect(await event.getAttribute('aria-keyshortcuts')).toContain('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowDown');

    const dialog = page.getByRole('dialog', { name: 'Reschedule activity' });
    await dialog.waitFor();
    expect(await dialog.locator('p').first().textContent()).toMatch(/07:00 to Mon \d+ \w+, 07:15$/);
    const when = dialog.getByLabel('New date and time');
    await expect.poll(() => when.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await when.inputValue()).toBe(localInput(new Date(instantAt(monday, 7, 15))));
    // The warnings follow the time typed: 06:40 leaves 10 minutes after the 06:00 task, 06:10 overlaps it.
    const warnings = dialog.getByRole('status');
    await when.fill(localInput(new Date(instantAt(monday, 6, 40))));
    await warnings.getByText(`Leaves 10 min between this and "${PREP}": no time to prepare.`).waitFor();
    await when.fill(localInput(new Date(instantAt(monday, 6, 10))));
    await warnings.getByText(`Overlaps "${PREP}".`).waitFor();
    await when.fill(localInput(new Date(instantAt(monday, 7, 45))));
    // Clear of the task, but still before the working day: only that is said.
    await warnings.getByText(`Overlaps "${PREP}".`).waitFor({ state: 'detached' });
    expect(await warnings.locator('li').allTextContents()).toEqual(['That is outside working hours (08:00–18:00).']);
    expect(await dialog.locator('p').first().textContent()).toMatch(/to Mon \d+ \w+, 07:45$/);
    await dialog.getByLabel('Reason (optional)').fill('Earlier start suits the customer.');
    await screenshot(page, 'calendar-keyboard-move-light');
    await dialog.getByRole('button', { name: 'Reschedule' }).click();
    await dialog.waitFor({ state: 'detached' });

    const moved = page.getByRole('button', { name: new RegExp(`07:45.*${SUBJECT}|${SUBJECT}.*07:45`) });
    await moved.focus();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    const duration = page.getByRole('dialog', { name: 'Change duration' });
    await duration.waitFor();
    expect(await duration.locator('p').first().textContent()).toContain('Duration 30 min → 45 min');
    await duration.getByRole('button', { name: 'Save duration' }).click();
    await duration.waitFor({ state: 'detached' });

    await waitForSynced(page);
    await expect.poll(async () => (await serverActivity(env, id)).duration_minutes, { timeout: 15_000 }).toBe(45);
    expect(await serverActivity(env, id)).toMatchObject({
      due_at: instantAt(monday, 7, 45), previous_due_at: instantAt(monday, 7), rescheduled_count: 1, duration_minutes: 45,
    });
  });

  it('Escape leaves the activity where it was, and focus goes back to it', async () => {
    const { page } = app;
    const event = page.getByRole('button', { name: new RegExp(`${SUBJECT} ?, Call`) });
    await event.focus();
    await page.keyboard.press('Alt+ArrowRight');
    const dialog = page.getByRole('dialog', { name: 'Reschedule activity' });
    await dialog.waitFor();
    expect(await dialog.locator('p').first().textContent()).toMatch(/From Mon \d+ \w+, 07:45 to Tue \d+ \w+, 07:45$/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => event.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await serverActivity(env, id)).due_at).toBe(instantAt(monday, 7, 45));
  });

  it('clicking the empty slot right after the 06:00 task warns (without blocking) that there is no time to prepare', async () => {
    const { page } = app;
    await clickCalendarSlot(page, monday, '06:30:00');
    const warning = `Leaves 0 min between this and "${PREP}": no time to prepare.`;
    // The form opens anyway, at the slot's time, with the warning inside it (not behind the modal).
    const form = page.getByRole('dialog', { name: 'New activity' });
    await expect.poll(() => form.getByLabel('Due', { exact: true }).inputValue()).toBe(localInput(new Date(instantAt(monday, 6, 30))));
    await form.getByRole('status').getByText(warning).waitFor();
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  });

  it('with the mouse, dragging the bottom edge half an hour down asks to change the duration, then the CRM has it', async () => {
    const { page } = app;
    const event = page.locator('.fc-event', { hasText: SUBJECT });
    await event.hover();
    const handle = event.locator('.fc-event-resizer-end');
    const edge = await handle.boundingBox();
    const slot = await page.locator('.fc-timegrid-slot-lane[data-time="08:00:00"]').first().boundingBox();
    if (!edge || !slot) throw new Error('no resize handle or slot on screen');
    const x = edge.x + edge.width / 2;
    const y = edge.y + edge.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    // One 30-minute slot further down, in steps (FullCalendar follows the pointer).
    await page.mouse.move(x, y + slot.height, { steps: 10 });
    await page.mouse.up();
    const dialog = page.getByRole('dialog', { name: 'Change duration' });
    await dialog.waitFor();
    expect(await dialog.locator('p').first().textContent()).toContain('Duration 45 min → 1 h 15 min');
    await dialog.getByRole('button', { name: 'Save duration' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The status bar may still say 0 pending before the change is counted: ask the CRM itself.
    await expect.poll(async () => (await serverActivity(env, id)).duration_minutes, { timeout: 15_000 }).toBe(75);
    expect(await serverActivity(env, id)).toMatchObject({ due_at: instantAt(monday, 7, 45), rescheduled_count: 1 });
  });
});
