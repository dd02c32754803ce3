/**
 * Every view in light and dark: a screenshot in test-results/screenshots/<view>-<theme>.png and
 * an axe-core scan with no serious or critical violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync, type AppPage, type E2EEnv } from './harness.ts';

let env: E2EEnv;

beforeAll(async () => {
  env = await startE2E();
});

afterAll(async () => {
  await env?.close();
});

async function check(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const violations = await axeSerious(page);
  expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

for (const theme of ['light', 'dark'] as const) {
  describe(`views (${theme})`, () => {
    let app: AppPage;

    beforeAll(async () => {
      app = await openApp(env, { colorScheme: theme });
      await waitForFirstSync(app.page);
      await waitForDirectory(app.page);
    });

    afterAll(async () => {
      expect(app.errors).toEqual([]);
      await app.context.close();
    });

    it('uses the theme it was asked for', async () => {
      expect(await app.page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    });

    it('Calendar', async () => {
      await navigate(app.page, 'Calendar');
      await check(app.page, `calendar-${theme}`);
    });

    it('Overdue', async () => {
      await navigate(app.page, 'Overdue');
      await check(app.page, `overdue-${theme}`);
    });

    it('Activities', async () => {
      await navigate(app.page, 'Activities');
      await app.page.locator('table.list tbody tr').first().waitFor();
      await check(app.page, `activities-${theme}`);
    });

    it('Activity detail', async () => {
      await navigate(app.page, 'Activities');
      await app.page.locator('table.list tbody tr .subject-cell button').first().click();
      const dialog = app.page.getByRole('dialog');
      await dialog.getByRole('toolbar', { name: 'Actions' }).waitFor();
      await check(app.page, `activity-detail-${theme}`);
      await app.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('Create form (with per-field errors)', async () => {
      await app.page.getByRole('button', { name: 'New activity' }).first().click();
      const dialog = app.page.getByRole('dialog', { name: 'New activity' });
      await dialog.getByLabel('Subject').fill('Call');
      await dialog.getByRole('button', { name: 'Create activity' }).click();
      await dialog.getByText('Choose the related record.').or(dialog.getByText(/Related record.*required/)).first().waitFor();
      await check(app.page, `create-form-${theme}`);
      await app.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('Sync', async () => {
      await navigate(app.page, 'Sync');
      await check(app.page, `sync-${theme}`);
    });

    it('Settings', async () => {
      await navigate(app.page, 'Settings');
      await check(app.page, `settings-${theme}`);
    });
  });
}
