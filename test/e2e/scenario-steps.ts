/**
 * Steps the business-scenario tests share: filling the activity form as a rep does, reading the
 * stand-in CRM's records over its API, and running a scenario online or offline-until-the-end.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, format, nextMonday, startOfDay } from 'date-fns';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Activity } from '#shared/domain/index';
import { axeSerious, openApp, startE2E, waitForDirectory, waitForFirstSync, type AppPage, type E2EEnv, type PageOptions } from './harness.ts';

export const ZONE = 'Europe/Berlin';
export type Mode = 'online' | 'offline';

export interface FormFields {
  type?: string;
  subject?: string;
  /** `search`: what the rep types to find it (default: the name's first word). */
  entity?: { type: string; name: string; search?: string };
  contact?: string;
  priority?: string;
  /** datetime-local value in the rep's zone, YYYY-MM-DDTHH:mm */
  due?: string;
  duration?: string;
  description?: string;
  tags?: string;
}

/** The open New activity form. */
/** Screenshot name with the run's mode and theme. */
export function shotName(run: ScenarioRun, what: string): string {
  return `${what}-${run.mode}-${run.mode === 'offline' ? 'dark' : 'light'}`;
}

export function activityForm(page: Page): Locator {
  return page.getByRole('dialog', { name: 'New activity' });
}

async function pick(dialog: Locator, label: string, type: string | null, name: string, search?: string): Promise<void> {
  if (type) await dialog.getByLabel(`${label}: type`).selectOption(type);
  const input = dialog.getByRole('combobox', { name: `${label}: name` });
  await input.click();
  await input.fill(search ?? name.split(' ')[0] ?? name);
  await dialog.getByRole('listbox', { name: `${label} results` }).getByRole('option', { name: new RegExp(`^${escapeRe(name)}`) }).click();
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Type into the form field by field, as a rep would (only the given fields are touched). */
export async function fillActivityForm(dialog: Locator, f: FormFields): Promise<void> {
  if (f.type) await dialog.getByLabel('Type', { exact: true }).selectOption(f.type);
  if (f.subject !== undefined) await dialog.getByLabel('Subject', { exact: true }).fill(f.subject);
  if (f.entity) await pick(dialog, 'Related record', f.entity.type, f.entity.name, f.entity.search);
  if (f.contact) await pick(dialog, 'Contact', null, f.contact);
  if (f.priority) await dialog.getByLabel('Priority', { exact: true }).selectOption(f.priority);
  if (f.due) await dialog.getByLabel('Due', { exact: true }).fill(f.due);
  if (f.duration !== undefined) await dialog.getByLabel('Duration (minutes)').fill(f.duration);
  if (f.description !== undefined) await dialog.getByLabel('Description', { exact: true }).fill(f.description);
  if (f.tags !== undefined) await dialog.getByLabel('Tags', { exact: true }).fill(f.tags);
}

/** Submit the New activity form; the rep is back where they were, with a notice that opens it. */
export async function createActivity(page: Page): Promise<void> {
  const dialog = activityForm(page);
  await dialog.getByRole('button', { name: 'Create activity' }).click();
  await dialog.waitFor({ state: 'detached' });
  await createdNotice(page).waitFor();
}

/** The notice left after creating an activity (its Open button shows what was made). */
export function createdNotice(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /^(Activity created\.|Recurring series created\.)/ }).last();
}

/** Open what was just created from the notice "Activity created · Open". */
export async function openCreated(page: Page): Promise<void> {
  await createdNotice(page).getByRole('button', { name: 'Open' }).click();
}

/** Close whatever detail dialog is open (Escape, as the rep would). */
export async function closeDetail(page: Page): Promise<void> {
  const detail = page.locator('dialog[open]');
  await detail.first().waitFor();
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
}

/** Local wall-clock in the rep's zone as a datetime-local value. */
export function localInput(d: Date): string {
  return format(new TZDate(d.getTime(), ZONE), "yyyy-MM-dd'T'HH:mm");
}

