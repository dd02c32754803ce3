/**
 * Activity plans (issue 15) in Chromium: Settings → Activity plans (add with a per-field error
 * that loses nothing, duplicate, edit, delete, all surviving a reload), then the guide's Scenario 1
 * plan applied to an opportunity from New activity. The demo's day is seeded busy on the CRM, so
 * the preview warns about it; the rep moves that step a day later and creates the plan. Once
 * online, once offline until the end; then the stand-in CRM must hold exactly the three
 * activities with the guide's fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync } from './harness.ts';
import {
  ZONE, activityForm, createdDuringRun, daysFrom, endRun, expectAccessible, finishRun, instantAt, localInput, nextWeekMonday, onlyOne,
  serverActivities, shotName, waitForOutboxEmpty, type Mode, type ScenarioRun,
} from './scenario-steps.ts';

const OPPORTUNITY = 'Initech - Workflow Automation Platform';
const PLAN = 'Sales call series (new opportunity)';
const DISCOVERY = 'Initial Discovery Call - Requirements Gathering';
const DEMO = 'Product Demo - Platform Capabilities';
const FOLLOW_UP = 'Demo Follow-up - Answer Questions';
const POLL_MS = 15_000;

/** Six half-hour activities of the rep on `day` (08:00–13:00 there): with one more the day is over-booked. */
async function seedBusyDay(env: ScenarioRun['env'], day: Date): Promise<void> {
  for (let h = 8; h < 14; h++) {
    const res = await fetch(`${env.crm.url}/api/v1/crm/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.crm.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        type: 'meeting', subject: `Busy block ${h}:00`, activityable_type: 'customer', activityable_id: GUIDE_IDS.acmeCustomer,
        assigned_user_id: env.crm.userId, due_at: instantAt(day, h), duration_minutes: 30, priority: 'medium',
      }),
    });
    if (!res.ok) throw new Error(`seed: ${res.status} ${await res.text()}`);
  }
}

async function startPlanRun(mode: Mode, busyDay: Date): Promise<ScenarioRun> {
  const env = await startE2E();
  await seedBusyDay(env, busyDay);
  const before = new Set((await serverActivities(env)).map((a) => a.id));
  const app = await openApp(env, { timezoneId: ZONE, colorScheme: mode === 'offline' ? 'dark' : 'light', viewport: { width: 1366, height: 900 } });
  await waitForFirstSync(app.page);
  await waitForDirectory(app.page);
  if (mode === 'offline') {
    // The dev server serves the lazily loaded parts (the packaged app has them on disk, the web
    // build in its service worker): open the form and the dialog once while online, so offline they are there.
    await app.page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
    await activityForm(app.page).getByRole('button', { name: 'Apply a plan…' }).click();
    await app.page.getByRole('dialog', { name: 'Apply a plan' }).getByRole('button', { name: 'Cancel' }).click();
    await activityForm(app.page).getByRole('button', { name: 'Discard' }).click();
    await activityForm(app.page).waitFor({ state: 'detached' });
    await app.goOffline();
    await app.page.getByRole('status', { name: 'Sync status' }).getByText('Offline', { exact: true }).waitFor();
  }
  return { env, app, mode, before };
}

for (const mode of ['online', 'offline'] as Mode[]) {
  describe(`Activity plans (${mode})`, () => {
    let run: ScenarioRun | undefined;
    const monday = nextWeekMonday();
    const demoDay = daysFrom(monday, 7);

    beforeAll(async () => {
      run = await startPlanRun(mode, demoDay);
    });
    afterAll(async () => {
      if (run) expect(run.app.errors).toEqual([]);
      await endRun(run);
    });

    // Settings does not depend on the connection: once, in the online run (its reload check is at the end).
    it.runIf(mode === 'online')('Settings: add (a bad field is named, nothing typed is lost), duplicate, edit, delete', async () => {
      const { page } = run!.app;
      await navigate(page, 'Settings');
      const section = page.getByRole('region', { name: 'Activity plans' });
      const list = section.getByRole('list', { name: 'Plans' });
      await list.getByRole('heading', { name: PLAN }).waitFor();
      await list.getByRole('heading', { name: 'QBR follow-up' }).waitFor();

      // Keyboard: Enter on Edit opens the editor on the plan's name; Escape closes it and focus goes back.
      const editButton = list.getByRole('button', { name: `Edit ${PLAN}` });
      await editButton.focus();
      await page.keyboard.press('Enter');
      const viaKeys = page.getByRole('dialog', { name: `Edit plan: ${PLAN}` });
      await expect.poll(() => viaKeys.getByLabel('Plan name').evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Escape');
      await viaKeys.waitFor({ state: 'detached' });
      await expect.poll(() => editButton.evaluate((el) => el === document.activeElement)).toBe(true);

      await section.getByRole('button', { name: 'Add plan' }).click();
      const editor = page.getByRole('dialog', { name: 'New plan' });
      await editor.getByLabel('Step 1 subject').fill('Check-in call - {record}');
      await editor.getByLabel('Step 1 offset', { exact: true }).fill('-2');
      await editor.getByRole('button', { name: 'Save plan' }).click();
      await editor.getByText('Enter a name for the plan.').waitFor();
      await editor.getByText('The offset cannot be negative: a step comes at or after what it counts from.').waitFor();
      expect(await editor.getByLabel('Plan name').getAttribute('aria-invalid')).toBe('true');
      expect(await editor.getByLabel('Step 1 offset', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await editor.getByLabel('Step 1 subject').inputValue()).toBe('Check-in call - {record}');
      await screenshot(page, `plans-editor-errors-${mode}`);
      await expectAccessible(run!, 'plan editor with errors');
      await editor.getByLabel('Step 1 offset', { exact: true }).fill('2');
      await editor.getByLabel('Plan name').fill('Quarterly check-in');
      // Enter in a single-line field saves, as in every dialog.
      await editor.getByLabel('Plan name').press('Enter');
      await editor.waitFor({ state: 'detached' });
      await list.getByRole('heading', { name: 'Quarterly check-in' }).waitFor();

      await list.getByRole('button', { name: `Duplicate ${PLAN}` }).click();
      await list.getByRole('heading', { name: `${PLAN} (copy)` }).waitFor();
      await list.getByRole('button', { name: `Edit ${PLAN} (copy)` }).click();
      const edit = page.getByRole('dialog', { name: `Edit plan: ${PLAN} (copy)` });
      expect(await edit.getByLabel('Step 2 subject').inputValue()).toBe(DEMO);
      // The name of another plan is refused on the name field.
      await edit.getByLabel('Plan name').fill('quarterly check-in');
      await edit.getByRole('button', { name: 'Save plan' }).click();
      await edit.getByText('Another plan has that name; choose a different one.').waitFor();
      await edit.getByLabel('Plan name').fill('Enterprise series');
      await edit.getByLabel('Step 3 time of day').fill('15:30');
      await edit.getByRole('button', { name: 'Save plan' }).click();
      await edit.waitFor({ state: 'detached' });
      await list.getByRole('heading', { name: 'Enterprise series' }).waitFor();

      await list.getByRole('button', { name: 'Delete Quarterly check-in' }).click();
      await page.getByRole('dialog', { name: 'Delete plan?' }).getByRole('button', { name: 'Delete plan' }).click();
      await list.getByRole('heading', { name: 'Quarterly check-in' }).waitFor({ state: 'detached' });
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, shotName(run!, 'plans-settings-1366'));
      await page.setViewportSize({ width: 800, height: 900 });
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, shotName(run!, 'plans-settings-800'));
      await expectAccessible(run!, 'Settings → Activity plans');
      // The same in dark (the theme follows the system until the rep picks one).
      await page.emulateMedia({ colorScheme: 'dark' });
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, 'plans-settings-800-online-dark');
      await page.setViewportSize({ width: 1366, height: 900 });
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, 'plans-settings-1366-online-dark');
      await expectAccessible(run!, 'Settings → Activity plans (dark)');
      await page.emulateMedia({ colorScheme: 'light' });

    });

    it('applies the Scenario 1 plan to an opportunity from New activity: the busy day is flagged, the rep moves that step', async () => {
      const { page } = run!.app;
      await page.getByRole('banner').getByRole('button', { name: 'New activity' }).click();
      await activityForm(page).getByRole('button', { name: 'Apply a plan…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Apply a plan' });
      await dialog.getByLabel('Plan', { exact: true }).selectOption({ label: PLAN });
      await dialog.getByLabel('Related record: type').selectOption('opportunity');
      const name = dialog.getByRole('combobox', { name: 'Related record: name' });
      await name.click();
      await name.fill('Initech');
      await dialog.getByRole('listbox', { name: 'Related record results' }).getByRole('option', { name: new RegExp(`^${OPPORTUNITY}`) }).click();
      await dialog.getByLabel('Start', { exact: true }).fill(localInput(new Date(instantAt(monday, 9))));

      const preview = dialog.getByRole('list', { name: 'Activities to create' });
      const step = (n: number, subject: string) => preview.getByRole('listitem', { name: `Step ${n}: ${subject}` });
      const when = (n: number) => preview.getByLabel(`When: step ${n}`).inputValue();
      const at = (day: Date, h: number) => localInput(new Date(instantAt(day, h)));
      await expect.poll(() => step(2, DEMO).getByRole('list', { name: 'Warnings for step 2' }).textContent(), { timeout: POLL_MS }).toContain('Over-booked day');
      expect(await when(1)).toBe(at(monday, 10));
      expect(await when(2)).toBe(at(demoDay, 14));
      expect(await when(3)).toBe(at(daysFrom(monday, 14), 11));
      await screenshot(page, shotName(run!, 'plans-apply-warning-1366'));
      await expectAccessible(run!, 'apply-plan dialog with a warning');

      await step(2, DEMO).getByRole('button', { name: 'Step 2 a day later' }).click();
      await expect.poll(() => when(2), { timeout: POLL_MS }).toBe(at(daysFrom(demoDay, 1), 14));
      await expect.poll(async () => (await step(2, DEMO).textContent()) ?? '', { timeout: POLL_MS }).not.toContain('Over-booked day');
      // The other steps count from the start: they stay.
      expect(await when(3)).toBe(at(daysFrom(monday, 14), 11));
      await page.setViewportSize({ width: 800, height: 900 });
      await screenshot(page, shotName(run!, 'plans-apply-800'));
      await page.setViewportSize({ width: 1366, height: 900 });

      await dialog.getByRole('button', { name: 'Create 3 activities' }).click();
      await dialog.waitFor({ state: 'detached' });
      await activityForm(page).waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: `3 activities created from “${PLAN}”.` }).waitFor();
    });

    it('after sync the CRM holds exactly the three activities with the guide\'s fields', async () => {
      await finishRun(run!);
      const created = await createdDuringRun(run!);
      expect(created.map((a) => a.subject).sort()).toEqual([DEMO, FOLLOW_UP, DISCOVERY].sort());
      const common = { activityable_type: 'opportunity', activityable_id: GUIDE_IDS.newOpportunity, assigned_user_id: run!.env.crm.userId, status: 'pending' };
      expect(onlyOne(created, DISCOVERY)).toMatchObject({
        ...common, type: 'call', due_at: instantAt(monday, 10), duration_minutes: 45, priority: 'high',
        description: 'Understand current challenges, technical environment, stakeholders, decision criteria, timeline, and budget.',
        tags: ['discovery', 'new-opportunity'],
      });
      expect(onlyOne(created, DEMO)).toMatchObject({
        ...common, type: 'demo', due_at: instantAt(daysFrom(demoDay, 1), 14), duration_minutes: 60, priority: 'high',
        description: 'Demonstrate key features aligned with requirements from discovery call. Include integration capabilities and customization options.',
        tags: ['demo', 'platform-overview'],
      });
      expect(onlyOne(created, FOLLOW_UP)).toMatchObject({
        ...common, type: 'call', due_at: instantAt(daysFrom(monday, 14), 11), duration_minutes: 30, priority: 'medium',
        description: 'Address questions from demo, discuss next steps, timeline for proposal.',
        tags: ['follow-up', 'demo-questions'],
      });
    });

    it.runIf(mode === 'online')('from the record\'s actions, and the follow-up plan from a completed call (its note logged as done)', async () => {
      const { page } = run!.app;
      await navigate(page, 'Activities');
      await page.getByRole('searchbox', { name: 'Search' }).fill('Initial Discovery');
      await page.getByRole('button', { name: DISCOVERY, exact: true }).click();
      const detail = page.getByRole('dialog', { name: DISCOVERY });
      // Beside the related record: the dialog is for that record (no picker).
      await detail.getByRole('button', { name: 'Apply a plan', exact: true }).click();
      const fromRecord = page.getByRole('dialog', { name: 'Apply a plan' });
      await fromRecord.getByText(OPPORTUNITY, { exact: true }).waitFor();
      expect(await fromRecord.getByRole('combobox', { name: 'Related record: name' }).count()).toBe(0);
      await fromRecord.getByRole('button', { name: 'Cancel' }).click();
      await fromRecord.waitFor({ state: 'detached' });

      await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Complete' }).click();
      const outcome = page.getByRole('dialog', { name: `Complete: ${DISCOVERY}` });
      await outcome.getByLabel('What was discussed').fill('Requirements gathered: Salesforce and SAP integration, 500 users.');
      await outcome.getByRole('button', { name: 'Complete', exact: true }).click();
      await page.getByRole('dialog', { name: "Complete before it's due?" }).getByRole('button', { name: 'Complete now' }).click();
      await outcome.waitFor({ state: 'detached' });
      await detail.getByRole('button', { name: 'Apply a follow-up plan' }).click();
      const dialog = page.getByRole('dialog', { name: 'Apply a plan' });
      expect(await dialog.getByLabel('Plan', { exact: true }).locator('option:checked').textContent()).toBe('QBR follow-up');
      const preview = dialog.getByRole('list', { name: 'Activities to create' });
      const note = preview.getByRole('listitem', { name: `Step 3: QBR Action Items - ${OPPORTUNITY}` });
      await note.getByText(/Logged as done/).waitFor();
      await screenshot(page, 'plans-follow-up-online-light');
      await dialog.getByRole('button', { name: 'Create 3 activities' }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitForOutboxEmpty(run!.app);

      const created = await createdDuringRun(run!);
      expect(onlyOne(created, `QBR Action Items - ${OPPORTUNITY}`)).toMatchObject({
        type: 'note', status: 'completed', activityable_id: GUIDE_IDS.newOpportunity, tags: ['action-items', 'qbr'],
      });
      expect(onlyOne(created, 'Arrange Advanced Features Training')).toMatchObject({
        type: 'task', status: 'pending', priority: 'medium', tags: ['training', 'customer-success'],
        description: `Coordinate with training team to schedule advanced features workshop for ${OPPORTUNITY}. Focus on reporting and automation features.`,
      });
      expect(onlyOne(created, 'Expansion Discussion - Additional Departments')).toMatchObject({ type: 'call', duration_minutes: 45, priority: 'high' });
    });

    it.runIf(mode === 'online')('the plans as edited survive a reload (they live on the device)', async () => {
      const { page } = run!.app;
      await page.reload();
      // Web mode keeps no token: the app asks to sign in again, with everything else as it was.
      await page.getByRole('form', { name: 'Sign in to the CRM' }).waitFor();
      await navigate(page, 'Settings');
      const after = page.getByRole('region', { name: 'Activity plans' }).getByRole('list', { name: 'Plans' });
      await after.getByRole('heading', { name: 'Enterprise series' }).waitFor();
      expect(await after.getByRole('heading').allTextContents()).toEqual([PLAN, 'QBR follow-up', 'Enterprise series']);
      expect(await after.getByRole('listitem').filter({ hasText: 'Enterprise series' }).getByText(/15:30/).count()).toBe(1);
    });
  });
}
