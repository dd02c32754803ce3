/**
 * Edits of directory records the CRM refuses: the Sync view lists them with the server's message,
 * Discard puts the record back to the CRM's version, and the next edit goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync, type AppPage, type E2EEnv } from './harness.ts';
import { closeDetail, serverEntity, waitForOutboxEmpty } from './scenario-steps.ts';

const F = 'Check-in Call - Renewal Status';
const REFUSAL = 'Customers with an open renewal cannot be marked at risk.';

describe('refused entity edits', () => {
  let env: E2EEnv | undefined;
  let app: AppPage | undefined;

  beforeAll(async () => {
    env = await startE2E();
    app = await openApp(env, { timezoneId: 'Europe/Berlin' });
    await waitForFirstSync(app.page);
    await waitForDirectory(app.page);
  });
  afterAll(async () => {
    if (app) expect(app.errors).toEqual([]);
    await app?.context.close();
    await env?.close();
  });

  async function editCustomerStatus(status: string): Promise<void> {
    const { page } = app!;
    await navigate(page, 'Activities');
    await page.getByRole('searchbox', { name: 'Search' }).fill('Check-in Call Renewal');
    await page.getByRole('button', { name: F, exact: true }).click();
    const detail = page.getByRole('dialog', { name: F });
    await detail.getByRole('button', { name: 'Edit customer' }).click();
    const form = page.getByRole('dialog', { name: 'Edit customer' });
    await form.getByLabel('Status', { exact: true }).selectOption(status);
    await form.getByRole('button', { name: 'Save customer' }).click();
    await form.waitFor({ state: 'detached' });
    await closeDetail(page);
  }

  it('shows a refused customer edit in Sync with the CRM\'s message; Discard restores the CRM\'s version', async () => {
    const { page } = app!;
    // The CRM refuses this one edit (a rule the app cannot know about).
    await page.route(`${env!.crm.url}/api/v1/crm/customers/**`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      return route.fulfill({
        status: 422, contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': new URL(page.url()).origin, Vary: 'Origin' },
        body: JSON.stringify({ success: false, message: 'The given data was invalid.', errors: { status: [REFUSAL] } }),
      });
    });
    await editCustomerStatus('at_risk');
    await navigate(page, 'Sync');
    const section = page.getByRole('region', { name: 'Refused changes', exact: true });
    const issue = section.getByRole('article', { name: 'Edit customer: Globex Corporation' });
    await issue.getByText(`The given data was invalid. (status: ${REFUSAL})`).waitFor({ timeout: 30_000 });
    await issue.getByText('HTTP 422').waitFor();
    await page.getByText('1 refused · 0 conflicts').waitFor();
    expect(await section.getByText('Nothing refused by the CRM.').count()).toBe(0);
    await screenshot(page, 'entity-refused-sync-light');
    expect(await axeSerious(page)).toEqual([]);
    // The same in the dark theme (the app follows the system's scheme).
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await screenshot(page, 'entity-refused-sync-dark');
    expect(await axeSerious(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.unroute(`${env!.crm.url}/api/v1/crm/customers/**`);

    await issue.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('dialog', { name: 'Discard this change?' }).getByRole('button', { name: 'Discard change' }).click();
    await issue.waitFor({ state: 'detached' });
    await section.getByText('Nothing refused by the CRM.').waitFor();
    // The record is the CRM's again, locally and on the server.
    expect(await serverEntity(env!, 'customers', GUIDE_IDS.customer423)).toMatchObject({ status: 'active' });
    await navigate(page, 'Activities');
    await page.getByRole('button', { name: F, exact: true }).click();
    await page.getByRole('dialog', { name: F }).getByRole('button', { name: 'Edit customer' }).click();
    const form = page.getByRole('dialog', { name: 'Edit customer' });
    expect(await form.getByLabel('Status', { exact: true }).inputValue()).toBe('active');
    expect(await form.getByText('Not yet synced').count()).toBe(0);
    await form.getByRole('button', { name: 'Back' }).click();
    await closeDetail(page);
  });

  it('the next edit goes through', async () => {
    await editCustomerStatus('inactive');
    await waitForOutboxEmpty(app!);
    expect(await serverEntity(env!, 'customers', GUIDE_IDS.customer423)).toMatchObject({ status: 'inactive' });
  });
});
