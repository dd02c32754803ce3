/**
 * The guide's Scenario 1, "Scheduling Sales Call Series", done in the UI as a rep would: the
 * discovery call from an empty calendar slot, the demo and the follow-up from "New activity",
 * then the discovery call completed with its outcome (early, so the app asks to confirm).
 * Once online, once offline until the end; then the server must hold each record exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { navigate, screenshot } from './harness.ts';
import {
  activityForm, clickCalendarSlot, closeDetail, createActivity, expectAccessible, daysFrom, endRun, escapeRe, fillActivityForm, finishRun, instantAt, localInput,
  createdDuringRun, nextWeekMonday, onlyOne, serverEntity, startRun, type Mode, type ScenarioRun, shotName,
} from './scenario-steps.ts';

const OPPORTUNITY = 'Initech - Workflow Automation Platform';
const DISCOVERY = 'Initial Discovery Call - Requirements Gathering';
const DEMO = 'Product Demo - Platform Capabilities';
const FOLLOW_UP = 'Demo Follow-up - Answer Questions';
const DISCOVERY_NOTES = 'Requirements gathered. Integration with Salesforce + SAP required. 500 users. Mobile critical. Budget $150-200K. Q1 timeline.';
const NEXT_STEP = 'Prepare demo focusing on integration capabilities';

/** Form and list state follows live queries; on a busy machine that can take a few seconds. */
const POLL_MS = 15_000;

