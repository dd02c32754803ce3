/**
 * Issue 17, "The first run" and "Signing in and knowing where you stand", driven as a newcomer
 * would: the demo CRM offered on the sign-in screen; sign-in checked against the CRM (nothing
 * there, not a CRM, token refused) before it says signed in; the status bar telling offline, CRM
 * unreachable, signed out / refused and online apart; who the rep is and the directory loaded by
 * themselves after a corrected token; notices that go by themselves and cover nothing; the CRM
 * address remembered over a reload, and queued changes never sent to another CRM.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DIRECTORY, startCrmServer } from '../crm-server/index.ts';
import { axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, waitForFirstSync, type E2EEnv } from './harness.ts';
import { activityForm, fillActivityForm } from './scenario-steps.ts';

let env: E2EEnv;
let notCrm: Server;
let notCrmUrl = '';

beforeAll(async () => {
  // Its own dev server: the demo-CRM offer is read from this process's environment.
  env = await startE2E({ ownWebServer: true });
  // What npm run web / npm start tell the dev server (vite.web.config.ts reads them per request).
  process.env.FIELDBOOK_DEMO_CRM_URL = env.crm.url;
  process.env.FIELDBOOK_DEMO_CRM_TOKEN = env.crm.token;
  // Something that answers (and lets the page read it) but is not a CRM: a web page.
  notCrm = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' });
    res.end(req.method === 'OPTIONS' ? '' : '<!doctype html><title>Intranet</title><p>Welcome</p>');
  });
  await new Promise<void>((r) => notCrm.listen(0, '127.0.0.1', r));
  const a = notCrm.address();
  notCrmUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});

afterAll(async () => {
  delete process.env.FIELDBOOK_DEMO_CRM_URL;
  delete process.env.FIELDBOOK_DEMO_CRM_TOKEN;
  await new Promise((r) => notCrm.close(r));
  await env.close();
});

const bar = (page: Page) => page.getByRole('status', { name: 'Sync status' });
const form = (page: Page) => page.getByRole('form', { name: 'Sign in to the CRM' });

async function signInWith(page: Page, url: string, token: string): Promise<void> {
  const f = form(page);
  await f.getByLabel('CRM address').fill(url);
  await f.getByLabel('API token').fill(token);
  await f.getByRole('button', { name: 'Sign in' }).click();
}

/** A port where nothing listens (bound once, then released). */
async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

