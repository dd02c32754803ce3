/**
 * Issue #14 in the browser (web mode) against a real Radicale started on 127.0.0.1 with CORS for
 * the app's origin: Settings → Calendar says plainly when the password is wrong or the server does
 * not answer, connects with discovery, creates the "Fieldbook" calendar in Radicale, and the card
 * looks right at 1366/1024/800 in light and dark.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCalDavClient } from '#shared/caldav/client';
import { fetchDavTransport } from '../caldav/dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from '../caldav/radicale.testing.ts';
import { axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, type E2EEnv } from './harness.ts';

const available = radicaleAvailable();
if (!available) console.log(skipMessage());

let env: E2EEnv;
let radicale: RadicaleServer;

beforeAll(async () => {
  if (!available) return;
  env = await startE2E();
  radicale = await startRadicale({ cors: new URL(env.webUrl).origin });
});

afterAll(async () => {
  await radicale?.stop();
  await env?.close();
});

const card = (page: Page) => page.getByRole('region', { name: 'Calendar' });

async function fillConnect(page: Page, server: string, user: string, password: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Connect a calendar account' });
  await form.getByLabel('Calendar server address').fill(server);
  await form.getByLabel('User name').fill(user);
  await form.getByLabel('App password').fill(password);
  await form.getByRole('button', { name: 'Connect calendar' }).click();
}

/** A port where nothing listens (bound once, then released). */
async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

describe.skipIf(!available)('Settings → Calendar against Radicale', () => {
  it('a wrong password and an unreachable server each say so plainly; the right one connects and creates "Fieldbook" in Radicale', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForDirectory(page);
    await navigate(page, 'Settings');
    await card(page).scrollIntoViewIfNeeded();

    await fillConnect(page, radicale.url, radicale.user, 'not-the-password');
    const alert = card(page).getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/refused the username or password/);
    await expect.poll(() => card(page).getByLabel('App password').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'caldav-wrong-password-1366-light');

    await fillConnect(page, await closedPortUrl(), radicale.user, radicale.password);
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toMatch(/could not be reached/);

    await fillConnect(page, radicale.url, radicale.user, radicale.password);
    const choose = page.getByRole('group', { name: 'Choose the calendar' });
    await choose.waitFor();
    expect(await choose.getByRole('radio', { name: /A new calendar named “Fieldbook”/ }).isChecked()).toBe(true);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'caldav-choose-1366-light');
    await choose.getByRole('button', { name: 'Create “Fieldbook” and sync' }).click();
    await card(page).getByText(/activities go to “Fieldbook”/).waitFor();

    const dav = createCalDavClient(fetchDavTransport(radicale.url, radicale.user, radicale.password));
    const { calendars } = await dav.discover();
    expect(calendars.map((c) => c.displayName)).toContain('Fieldbook');

    for (const [w, h] of [[1366, 860], [1024, 768], [800, 700]] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.evaluate((s) => { document.documentElement.dataset.theme = s; }, scheme);
        await card(page).scrollIntoViewIfNeeded();
        await screenshot(page, `caldav-connected-${w}-${scheme}`);
      }
    }
    expect(await axeSerious(page)).toEqual([]);

    // Sync shows the calendar connection beside the CRM's.
    await page.setViewportSize({ width: 1366, height: 860 });
    await navigate(page, 'Sync');
    const syncCard = page.getByRole('region', { name: 'Calendar' });
    await syncCard.getByText('Fieldbook', { exact: true }).waitFor();
    await syncCard.getByText(`${radicale.user} at ${new URL(radicale.url).host}`).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.evaluate((s) => { document.documentElement.dataset.theme = s; }, scheme);
      await screenshot(page, `caldav-sync-card-1366-${scheme}`);
    }
    expect(await axeSerious(page)).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});
