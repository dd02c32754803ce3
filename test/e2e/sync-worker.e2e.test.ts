/**
 * Sync runs in the dedicated worker: a pull made there lands rows the Activities view (a live query
 * on the UI thread) shows without a reload, and an activity created in the UI is pushed by the
 * worker. The worker keeps a log of the requests its engine made (fieldbookSyncWorker); the test
 * reads it inside the worker, so it is the worker, not the page, that is shown to have synced.
 * With ?syncWorker=off the same app syncs on the UI thread with no worker at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { navigate, openApp, startE2E, waitForDirectory, waitForFirstSync, waitForSynced, type E2EEnv } from './harness.ts';
import { activityForm, createActivity, fillActivityForm, serverActivities } from './scenario-steps.ts';

let env: E2EEnv;

beforeAll(async () => {
  env = await startE2E();
});

afterAll(async () => {
  await env?.close();
});

const ACTIVITIES = '/api/v1/crm/activities';

async function syncWorker(page: Page): Promise<Worker> {
  const find = () => page.workers().find((w) => w.url().includes('sync-worker/worker'));
  const found = find();
  if (found) return found;
  // Created by the engine's start-up; wait for its event rather than polling.
  return page.waitForEvent('worker', { predicate: (w) => w.url().includes('sync-worker/worker') });
}

/** The requests the worker's engine made, read inside the worker. */
function workerRequests(worker: Worker): Promise<string[]> {
  return worker.evaluate(() => (globalThis as unknown as { fieldbookSyncWorker: { recent: string[] } }).fieldbookSyncWorker.recent);
}

describe('sync in the dedicated worker', () => {
  it('pulls into the store from the worker (the UI\'s live query shows it) and pushes the UI\'s changes', async () => {
    const app = await openApp(env);
    const { page } = app;
    const worker = await syncWorker(page);
    await waitForFirstSync(page);
    await waitForDirectory(page);
    expect(await page.evaluate(() => document.documentElement.dataset.syncEngine)).toBe('worker');
    const firstPull = await workerRequests(worker);
    expect(firstPull.some((r) => r.startsWith(`GET ${ACTIVITIES}?`))).toBe(true);

    // The Activities view is open and filtered to a subject the CRM does not have yet.
    const subject = `Worker pulled ${Date.now()}`;
    await navigate(page, 'Activities');
    await page.getByRole('searchbox', { name: 'Search' }).fill(subject);
    const pulledRow = page.locator('table.list tbody tr', { hasText: subject });
    expect(await pulledRow.count()).toBe(0);

    env.crm.mutate.create({
      type: 'call', subject, activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575,
      assigned_user_id: GUIDE_IDS.jane, due_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const before = (await workerRequests(worker)).length;
    await page.getByRole('button', { name: 'Sync now' }).click();
    // No reload, no navigation: Dexie's cross-context change propagation re-ran the view's query.
    await pulledRow.waitFor();
    const afterPull = (await workerRequests(worker)).slice(before);
    expect(afterPull.some((r) => r.startsWith(`GET ${ACTIVITIES}?`))).toBe(true);
    // The notices came through the worker's batching channel (change-batching.ts).
    const notices = await worker.evaluate(() => (globalThis as unknown as { fieldbookSyncWorker: { changeNotices: () => { sent: number } | null } }).fieldbookSyncWorker.changeNotices());
    expect(notices?.sent).toBeGreaterThan(0);

    // Created on the UI thread (commands write the store there); the worker sends it.
    const made = `Made in the UI ${Date.now()}`;
    await page.getByRole('button', { name: 'New activity' }).first().click();
    await fillActivityForm(activityForm(page), { type: 'call', subject: made, entity: { type: 'customer', name: 'Customer 575' } });
    await createActivity(page);
    await waitForSynced(page);
    await expect.poll(async () => (await serverActivities(env, { search: made })).filter((a) => a.subject === made).length).toBe(1);
    const pushes = (await workerRequests(worker)).filter((r) => r === `POST ${ACTIVITIES}`);
    expect(pushes.length).toBeGreaterThanOrEqual(1);

    expect(app.errors).toEqual([]);
    await app.context.close();
  });

  it('?syncWorker=off syncs on the UI thread, with no worker', async () => {
    const app = await openApp(env, { params: { syncWorker: 'off' } });
    await waitForFirstSync(app.page);
    expect(await app.page.evaluate(() => document.documentElement.dataset.syncEngine)).toBe('in-thread');
    expect(app.page.workers().filter((w) => w.url().includes('sync-worker'))).toEqual([]);
    await navigate(app.page, 'Activities');
    await app.page.locator('table.list tbody tr').first().waitFor();
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});
