/**
 * Issue 18, findings 11 and 8 in the browser: the app asks for persistent storage at start and
 * the Sync view says so when the browser refused (navigator.storage.persist stubbed in the page:
 * the browser API, not ours); the sign-in form refuses a token an HTTP header cannot carry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { navigate, startE2E, waitForFirstSync, type E2EEnv } from './harness.ts';

let env: E2EEnv;
beforeAll(async () => {
  env = await startE2E();
});
afterAll(async () => {
  await env.close();
});

const NOTICE = /^This browser may clear Fieldbook's offline data when disk space runs low: changes not yet synced could be lost\./;

/** A page whose navigator.storage answers persist() with `granted`, counting the calls. */
async function openWithPersist(granted: boolean, signIn = true): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await env.browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  await context.addInitScript((answer: boolean) => {
    const w = window as unknown as { __persistCalls: number };
    w.__persistCalls = 0;
    const storage = navigator.storage;
    Object.defineProperty(storage, 'persisted', { value: () => Promise.resolve(false) });
    Object.defineProperty(storage, 'persist', { value: () => { w.__persistCalls++; return Promise.resolve(answer); } });
  }, granted);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const q = new URLSearchParams({ db: `e2e-durable-${process.pid}-${Date.now()}-${String(granted)}` });
  if (signIn) {
    q.set('crm', env.crm.url);
    q.set('token', env.crm.token);
  }
  await page.goto(`${env.webUrl}?${q.toString()}`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { page, context, errors };
}

describe('durable storage', () => {
  it('requested at start; when refused, the Sync view says unsynced changes could be lost', async () => {
    const { page, context, errors } = await openWithPersist(false);
    await waitForFirstSync(page);
    expect(await page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls)).toBe(1);
    await navigate(page, 'Sync');
    await page.locator('section[data-durable-storage="refused"]').waitFor();
    const notice = page.getByRole('status', { name: 'Offline storage' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(NOTICE);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when granted, no notice', async () => {
    const { page, context } = await openWithPersist(true);
    await waitForFirstSync(page);
    expect(await page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls)).toBe(1);
    await navigate(page, 'Sync');
    // The Sync view has read the answer (it says which on its section) before we look for the notice.
    await page.locator('section[data-durable-storage="granted"]').waitFor();
    expect(await page.getByRole('status', { name: 'Offline storage' }).count()).toBe(0);
    await context.close();
  });
});

describe('sign-in form', () => {
  it('refuses a token with a space or an accented letter, with a field message, and signs in with the real one', async () => {
    const { page, context, errors } = await openWithPersist(true, false);
    const form = page.getByRole('form', { name: 'Sign in to the CRM' });
    await form.waitFor();
    await form.getByLabel('CRM address').fill(env.crm.url);
    for (const bad of [`${env.crm.token} extra`, `${env.crm.token}é`]) {
      await form.getByLabel('API token').fill(bad);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await form.getByText(/The token can contain only visible ASCII characters/).waitFor();
    }
    await form.getByLabel('CRM address').fill(`${env.crm.url}/?tenant=1`);
    await form.getByLabel('API token').fill(env.crm.token);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await form.getByText(/The CRM address cannot have a query/).waitFor();
    await form.getByLabel('CRM address').fill(env.crm.url);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await waitForFirstSync(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});