/** The instant of `day` (a date in the zone) at hh:mm there, as the API writes it. */
export function instantAt(day: Date, hours: number, minutes = 0): string {
  const t = new TZDate(day.getTime(), ZONE);
  t.setHours(hours, minutes, 0, 0);
  return `${new Date(t.getTime()).toISOString().slice(0, 19)}Z`;
}

export function dateOnly(day: Date): string {
  return format(new TZDate(day.getTime(), ZONE), 'yyyy-MM-dd');
}

/** Clicks the empty week-view slot of `day` starting at `time` (HH:mm:ss), scrolling it into view first. */
export async function clickCalendarSlot(page: Page, day: Date, time: string): Promise<void> {
  const column = page.locator(`td.fc-timegrid-col[data-date="${dateOnly(day)}"]`);
  const lane = page.locator(`td.fc-timegrid-slot-lane[data-time="${time}"]`);
  await lane.scrollIntoViewIfNeeded();
  const c = await column.boundingBox();
  const l = await lane.boundingBox();
  if (!c || !l) throw new Error('calendar slot not on screen');
  await page.mouse.click(c.x + c.width / 2, l.y + l.height / 2);
}

/** Next Monday (in the zone) after now, at local midnight. */
export function nextWeekMonday(nowMs = Date.now()): Date {
  return nextMonday(startOfDay(new TZDate(nowMs, ZONE)));
}

export function daysFrom(d: Date, n: number): Date {
  return addDays(new TZDate(d.getTime(), ZONE), n);
}