for (const mode of ['online', 'offline'] as Mode[]) {
  describe(`Scenario 1: sales call series (${mode})`, () => {
    let run: ScenarioRun | undefined;
    let movedToMinute = 0;
    const monday = nextWeekMonday();
    const demoDay = daysFrom(monday, 7);
    const followDay = daysFrom(monday, 14);

    beforeAll(async () => {
      // The app's own undo window: the drag's notice offers Add reason while the move is held.
      run = await startRun(mode, { undoMs: 'app' });
    });
    afterAll(async () => {
      if (run) expect(run.app.errors).toEqual([]);
      await endRun(run);
    });

    it('schedules the discovery call by clicking an empty calendar slot', async () => {
      const { page } = run!.app;
      await navigate(page, 'Calendar');
      await page.getByRole('button', { name: 'Week', exact: true }).click();
      await page.getByRole('button', { name: 'Next week' }).click();
      // 07:00 is before the demo data's working day, so the slot is empty.
      await clickCalendarSlot(page, monday, '07:00:00');

      const form = activityForm(page);
      // The slot's time is filled in; the rep types the rest.
      await expect.poll(() => form.getByLabel('Due', { exact: true }).inputValue(), { timeout: POLL_MS }).toBe(localInput(new Date(instantAt(monday, 7))));
      await fillActivityForm(form, {
        type: 'call', subject: DISCOVERY, entity: { type: 'opportunity', name: OPPORTUNITY }, priority: 'high', duration: '45',
        description: 'Understand current challenges, technical environment, stakeholders, decision criteria, timeline, and budget.',
        tags: 'discovery, new-opportunity',
      });
      await createActivity(page);
      await page.getByRole('button', { name: new RegExp(`${DISCOVERY} ?, Call`) }).waitFor();
      await expectAccessible(run!, 'calendar week with a new activity');
    });

    it('moves the discovery call an hour later by dragging it (at once, then a reason from its notice)', async () => {
      const { page } = run!.app;
      const event = page.getByRole('button', { name: new RegExp(`${DISCOVERY} ?, Call`) });
      // Mid-view, so the drag does not touch the edge (FullCalendar would scroll under the pointer).
      await page.locator('td.fc-timegrid-slot-lane[data-time="07:30:00"]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const box = await event.boundingBox();
      const seven = await page.locator('td.fc-timegrid-slot-lane[data-time="07:00:00"]').boundingBox();
      const eight = await page.locator('td.fc-timegrid-slot-lane[data-time="08:00:00"]').boundingBox();
      if (!box || !seven || !eight) throw new Error('event or slots not on screen');
      const x = box.x + box.width / 2;
      // Grab near the top edge (the 07:00 snap) and let go near the top of the 08:00 slot.
      const y = box.y + 4;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x, (seven.y + eight.y) / 2, { steps: 5 });
      await page.mouse.move(x, eight.y + 4, { steps: 5 });
      await page.mouse.up();
      // The drop is the move (no dialog on a slot nothing warns about): its notice offers Undo and "Add reason".
      const moved = page.locator('.toast', { hasText: `Rescheduled "${DISCOVERY}" to` });
      await moved.waitFor();
      expect(await page.getByRole('dialog', { name: 'Reschedule activity' }).count()).toBe(0);
      await screenshot(page, shotName(run!, 'scenario1-drag'));
      // Where the pointer lands decides the quarter hour; the rep aims for "about 08:00".
      const text = (await moved.locator('span').first().textContent()) ?? '';
      const to = new RegExp(`^Rescheduled "${escapeRe(DISCOVERY)}" to .*\\b08:(00|15)\\.$`).exec(text);
      expect(to, text).not.toBeNull();
      movedToMinute = Number(to?.[1]);
      await moved.getByRole('button', { name: 'Add reason' }).click();
      const dialog = page.getByRole('dialog', { name: 'Reason for the move' });
      await dialog.getByLabel('Reason').fill('Customer asked for a later start.');
      await expectAccessible(run!, 'reason for a move dialog');
      await dialog.getByRole('button', { name: 'Add reason' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('.toast', { hasText: `Reason added to the move of "${DISCOVERY}"` }).waitFor();
    });

    it('schedules the demo and the follow-up from New activity', async () => {
      const { page } = run!.app;
      await page.getByRole('button', { name: 'New activity' }).first().click();
      await fillActivityForm(activityForm(page), {
        type: 'demo', subject: DEMO, entity: { type: 'opportunity', name: OPPORTUNITY }, priority: 'high',
        due: localInput(new Date(instantAt(demoDay, 14))), duration: '60',
        description: 'Demonstrate key features aligned with requirements from discovery call. Include integration capabilities and customization options.',
        tags: 'demo, platform-overview',
      });
      await createActivity(page);

      await page.getByRole('button', { name: 'New activity' }).first().click();
      await fillActivityForm(activityForm(page), {
        type: 'call', subject: FOLLOW_UP, entity: { type: 'opportunity', name: OPPORTUNITY }, priority: 'medium',
        due: localInput(new Date(instantAt(followDay, 11))), duration: '30',
        description: 'Address questions from demo, discuss next steps, timeline for proposal.',
        tags: 'follow-up, demo-questions',
      });
      await createActivity(page);
      await page.getByRole('button', { name: 'Next week' }).click();
      await page.getByRole('button', { name: new RegExp(`${DEMO} ?, Demo`) }).waitFor();
    });

    it('completes the discovery call with its outcome (confirming it is early)', async () => {
      const { page } = run!.app;
      await page.getByRole('button', { name: 'Previous week' }).click();
      await page.getByRole('button', { name: new RegExp(`${DISCOVERY} ?, Call`) }).click();
      const detail = page.getByRole('dialog', { name: DISCOVERY });
      await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Complete' }).click();
      const outcome = page.getByRole('dialog', { name: `Complete: ${DISCOVERY}` });
      await outcome.getByLabel('What was discussed').fill('Excellent discovery call. Key requirements: integration with Salesforce and SAP, support for 500 users, mobile access critical.');
      await outcome.getByLabel('Decisions made').fill('Budget $150K-$200K. Timeline Q1 implementation.');
      await outcome.getByLabel('Action items').fill('Prepare demo focusing on integration capabilities.');
      await outcome.getByLabel('Next steps').fill('Product demo next week.');
      await outcome.getByLabel('Customer sentiment/feedback').fill('Positive. Decision makers: CTO (champion), CFO (budget authority), VP Ops (primary user).');
      await outcome.getByLabel('Actual duration (minutes)').fill('52');
      await outcome.getByLabel('Tags').fill('completed, positive');
      await screenshot(page, shotName(run!, 'scenario1-outcome'));
      await expectAccessible(run!, 'outcome dialog');
      await outcome.getByRole('button', { name: 'Complete', exact: true }).click();
      const confirm = page.getByRole('dialog', { name: "Complete before it's due?" });
      await confirm.getByRole('button', { name: 'Complete now' }).click();
      await outcome.waitFor({ state: 'detached' });
      await detail.getByText('Completed', { exact: true }).first().waitFor();
      await closeDetail(page);
    });

    it('updates the opportunity from what the discovery call found (Edit opportunity on the call\'s related record)', async () => {
      const { page } = run!.app;
      await page.getByRole('button', { name: new RegExp(`${DISCOVERY} ?, Call`) }).click();
      const detail = page.getByRole('dialog', { name: DISCOVERY });
      await detail.getByRole('button', { name: 'Edit opportunity' }).click();
      const form = page.getByRole('dialog', { name: 'Edit opportunity' });
      // A value that is not a number is named on its field, and nothing is queued.
      await form.getByLabel('Value', { exact: true }).fill('about 175k');
      await form.getByRole('button', { name: 'Save opportunity' }).click();
      await form.getByText('Enter the value as a number, e.g. 175000.').waitFor();
      expect(await form.getByLabel('Value', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await form.getByLabel('Value', { exact: true }).fill('175000.00');
      // Changing the field takes its error away until the next save checks it again.
      await form.getByText('Enter the value as a number, e.g. 175000.').waitFor({ state: 'detached' });
      await form.getByLabel('Probability (%)').fill('40');
      for (const flag of ['Budget confirmed', 'Authority confirmed', 'Need confirmed', 'Timeline confirmed']) await form.getByLabel(flag).check();
      await form.getByLabel('Discovery notes').fill(DISCOVERY_NOTES);
      await form.getByLabel('Next step').fill(NEXT_STEP);
      await screenshot(page, shotName(run!, 'scenario1-edit-opportunity'));
      await expectAccessible(run!, 'edit opportunity dialog');
      await form.getByRole('button', { name: 'Save opportunity' }).click();
      await form.waitFor({ state: 'detached' });
      if (run!.mode === 'offline') {
        // Kept here until the connection is back, and marked so.
        await detail.getByTitle('Changes to this record are not yet synced').waitFor();
        await screenshot(page, shotName(run!, 'scenario1-related-pending'));
        await detail.getByRole('button', { name: 'Edit opportunity' }).click();
        const again = page.getByRole('dialog', { name: 'Edit opportunity' });
        expect(await again.getByLabel('Value', { exact: true }).inputValue()).toBe('175000');
        expect(await again.getByLabel('Timeline confirmed').isChecked()).toBe(true);
        await again.getByRole('status').getByText('Not yet synced').waitFor();
        await screenshot(page, shotName(run!, 'scenario1-edit-opportunity-pending'));
        await again.getByRole('button', { name: 'Back' }).click();
        await again.waitFor({ state: 'detached' });
      }
      await closeDetail(page);
    });

    it('syncs each record exactly once with the right fields', async () => {
      await finishRun(run!);
      expect(await serverEntity(run!.env, 'opportunities', GUIDE_IDS.newOpportunity)).toMatchObject({
        name: OPPORTUNITY, value: 175000, probability: 40,
        budget_confirmed: true, authority_confirmed: true, need_confirmed: true, timeline_confirmed: true,
        discovery_notes: DISCOVERY_NOTES, next_step: NEXT_STEP,
      });
      const list = await createdDuringRun(run!, { activityable_id: GUIDE_IDS.newOpportunity });
      expect(list).toHaveLength(3);
      const discovery = onlyOne(list, DISCOVERY);
      const demo = onlyOne(list, DEMO);
      const follow = onlyOne(list, FOLLOW_UP);
      expect(discovery).toMatchObject({
        type: 'call', status: 'completed', priority: 'high', activityable_type: 'opportunity', activityable_id: GUIDE_IDS.newOpportunity,
        assigned_user_id: GUIDE_IDS.jane, due_at: instantAt(monday, 8, movedToMinute), previous_due_at: instantAt(monday, 7), rescheduled_count: 1,
        duration_minutes: 52,
      });
      expect(discovery.outcome).toContain('What was discussed:\nExcellent discovery call. Key requirements: integration with Salesforce and SAP');
      expect(discovery.outcome).toContain('Customer sentiment/feedback:\nPositive.');
      expect([...discovery.tags].sort()).toEqual(['completed', 'discovery', 'new-opportunity', 'positive']);
      expect(demo).toMatchObject({ type: 'demo', status: 'pending', priority: 'high', due_at: instantAt(demoDay, 14), duration_minutes: 60 });
      expect(demo.tags).toEqual(['demo', 'platform-overview']);
      expect(follow).toMatchObject({ type: 'call', status: 'pending', priority: 'medium', due_at: instantAt(followDay, 11), duration_minutes: 30 });
      expect(follow.tags).toEqual(['follow-up', 'demo-questions']);
    });
  });
}
