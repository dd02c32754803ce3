/**
 * Issue 17, "Web mode is a real way to use the app": once the production web build has loaded
 * online, a reload with no network still opens the app (its service worker, vite-plugin-pwa /
 * Workbox, serves the shell) with the rep's data from IndexedDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebE2E, type WebE2EEnv } from './web-preview.ts';
import { screenshot, waitForFirstSync } from './harness.ts';

let env: WebE2EEnv;

beforeAll(async () => {
  env = await startWebE2E();
}, 240_000);

afterAll(async () => {
  await env?.close();
});

describe('web mode offline', () => {
  it('reloading with no network opens the app shell with the rep\'s data', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1366, height: 860 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const q = new URLSearchParams({ db: `offline-${Date.now()}`, crm: env.crm.url, token: env.crm.token });
    await page.goto(`${env.webUrl}?${q.toString()}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await waitForFirstSync(page);
    // The service worker has taken this page (clientsClaim), with the shell precached.
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);

    const res = await fetch(`${env.crm.url}/api/v1/crm/activities?status=overdue&per_page=1&assigned_user_id=${env.crm.userId}`, { headers: { Authorization: `Bearer ${env.crm.token}`, Accept: 'application/json' } });
    const subject = ((await res.json()) as { data: { subject: string }[] }).data[0]?.subject ?? '';
    expect(subject).not.toBe('');

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    // The token lived in memory: the rep works offline as themselves, with their data.
    await page.getByRole('button', { name: /^Work offline as / }).click();
    await page.getByRole('status', { name: 'Sync status' }).getByText('Offline', { exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Overdue', exact: true }).click();
    await page.getByText(subject, { exact: true }).first().waitFor();
    await screenshot(page, 'offline-reload-overdue-1366-light');
    expect(errors).toEqual([]);
    await context.close();
  });
});
