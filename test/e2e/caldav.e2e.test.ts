/**
 * Issue #14 in the browser (web mode) against a real Radicale started on 127.0.0.1 with CORS for
 * the app's origin: Settings → Calendar says plainly when the password is wrong or the server does
 * not answer, connects with discovery, creates the "Fieldbook" calendar in Radicale, and the card
 * looks right at 1366/1024/800 in light and dark. Then both ways: an activity created in Fieldbook
 * is an event in Radicale; moved there by another CalDAV client (a PUT with a new DTSTART),
 * Fieldbook reschedules it, the calendar shows it on its new day and the CRM gets one reschedule.
 */
import { createServer } from 'node:http';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCalDavClient } from '#shared/caldav/client';
import { fetchDavTransport } from '../caldav/dav-transport.testing.ts';
import { DIRECTORY } from '../crm-server/index.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from '../caldav/radicale.testing.ts';
import { axeSerious, navigate, openApp, screenshot, startE2E, waitForDirectory, type E2EEnv } from './harness.ts';
import { ZONE, activityForm, closeDetail, createActivity, dateOnly, daysFrom, fillActivityForm, instantAt, localInput, nextWeekMonday, serverActivities } from './scenario-steps.ts';

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

/** Settings → Calendar: connects the right account and uses "Fieldbook" (made by the first test, or made now; chosen by default). */
async function connectFieldbook(page: Page): Promise<void> {
  await navigate(page, 'Settings');
  await fillConnect(page, radicale.url, radicale.user, radicale.password);
  const choose = page.getByRole('group', { name: 'Choose the calendar' });
  await choose.waitFor();
  await choose.getByRole('button', { name: /^(Use this calendar|Create “Fieldbook” and sync)$/ }).click();
  await card(page).getByText(/activities go to “Fieldbook”/).waitFor();
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

/** Radicale's events in the Fieldbook calendar, read as another CalDAV client would. */
async function radicaleEvents() {
  const dav = createCalDavClient(fetchDavTransport(radicale.url, radicale.user, radicale.password));
  const { calendars } = await dav.discover();
  const cal = calendars.find((c) => c.displayName === 'Fieldbook');
  if (!cal) return { dav, cal: null, events: [] };
  const changes = await dav.syncCollection(cal.href, null);
  return { dav, cal, events: await dav.multiget(cal.href, changes.changed.map((c) => c.href)) };
}

const icsUtc = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

describe.skipIf(!available)('Fieldbook ⇄ Radicale', () => {
  it('created in Fieldbook → an event in Radicale; moved there → rescheduled here and at the CRM, once', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForDirectory(page);
    await connectFieldbook(page);

    const tuesday = daysFrom(nextWeekMonday(), 1);
    const start = instantAt(tuesday, 10);
    await page.getByRole('button', { name: 'New activity' }).click();
    await fillActivityForm(activityForm(page), {
      type: 'meeting', subject: 'CalDAV kickoff', entity: { type: 'customer', name: DIRECTORY.customers[0]?.name ?? '' }, due: localInput(new Date(start)), duration: '60',
    });
    await createActivity(page);

    // The event in Radicale: its start and end as planned.
    await expect.poll(async () => (await radicaleEvents()).events.find((e) => e.data.includes('SUMMARY:CalDAV kickoff'))?.data ?? '', { timeout: 60_000 })
      .toMatch(new RegExp(`DTSTART:${icsUtc(start)}`));
    expect((await radicaleEvents()).events.find((e) => e.data.includes('SUMMARY:CalDAV kickoff'))!.data)
      .toMatch(new RegExp(`DTEND:${icsUtc(new Date(Date.parse(start) + 3_600_000).toISOString())}`));

    // Moved in Fieldbook (the calendar's keyboard drag, Alt+↓: 15 minutes later, then 10:30 typed) → the event moves in Radicale.
    await navigate(page, 'Calendar');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.locator(`td.fc-timegrid-col[data-date="${dateOnly(tuesday)}"]`).getByRole('button', { name: /CalDAV kickoff/ }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    const reschedule = page.getByRole('dialog', { name: 'Reschedule activity' });
    const later = instantAt(tuesday, 10, 30);
    await reschedule.getByLabel('New date and time').fill(localInput(new Date(later)));
    await reschedule.getByRole('button', { name: 'Reschedule' }).click();
    await reschedule.waitFor({ state: 'detached' });
    await expect.poll(async () => (await radicaleEvents()).events.find((e) => e.data.includes('SUMMARY:CalDAV kickoff'))?.data ?? '', { timeout: 60_000 })
      .toMatch(new RegExp(`DTSTART:${icsUtc(later)}`));
    const kickoffs = (await radicaleEvents()).events.filter((e) => e.data.includes('SUMMARY:CalDAV kickoff'));
    expect(kickoffs).toHaveLength(1);
    const placed = kickoffs[0]!;
    expect(placed.data).toMatch(new RegExp(`DTEND:${icsUtc(new Date(Date.parse(later) + 3_600_000).toISOString())}`));
    // The CRM has it, with Fieldbook's move, before the calendar's move: that one is then a reschedule of its own, counted alone.
    await expect.poll(async () => (await serverActivities(env)).find((a) => a.subject === 'CalDAV kickoff')?.due_at, { timeout: 60_000 }).toBe(later);
    env.crm.resetStats();

    // Another client moves it to Wednesday 14:00 (the same hour long).
    const wednesday = daysFrom(tuesday, 1);
    const moved = instantAt(wednesday, 14);
    const { dav } = await radicaleEvents();
    const body = placed.data
      .replace(/DTSTART[^:\r\n]*:[^\r\n]+/, `DTSTART:${icsUtc(moved)}`)
      .replace(/DTEND[^:\r\n]*:[^\r\n]+/, `DTEND:${icsUtc(new Date(Date.parse(moved) + 3_600_000).toISOString())}`);
    await dav.putEvent(placed.href, body, placed.etag);
    // And the rep's own dentist appointment on Thursday 09:00–10:00: busy time, not an activity.
    const thursday = daysFrom(wednesday, 1);
    const personal = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//other client//EN', 'BEGIN:VEVENT', 'UID:dentist-1@other.example',
      `DTSTAMP:${icsUtc(new Date().toISOString())}`, `DTSTART:${icsUtc(instantAt(thursday, 9))}`, `DTEND:${icsUtc(instantAt(thursday, 10))}`,
      'SUMMARY:Dentist', 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const cal = (await radicaleEvents()).cal!;
    await dav.putEvent(`${cal.href}dentist-1.ics`, personal);

    await navigate(page, 'Sync');
    await page.getByRole('region', { name: 'Calendar' }).getByRole('button', { name: 'Sync calendar now' }).click();
    await expect.poll(async () => (await serverActivities(env)).find((a) => a.subject === 'CalDAV kickoff')?.due_at, { timeout: 60_000 }).toBe(moved);
    const reschedules = Object.entries(env.crm.stats().byRoute).filter(([r]) => /reschedule/.test(r)).reduce((n, [, c]) => n + c, 0);
    expect(reschedules).toBe(1);

    // The calendar (still on next week) shows it on Wednesday.
    await navigate(page, 'Calendar');
    await page.locator(`td.fc-timegrid-col[data-date="${dateOnly(wednesday)}"]`).getByRole('button', { name: /CalDAV kickoff/ }).waitFor();
    // The dentist is a busy block on Thursday, named as such, and never shows its title.
    const busy = page.locator(`td.fc-timegrid-col[data-date="${dateOnly(thursday)}"] .fc-bg-event.fb-busy`);
    await busy.first().waitFor();
    expect(await busy.first().getAttribute('title')).toBe('Busy in your calendar');
    expect(await page.locator('.fb-cal-wrap').textContent()).not.toContain('Dentist');
    await screenshot(page, 'caldav-moved-in-calendar-1366-light');

    // Busy time counts in the schedule warnings: a call planned over the dentist says so.
    await page.getByRole('button', { name: 'New activity' }).first().click();
    const form = activityForm(page);
    await fillActivityForm(form, { type: 'call', subject: 'Over the dentist', due: localInput(new Date(instantAt(thursday, 9))), duration: '30' });
    await form.getByRole('status').filter({ hasText: 'Check the schedule' }).getByText('Overlaps time that is busy in your calendar.').waitFor();
    // Five minutes after it: too little time, said as such; at noon, neither (the day's booking still counts its hour).
    await fillActivityForm(form, { due: localInput(new Date(instantAt(thursday, 10, 5))) });
    await form.getByText(/^Leaves 5 min between this and time that is busy in your calendar/).waitFor();
    await fillActivityForm(form, { due: localInput(new Date(instantAt(thursday, 12))) });
    await form.getByText(/between this and time that is busy/).waitFor({ state: 'detached' });
    expect(await form.getByText(/^Overlaps time that is busy/).count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

describe.skipIf(!available)('a recurring series in Radicale', () => {
  it('made in Fieldbook with one occurrence edited and one cancelled → one event: RRULE, the edit as an override, the cancelled one as EXDATE; a second run changes nothing', async () => {
    const app = await openApp(env, { timezoneId: ZONE });
    const { page } = app;
    await waitForDirectory(page);
    const subject = 'Calendar series - weekly rollout';
    const tuesday = daysFrom(nextWeekMonday(), 1);
    const days = [0, 2, 7, 9, 14, 16].map((n) => daysFrom(tuesday, n));
    const wall = (iso: string) => format(new TZDate(Date.parse(iso), ZONE), "yyyyMMdd'T'HHmmss");

    // Weekly on Tuesday and Thursday at 10:00, six times.
    await navigate(page, 'Activities');
    await page.getByRole('button', { name: 'New activity' }).first().click();
    const form = activityForm(page);
    await fillActivityForm(form, {
      type: 'meeting', subject, entity: { type: 'customer', name: DIRECTORY.customers[0]?.name ?? '' }, due: localInput(new Date(instantAt(tuesday, 10))), duration: '45',
    });
    await form.getByLabel('Repeat', { exact: true }).check();
    await form.getByLabel('Repeats').selectOption('weekly');
    await form.getByLabel('Thursday').check();
    await form.getByLabel('Times').fill('6');
    await form.getByRole('button', { name: 'Create activity' }).click();
    await form.waitFor({ state: 'detached' });

    // The third moved to 11:30, this one only; the fifth cancelled.
    await page.getByLabel('Search', { exact: true }).fill(subject);
    const rows = page.locator('table.list tbody tr .subject-cell button');
    await expect.poll(() => rows.count()).toBe(6);
    await rows.nth(2).click();
    const detail = page.getByRole('dialog', { name: subject });
    await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit activity' });
    await edit.getByLabel('This one only').check();
    await edit.getByLabel('Due', { exact: true }).fill(localInput(new Date(instantAt(days[2]!, 11, 30))));
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    if (await page.locator('dialog[open]').count()) await closeDetail(page);
    await rows.nth(4).click();
    await detail.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: 'Cancel', exact: true }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel activity' });
    await cancel.getByRole('button', { name: 'Cancel activity' }).click();
    await cancel.waitFor({ state: 'detached' });
    if (await page.locator('dialog[open]').count()) await closeDetail(page);

    // Connected to the calendar: the series goes there as one event.
    await connectFieldbook(page);
    const ours = async () => (await radicaleEvents()).events.filter((e) => e.data.includes(`SUMMARY:${subject}`));
    await expect.poll(async () => (await ours()).length, { timeout: 60_000 }).toBe(1);
    const [event] = await ours();
    const text = event!.data;
    expect(text).toMatch(/RRULE:FREQ=WEEKLY;[^\r\n]*BYDAY=TU,TH;COUNT=6/);
    expect(text).toContain(`DTSTART;TZID=${ZONE}:${wall(instantAt(days[0]!, 10))}`);
    expect(text).toContain(`RECURRENCE-ID;TZID=${ZONE}:${wall(instantAt(days[2]!, 10))}`);
    // The edited one's new start, 11:30 in Berlin (written in UTC or in the zone).
    expect(text).toMatch(new RegExp(`RECURRENCE-ID[^\\r\\n]*\\r?\\n(?:[^\\r\\n]*\\r?\\n)*?DTSTART(?::${icsUtc(instantAt(days[2]!, 11, 30))}|;TZID=${ZONE}:${wall(instantAt(days[2]!, 11, 30))})`));
    expect(text).toContain(`EXDATE;TZID=${ZONE}:${wall(instantAt(days[4]!, 10))}`);
    // Read back by the next run, it is left as it is: no second event, the same ETag.
    await navigate(page, 'Sync');
    await card(page).getByRole('button', { name: 'Sync calendar now' }).click();
    await card(page).getByRole('button', { name: 'Sync calendar now' }).waitFor();
    const again = await ours();
    expect(again.map((e) => e.etag)).toEqual([event!.etag]);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

describe.skipIf(!available)('offline, then back online', () => {
  it('an activity made with no network reaches the calendar once the laptop is back online, as one event', async () => {
    const app = await openApp(env);
    const { page } = app;
    await waitForDirectory(page);
    await connectFieldbook(page);
    // The calendar engine (a chunk of its own) is running and its first run is over, as on a laptop that synced before losing signal.
    await navigate(page, 'Sync');
    const syncNow = card(page).getByRole('button', { name: 'Sync calendar now' });
    await expect.poll(() => syncNow.isEnabled(), { timeout: 60_000 }).toBe(true);

    await app.goOffline();
    const subject = 'Offline visit for the calendar';
    const friday = daysFrom(nextWeekMonday(), 4);
    await page.getByRole('button', { name: 'New activity' }).first().click();
    await fillActivityForm(activityForm(page), {
      type: 'visit', subject, entity: { type: 'customer', name: DIRECTORY.customers[0]?.name ?? '' }, due: localInput(new Date(instantAt(friday, 15))), duration: '60',
    });
    await createActivity(page);
    // Asked to sync with no network: the card says the calendar could not be reached, and keeps the change.
    await navigate(page, 'Sync');
    await syncNow.click();
    await card(page).getByText(/could not be reached|offline|no network/i).first().waitFor();
    const ours = async () => (await radicaleEvents()).events.filter((e) => e.data.includes(`SUMMARY:${subject}`));
    expect(await ours()).toHaveLength(0);

    // Back online: the schedule's own run takes it there, once.
    await app.goOnline();
    await expect.poll(async () => (await ours()).length, { timeout: 60_000 }).toBe(1);
    expect((await ours())[0]!.data).toContain(`DTSTART:${icsUtc(instantAt(friday, 15))}`);
    await card(page).getByRole('button', { name: 'Sync calendar now' }).click();
    await card(page).getByRole('button', { name: 'Sync calendar now' }).waitFor();
    expect(await ours()).toHaveLength(1);
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});

