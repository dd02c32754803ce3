/**
 * Values the guide does not list (issue 18: 2): the stand-in CRM gives one activity the type `sms`
 * and the status `on_hold`, another only the type `sms`. The app syncs both, shows them with
 * honest labels in the list, the detail and the calendar, finds them under Other in the type
 * filter, offers only Delete for the unknown status (the other actions disabled with the reason),
 * and works the unknown type fully: an edit reaches the CRM with the type left as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY } from '../crm-server/index.ts';
import { navigate, openApp, startE2E, waitForFirstSync, type AppPage, type E2EEnv } from './harness.ts';
import { instantAt, nextWeekMonday, waitForOutboxEmpty } from './scenario-steps.ts';

const ON_HOLD = 'Zephyr texting paused';
const SMS = 'Zephyr text the buyer';
const REASON = 'on_hold is a status this version of Fieldbook does not know; change it in the CRM.';

describe('activities with a type and a status the guide does not list', () => {
  let env: E2EEnv;
  let app: AppPage;
  let onHoldId = '';
  let smsId = '';
  const monday = nextWeekMonday();

  beforeAll(async () => {
    env = await startE2E();
    const base = { activityable_type: 'customer', activityable_id: DIRECTORY.customers[0]!.id, duration_minutes: 30, priority: 'medium' } as const;
    // 06:00 and 06:30 next Monday: before the demo data's working day, alone in the calendar.
    onHoldId = env.crm.mutate.create({ ...base, type: 'call', subject: ON_HOLD, due_at: instantAt(monday, 6) }).id;
    smsId = env.crm.mutate.create({ ...base, type: 'call', subject: SMS, due_at: instantAt(monday, 6, 30) }).id;
    env.crm.mutate.rawSet(onHoldId, { type: 'sms', status: 'on_hold' });
    env.crm.mutate.rawSet(smsId, { type: 'sms' });
    app = await openApp(env);
    await waitForFirstSync(app.page);
  });

  afterAll(async () => {
    if (app) expect(app.errors).toEqual([]);
    await app?.context.close();
    await env?.close();
  });

  const row = (subject: string) => app.page.locator('table.list tbody tr', { has: app.page.getByRole('button', { name: subject, exact: true }) });

  it('the list shows both with their raw values, marked unknown', async () => {
    const { page } = app;
    await navigate(page, 'Activities');
    await page.getByLabel('Search').fill('zephyr');
    await row(ON_HOLD).waitFor();
    expect(await row(ON_HOLD).locator('.type-badge').textContent()).toBe('sms (unknown to this version)');
    expect(await row(ON_HOLD).locator('.status-badge').textContent()).toBe('on_hold (unknown to this version)');
    expect(await row(SMS).locator('.type-badge').textContent()).toBe('sms (unknown to this version)');
    expect(await row(SMS).locator('.status-badge').textContent()).toBe('Pending');
    // Coloured as Other, never with a class made from the raw value.
    expect(await row(SMS).locator('.type-badge').getAttribute('class')).toContain('type-other');
  });

  it('the type filter finds them under Other, and not under a known type', async () => {
    const { page } = app;
    const type = page.getByLabel('Type', { exact: true });
    await type.selectOption('other');
    await row(ON_HOLD).waitFor();
    await row(SMS).waitFor();
    await type.selectOption('call');
    await page.getByText('No activities match these filters.').waitFor();
    await type.selectOption('');
    await row(SMS).waitFor();
  });

  it('the detail of the on_hold one says why, and offers only Delete', async () => {
    const { page } = app;
    await row(ON_HOLD).getByRole('button', { name: ON_HOLD, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: ON_HOLD });
    await dialog.waitFor();
    await dialog.getByText('on_hold (unknown to this version)', { exact: true }).waitFor();
    await dialog.getByText('sms (unknown to this version)', { exact: true }).waitFor();
    await dialog.getByText(`${REASON} Only Delete is available here.`).waitFor();
    const actions = dialog.getByRole('toolbar', { name: 'Actions' });
    const buttons = await actions.getByRole('button').all();
    const offered: string[] = [];
    for (const b of buttons) {
      const name = (await b.textContent()) ?? '';
      if (await b.isEnabled()) offered.push(name);
      else expect(await b.getAttribute('title'), name).toBe(REASON);
    }
    expect(offered).toEqual(['Delete']);
    expect(buttons.length).toBe(6);
  });

  it('Delete reaches the CRM', async () => {
    const { page } = app;
    const dialog = page.getByRole('dialog', { name: ON_HOLD });
    await dialog.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete activity?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The status bar may not have counted the new change yet: wait on the outbox itself.
    await waitForOutboxEmpty(app);
    await expect.poll(() => env.crm.mutate.get(onHoldId)?.deleted_at ?? null, { timeout: 30_000 }).not.toBeNull();
    await row(ON_HOLD).waitFor({ state: 'detached' });
  });

  it('the sms one is fully usable: every action of a pending activity, and an edit reaches the CRM with its type kept', async () => {
    const { page } = app;
    await row(SMS).getByRole('button', { name: SMS, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: SMS });
    await dialog.waitFor();
    const actions = dialog.getByRole('toolbar', { name: 'Actions' });
    for (const name of ['Complete', 'Reschedule', 'Edit', 'Cancel', 'Delete']) expect(await actions.getByRole('button', { name, exact: true }).isEnabled(), name).toBe(true);
    expect(await actions.getByRole('button', { name: 'Recreate', exact: true }).isEnabled()).toBe(false);
    await actions.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('dialog', { name: 'Edit activity' });
    await form.getByLabel('Subject', { exact: true }).fill(`${SMS} today`);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await waitForOutboxEmpty(app);
    await expect.poll(() => env.crm.mutate.get(smsId)?.subject, { timeout: 30_000 }).toBe(`${SMS} today`);
    expect(env.crm.mutate.get(smsId)).toMatchObject({ type: 'sms', status: 'pending' });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: `${SMS} today` }).waitFor({ state: 'detached' });
  });

  it('the calendar shows it with the honest label, in Other\'s colour', async () => {
    const { page } = app;
    await navigate(page, 'Calendar');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    // The event's name is its text: time, subject, then the details (type first, status among them).
    const event = page.getByRole('button', { name: new RegExp(`${SMS}.*sms \\(unknown to this version\\), .*Pending`) });
    await event.waitFor();
    expect(await event.getAttribute('class')).toContain('fb-type-other');
  });
});