/** Every activity the server has (all pages), through its public API with the rep's token. */
export async function serverActivities(env: E2EEnv, query: Record<string, string> = {}): Promise<Activity[]> {
  const out: Activity[] = [];
  for (let page = 1; ; page += 1) {
    const q = new URLSearchParams({ per_page: '100', page: String(page), ...query });
    const res = await fetch(`${env.crm.url}/api/v1/crm/activities?${q.toString()}`, { headers: { Authorization: `Bearer ${env.crm.token}`, Accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET activities: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: Activity[]; meta: { last_page: number } };
    out.push(...body.data);
    if (page >= body.meta.last_page) return out;
  }
}

/** A directory record (opportunity, customer, …) as the server has it now. */
export async function serverEntity(env: E2EEnv, collection: 'opportunities' | 'customers', id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${env.crm.url}/api/v1/crm/${collection}/${id}`, { headers: { Authorization: `Bearer ${env.crm.token}`, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${collection}/${id}: ${res.status}`);
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

/** A customer's opportunities on the server (first 100). */
export async function serverOpportunitiesOf(env: E2EEnv, customerId: string): Promise<Record<string, unknown>[]> {
  const q = new URLSearchParams({ per_page: '100', customer_id: customerId });
  const res = await fetch(`${env.crm.url}/api/v1/crm/opportunities?${q.toString()}`, { headers: { Authorization: `Bearer ${env.crm.token}`, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET opportunities: ${res.status}`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

/** One server activity by id (the detail shape, with every field). */
export async function serverActivity(env: E2EEnv, id: string): Promise<Activity> {
  const res = await fetch(`${env.crm.url}/api/v1/crm/activities/${id}`, { headers: { Authorization: `Bearer ${env.crm.token}`, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET activity ${id}: ${res.status}`);
  return ((await res.json()) as { data: Activity }).data;
}

/** Exactly one server activity with this subject (else a clear failure naming how many). */
export function onlyOne(list: readonly Activity[], subject: string): Activity {
  const found = list.filter((a) => a.subject === subject);
  if (found.length !== 1) throw new Error(`expected exactly one "${subject}" on the server, found ${found.length}`);
  return found[0] as Activity;
}

export interface ScenarioRun {
  env: E2EEnv;
  app: AppPage;
  mode: Mode;
  /** Server ids that existed before the rep acted (the demo data). */
  before: ReadonlySet<string>;
}

/** Server activities created during the run (not in the demo data it started with). */
export async function createdDuringRun(run: ScenarioRun, query: Record<string, string> = {}): Promise<Activity[]> {
  return (await serverActivities(run.env, query)).filter((a) => !run.before.has(a.id));
}

/**
 * Fresh CRM + app per run. Offline: the browser is cut off after the first sync, before the rep
 * acts, and reconnected only at the end, then we wait until nothing is pending.
 */
export async function startRun(mode: Mode, page: Pick<PageOptions, 'undoMs'> = {}): Promise<ScenarioRun> {
  const env = await startE2E();
  const before = new Set((await serverActivities(env)).map((a) => a.id));
  // The offline run uses the dark theme, so both themes get screenshots and axe checks.
  const app = await openApp(env, { ...page, timezoneId: ZONE, colorScheme: mode === 'offline' ? 'dark' : 'light' });
  await waitForFirstSync(app.page);
  // Offline runs pick customers and opportunities from the directory cache: it must be loaded
  // before the network goes (it is fetched after the first activity pull, not with it).
  await waitForDirectory(app.page);
  if (mode === 'offline') {
    await app.goOffline();
    await app.page.getByRole('status', { name: 'Sync status' }).getByText('Offline', { exact: true }).waitFor();
  }
  return { env, app, mode, before };
}

/** Back online (offline runs) and wait until the outbox is empty and no sync is running. */
export async function finishRun(run: ScenarioRun): Promise<void> {
  if (run.mode === 'offline') {
    await expectPendingAtLeast(run.app.page, 1);
    await run.app.goOnline();
  }
  await waitForOutboxEmpty(run.app);
  await run.app.page.getByRole('status', { name: 'Sync status' }).getByText('Syncing…').waitFor({ state: 'detached' });
}

/** The status bar's pending count is at least n (offline work is queued, not lost). */
export async function expectPendingAtLeast(page: Page, n: number): Promise<void> {
  const text = await page.getByRole('status', { name: 'Sync status' }).getByText(/\d+ pending change/).textContent();
  const count = Number(/(\d+)/.exec(text ?? '')?.[1] ?? 0);
  if (count < n) throw new Error(`expected at least ${n} pending changes while offline, status bar says "${text ?? ''}"`);
}

/** The number of ops in the app's outboxes (activities and directory records), read from its IndexedDB. */
export async function outboxCount(app: AppPage): Promise<number> {
  return app.page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(new Error('open failed'));
    });
    const count = (store: string) => new Promise<number>((res, rej) => {
      if (!db.objectStoreNames.contains(store)) { res(0); return; }
      const req = db.transaction(store).objectStore(store).count();
      req.onsuccess = () => res(req.result);
      req.onerror = () => rej(new Error('count failed'));
    });
    try {
      return (await count('outbox')) + (await count('entity_outbox'));
    } finally {
      db.close();
    }
  }, app.dbName);
}

/**
 * Waits until the app's outbox is empty (polling its IndexedDB: the state itself, not a timer
 * standing in for it) and the status bar says exactly "0 pending changes".
 */
export async function waitForOutboxEmpty(app: AppPage, timeout = 60_000): Promise<void> {
  await expect.poll(() => outboxCount(app), { timeout, interval: 250 }).toBe(0);
  await app.page.getByRole('status', { name: 'Sync status' }).getByText(/^0 pending changes$/).waitFor({ timeout });
}

export async function endRun(run: ScenarioRun | undefined): Promise<void> {
  if (!run) return;
  await run.app.context.close();
  await run.env.close();
}

/** No serious or critical axe-core violation on the page as it is now (light online, dark offline). */
export async function expectAccessible(run: ScenarioRun, what: string): Promise<void> {
  const violations = await axeSerious(run.app.page);
  if (violations.length) throw new Error(`${what}: ${JSON.stringify(violations, null, 2)}`);
}