describe('first run and signing in', () => {
  it('offers the demo CRM beside the app: one click fills the address and token and signs in', async () => {
    const app = await openApp(env, { signIn: false });
    const { page } = app;
    const offer = page.getByRole('button', { name: 'Use the demo CRM' });
    await offer.waitFor();
    await screenshot(page, 'signin-demo-offer-1366-light');
    expect(await axeSerious(page)).toEqual([]);
    await offer.click();
    await waitForDirectory(page);
    await bar(page).getByText('Online', { exact: true }).waitFor();
    // Signed in as the demo CRM's user, its activities on the calendar.
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await navigate(page, 'Settings');
    await page.getByText(`Signed in to ${env.crm.url}`).waitFor();
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('the sign-in screen reads well dark and narrow, and passes axe', async () => {
    const app = await openApp(env, { signIn: false, colorScheme: 'dark', viewport: { width: 800, height: 800 } });
    const { page } = app;
    await page.getByRole('button', { name: 'Use the demo CRM' }).waitFor();
    await screenshot(page, 'signin-demo-offer-800-dark');
    expect(await axeSerious(page)).toEqual([]);
    await app.context.close();
  });

  it('checks the address and the token with the CRM first: a clear message for each failure, never a green "Online"', async () => {
    const app = await openApp(env, { signIn: false });
    const { page } = app;
    await form(page).waitFor();
    await bar(page).getByRole('button', { name: 'Not signed in' }).waitFor();

    const nothing = await closedPortUrl();
    await signInWith(page, nothing, env.crm.token);
    await form(page).getByText(`Nothing answers at ${nothing}`).waitFor();
    await bar(page).getByRole('button', { name: 'Not signed in' }).waitFor();
    expect(await bar(page).getByText('Online', { exact: true }).count()).toBe(0);

    await signInWith(page, notCrmUrl, env.crm.token);
    await form(page).getByText(`Something answers at ${notCrmUrl}, but not as a CRM does`).waitFor();
    expect(await bar(page).getByText('Online', { exact: true }).count()).toBe(0);

    await signInWith(page, env.crm.url, 'not-the-token');
    const refused = form(page).getByText(`The CRM at ${env.crm.url} refused this token`);
    await refused.waitFor();
    await screenshot(page, 'signin-token-refused-1366-light');
    expect(await axeSerious(page)).toEqual([]);
    expect(await bar(page).getByText('Online', { exact: true }).count()).toBe(0);

    await signInWith(page, env.crm.url, env.crm.token);
    await waitForFirstSync(page);
    await bar(page).getByText('Online', { exact: true }).waitFor();
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('after a refused token, a corrected one loads who the rep is and the directory by itself, and the error notice goes', async () => {
    const app = await openApp(env, { signIn: false, params: { crm: env.crm.url, token: 'revoked-token' } });
    const { page } = app;
    const again = bar(page).getByRole('button', { name: /Token refused/ });
    await again.waitFor();
    await again.click();
    await form(page).getByLabel('API token').fill(env.crm.token);
    await form(page).getByRole('button', { name: 'Sign in' }).click();
    await again.waitFor({ state: 'detached' });
    // No click on "Refresh directory": the rep and the directory are there.
    const me = await fetch(`${env.crm.url}/api/v1/crm/users/me`, { headers: { Authorization: `Bearer ${env.crm.token}` } });
    const user = ((await me.json()) as { data: { id: string; name: string } }).data;
    await page.getByText(`Signed in to ${env.crm.url} as ${user.name}.`).waitFor();
    await expect.poll(() => page.getByLabel('Your user').locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    await expect.poll(() => page.getByLabel('Your user').inputValue(), { timeout: 30_000 }).toBe(user.id);
    await page.locator('header.statusbar').getByText(user.name, { exact: true }).waitFor();
    // The notices about the refused sign-in went with it.
    expect(await page.locator('.toasts').getByText(/Could not load the directory|did not say who you are/).count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('tells "CRM unreachable" from "Offline" and from "Online"', async () => {
    const crm = await startCrmServer({ port: 0, demo: true });
    let closed = false;
    try {
      const app = await openApp(env, { signIn: false, params: { crm: crm.url, token: crm.token } });
      const { page } = app;
      await waitForFirstSync(page);
      await bar(page).getByText('Online', { exact: true }).waitFor();

      await app.goOffline();
      await bar(page).getByText('Offline', { exact: true }).waitFor();
      await app.goOnline();
      await bar(page).getByText('Online', { exact: true }).waitFor();

      await crm.close();
      closed = true;
      await page.getByRole('button', { name: 'Sync now' }).click();
      await bar(page).getByText('CRM unreachable', { exact: true }).waitFor();
      await screenshot(page, 'status-crm-unreachable-1366-light');
      expect(await bar(page).getByText('Online', { exact: true }).count()).toBe(0);
      await app.context.close();
    } finally {
      if (!closed) await crm.close();
    }
  });

  it('notices go by themselves and never cover a control', async () => {
    const app = await openApp(env, { colorScheme: 'dark' });
    const { page } = app;
    await waitForFirstSync(page);
    await navigate(page, 'Settings');
    await page.getByRole('region', { name: 'Default reminders' }).getByLabel('Call', { exact: true }).selectOption('30');
    const notice = page.getByRole('status').filter({ hasText: 'Reminder for Call saved.' });
    await notice.waitFor();
    // In the layout under the status bar: nothing of the view lies beneath it.
    const overlap = await page.evaluate(() => {
      const t = document.querySelector('.toasts')?.getBoundingClientRect();
      if (!t) return 'no notices region';
      const controls = [...document.querySelectorAll('button, input, select, textarea, a[href]')].filter((el) => !el.closest('.toasts'));
      const hit = controls.find((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top;
      });
      return hit ? hit.outerHTML.slice(0, 120) : null;
    });
    expect(overlap).toBeNull();
    await screenshot(page, 'notice-under-statusbar-1366-dark');
    await notice.waitFor({ state: 'detached', timeout: 15_000 });
    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('remembers the CRM address over a reload (the token is asked again) and keeps queued changes from going to another CRM', async () => {
    const crmA = await startCrmServer({ port: 0, demo: true });
    let closed = false;
    try {
      const app = await openApp(env, { signIn: false });
      const { page } = app;
      await signInWith(page, crmA.url, crmA.token);
      await waitForFirstSync(page);
      await waitForDirectory(page);
      // CRM A goes away; a change made now waits for it.
      await crmA.close();
      closed = true;
      await page.getByRole('button', { name: 'New activity' }).click();
      const dialog = activityForm(page);
      const customer = DIRECTORY.customers[0];
      await fillActivityForm(dialog, { type: 'call', subject: 'Call back about the quote', entity: { type: 'customer', name: customer?.name ?? '' } });
      await dialog.getByRole('button', { name: 'Create activity' }).click();
      await dialog.waitFor({ state: 'detached' });
      await bar(page).getByText('1 pending change', { exact: true }).waitFor();

      await page.reload();
      await form(page).waitFor();
      expect(await form(page).getByLabel('CRM address').inputValue()).toBe(crmA.url);
      await form(page).getByText('Kept in memory only, never stored by the browser').waitFor();
      await screenshot(page, 'signin-after-reload-1366-light');

      // Another CRM while that change waits: refused, with why and what to do.
      await signInWith(page, env.crm.url, env.crm.token);
      await form(page).getByText(`1 change made on this device for ${crmA.url} have not reached it yet`).waitFor();
      await bar(page).getByRole('button', { name: 'Not signed in' }).waitFor();
      expect(await fetch(`${env.crm.url}/api/v1/crm/activities/search?q=${encodeURIComponent('Call back about the quote')}`, {
        headers: { Authorization: `Bearer ${env.crm.token}` },
      }).then(async (r) => ((await r.json()) as { data: unknown[] }).data.length)).toBe(0);
      await app.context.close();
    } finally {
      if (!closed) await crmA.close();
    }
  });

  it('gives a visit and an appointment a default reminder an hour ahead', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForFirstSync(page);
    await page.getByRole('button', { name: 'New activity' }).click();
    const dialog = activityForm(page);
    await fillActivityForm(dialog, { type: 'visit', subject: 'Visit the Hamburg depot', due: '2027-01-12T10:00' });
    await expect.poll(() => dialog.getByLabel('Reminder', { exact: true }).inputValue(), { timeout: 10_000 }).toBe('2027-01-12T09:00');
    await fillActivityForm(dialog, { type: 'appointment' });
    await expect.poll(() => dialog.getByLabel('Reminder', { exact: true }).inputValue(), { timeout: 10_000 }).toBe('2027-01-12T09:00');
    await page.keyboard.press('Escape');
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});
