/**
 * Fieldbook → calendar against a real CalDAV server (Radicale on 127.0.0.1, its own storage):
 * the calendar sync engine (shared/caldav/engine.ts) over the store and the normal commands.
 * Each test has its own calendar and store; the events are read back with another client and
 * ical.js.
 */
import 'fake-indexeddb/auto';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTH_REFUSED_MESSAGE, createCalDavClient, createCalendarSync, writeCalendarAccount,
  type CalDavClient, type CalendarAccount, type CalendarSync, type DavRequest, type DavTransport,
} from '#shared/caldav/index';
import { TransportError } from '#shared/ipc/platform';
import { createCommands, type Commands, type FieldbookDB } from '#shared/sync/index';
import { freshDb } from '#shared/sync/store.testing';
import { fetchDavTransport } from './dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';

const available = radicaleAvailable();
if (!available) console.warn(skipMessage());

const ME = { id: 'u-1', name: 'Ann Rep', email: 'ann@example.com' };
const NEW = { type: 'meeting', subject: 'Visit Acme', activityable_type: 'customer', activityable_id: 'c1', due_at: '2031-03-03T09:00:00Z', duration_minutes: 60, location: 'Depot 3' } as const;

interface Event { uid: string; start: string; end: string; summary: string; status: string | null; description: string | null }

function eventOf(ics: string): Event {
  const vevent = new ICAL.Component(ICAL.parse(ics) as unknown[]).getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  const e = new ICAL.Event(vevent);
  return {
    uid: e.uid, start: e.startDate.toJSDate().toISOString(), end: e.endDate.toJSDate().toISOString(), summary: e.summary,
    status: (vevent.getFirstPropertyValue('status') as string | null) ?? null, description: e.description ?? null,
  };
}

/** A transport that records requests, can be taken offline, and can refuse PUTs to some paths. */
function rigTransport(inner: DavTransport) {
  const sent: DavRequest[] = [];
  const state = { offline: false, refusePut: new Set<string>() };
  const transport: DavTransport = {
    async request(req) {
      if (state.offline) throw new TransportError('network', 'offline');
      sent.push(req);
      if (req.method === 'PUT' && state.refusePut.has(req.path)) return { status: 403, headers: {}, body: 'forbidden' };
      return inner.request(req);
    },
  };
  return { transport, sent, state };
}

describe.skipIf(!available)('calendar sync, Fieldbook → calendar, against Radicale', () => {
  let server: RadicaleServer;
  let other: CalDavClient;
  let home: string;
  let n = 0;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startRadicale();
    other = createCalDavClient(fetchDavTransport(server.url, server.user, server.password));
    home = (await other.discover()).calendarHome;
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function setup(over: Partial<CalendarAccount> = {}, password?: string) {
    n += 1;
    const cal = await other.makeCalendar(home, `Fieldbook ${n}`, `fieldbook-${n}`);
    const db: FieldbookDB = freshDb('caldav-out');
    const clock = { now: Date.parse('2031-03-01T08:00:00Z') };
    const commands: Commands = createCommands(db, { now: () => clock.now, currentUser: () => ME });
    await writeCalendarAccount(db, {
      serverUrl: server.url, username: server.user, calendarHref: cal.href, calendarName: `Fieldbook ${n}`,
      filter: { owner: 'mine', statuses: 'open' }, doneMode: 'keep', ...over,
    });
    const rig = rigTransport(fetchDavTransport(server.url, server.user, password ?? server.password));
    const sync: CalendarSync = createCalendarSync({ db, transport: rig.transport, commands, currentUserId: ME.id, now: () => clock.now, random: () => 0.5 });
    cleanup.push(async () => { await sync.stop(); await db.delete(); });
    const events = async (): Promise<Map<string, Event & { href: string; etag: string }>> => {
      const { changed } = await other.syncCollection(cal.href, null);
      const objs = await other.multiget(cal.href, changed.map((c) => c.href));
      return new Map(objs.map((o) => [o.href, { ...eventOf(o.data), href: o.href, etag: o.etag }]));
    };
    return { db, commands, sync, rig, cal, clock, events };
  }

  it('create and move in Fieldbook: one event with a stable UID, right times, the ETag kept; unchanged events are never re-uploaded and an idle poll is one request', async () => {
    const { db, commands, sync, rig, cal, events } = await setup();
    const a = await commands.create(NEW);
    await commands.create({ ...NEW, subject: 'No time', due_at: null });
    await commands.create({ ...NEW, subject: 'Someone else’s', assigned_user_id: 'u-2' });

    const first = await sync.sync();
    expect(first).toMatchObject({ error: null, put: 1, failed: 0 });
    let got = await events();
    expect(got.size).toBe(1);
    const href = `${cal.href}${a.lid}.ics`;
    expect(got.get(href)).toMatchObject({ uid: `${a.lid}@fieldbook.local`, start: '2031-03-03T09:00:00.000Z', end: '2031-03-03T10:00:00.000Z', summary: 'Visit Acme' });
    const link = await db.calendar_links.get(a.lid);
    expect(link).toMatchObject({ href, etag: got.get(href)?.etag, start_ms: Date.parse('2031-03-03T09:00:00Z') });
    const create = rig.sent.find((r) => r.method === 'PUT');
    expect(create?.headers).toMatchObject({ 'If-None-Match': '*' });

    // Nothing changed: no PUT, and the poll is one PROPFIND (getctag unchanged).
    rig.sent.length = 0;
    const idle = await sync.sync();
    expect(idle).toMatchObject({ error: null, put: 0, planned: 0, requests: 1 });
    expect(rig.sent.map((r) => `${r.method} ${r.path}`)).toEqual([`PROPFIND ${cal.href}`]);

    // An edit that does not change the event (a tag-less custom field) is not uploaded either.
    await commands.update(a.lid, { custom_fields: { note: 'x' } });
    rig.sent.length = 0;
    expect(await sync.sync()).toMatchObject({ put: 0, planned: 0 });
    expect(rig.sent.filter((r) => r.method === 'PUT')).toEqual([]);

    // Move: one PUT with If-Match the stored ETag.
    await commands.reschedule(a.lid, { new_due_at: '2031-03-04T14:30:00Z', reason: 'Client asked' });
    rig.sent.length = 0;
    expect(await sync.sync()).toMatchObject({ error: null, put: 1 });
    const puts = rig.sent.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.headers).toMatchObject({ 'If-Match': link?.etag });
    got = await events();
    expect(got.size).toBe(1);
    expect(got.get(href)).toMatchObject({ uid: `${a.lid}@fieldbook.local`, start: '2031-03-04T14:30:00.000Z', end: '2031-03-04T15:30:00.000Z' });
    expect((await db.calendar_links.get(a.lid))?.etag).toBe(got.get(href)?.etag);
    expect(await db.calendar_outbox.count()).toBe(0);
  });

  it('complete and cancel keep the event as done / cancelled with doneMode keep; delete removes it', async () => {
    const { commands, sync, cal, events } = await setup({ doneMode: 'keep' });
    const done = await commands.create({ ...NEW, subject: 'To complete' });
    const cancelled = await commands.create({ ...NEW, subject: 'To cancel', due_at: '2031-03-05T09:00:00Z' });
    const gone = await commands.create({ ...NEW, subject: 'To delete', due_at: '2031-03-06T09:00:00Z' });
    await sync.sync();
    expect((await events()).size).toBe(3);

    await commands.complete(done.lid, { outcome: 'Signed the renewal' });
    await commands.cancel(cancelled.lid, { reason: 'Client away' });
    await commands.delete(gone.lid);
    expect(await sync.sync()).toMatchObject({ error: null, put: 2, deleted: 1 });
    const got = await events();
    expect([...got.keys()].sort()).toEqual([`${cal.href}${cancelled.lid}.ics`, `${cal.href}${done.lid}.ics`].sort());
    expect(got.get(`${cal.href}${done.lid}.ics`)?.description).toContain('Outcome: Signed the renewal');
    expect(got.get(`${cal.href}${cancelled.lid}.ics`)?.status).toBe('CANCELLED');
  });

  it('with doneMode remove, completing or cancelling removes the event', async () => {
    const { commands, sync, events } = await setup({ doneMode: 'remove' });
    const a = await commands.create(NEW);
    const b = await commands.create({ ...NEW, due_at: '2031-03-05T09:00:00Z' });
    const c = await commands.create({ ...NEW, due_at: '2031-03-06T09:00:00Z' });
    await sync.sync();
    await commands.complete(a.lid, { outcome: 'Done' });
    await commands.cancel(b.lid, { reason: 'No' });
    expect(await sync.sync()).toMatchObject({ error: null, deleted: 2 });
    expect([...(await events()).values()].map((e) => e.uid)).toEqual([`${c.lid}@fieldbook.local`]);
  });

  it('offline changes reach the calendar once after reconnecting (queued ops coalesce; backoff kept)', async () => {
    const { db, commands, sync, rig, cal, clock, events } = await setup();
    rig.state.offline = true;
    const a = await commands.create(NEW);
    const failed = await sync.sync();
    expect(failed.error).toMatch(/could not be reached/);
    await commands.reschedule(a.lid, { new_due_at: '2031-03-07T11:00:00Z', reason: 'Later' });
    await commands.update(a.lid, { subject: 'Visit Acme (new time)' });
    expect(await sync.sync()).toMatchObject({ put: 0 });
    const ops = await db.calendar_outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ key: a.lid, kind: 'put', state: 'queued', maybe_sent: true });
    expect(sync.getStatus()).toMatchObject({ pending: 1, lastError: expect.stringMatching(/could not be reached/) as unknown });

    rig.state.offline = false;
    // Still backing off: nothing goes before its time.
    expect(await sync.sync()).toMatchObject({ put: 0 });
    clock.now += 10 * 60_000;
    expect(await sync.sync()).toMatchObject({ error: null, put: 1 });
    expect(await sync.sync()).toMatchObject({ put: 0 });
    expect(rig.sent.filter((r) => r.method === 'PUT')).toHaveLength(1);
    const got = await events();
    expect(got.size).toBe(1);
    expect(got.get(`${cal.href}${a.lid}.ics`)).toMatchObject({ start: '2031-03-07T11:00:00.000Z', summary: 'Visit Acme (new time)' });
    expect(sync.getStatus()).toMatchObject({ pending: 0, failed: 0, lastError: null });
  });

  it('a change made in the calendar meanwhile (412 on If-Match) is handed to the inbound side, not overwritten: the move there becomes a reschedule, the subject changed here goes on top', async () => {
    const { db, commands, sync, rig, cal, events } = await setup();
    const a = await commands.create(NEW);
    await sync.sync();
    const href = `${cal.href}${a.lid}.ics`;
    const theirs = (await other.multiget(cal.href, [href]))[0]!;
    // Another client moves it to 15:00 (its PUT with the current ETag).
    await other.putEvent(href, theirs.data.replace('DTSTART:20310303T090000Z', 'DTSTART:20310303T150000Z').replace('DTEND:20310303T100000Z', 'DTEND:20310303T160000Z'), theirs.etag);
    // The rep renames it here before the next run.
    await commands.update(a.lid, { subject: 'Visit Acme, bring samples' });
    rig.sent.length = 0;
    const report = await sync.sync();
    expect(report).toMatchObject({ error: null, conflicts: 1 });
    const puts = rig.sent.filter((r) => r.method === 'PUT');
    // The stale PUT (412), then one with the calendar's ETag after the move was taken.
    expect(puts).toHaveLength(2);
    expect(puts[0]?.headers).toMatchObject({ 'If-Match': theirs.etag });
    const row = await db.activities.get(a.lid);
    expect(row?.due_at).toBe('2031-03-03T15:00:00Z');
    // The reschedule is queued for the CRM once.
    expect((await db.outbox.where('lid').equals(a.lid).toArray()).filter((o) => o.kind === 'reschedule')).toHaveLength(1);
    const got = (await events()).get(href);
    expect(got).toMatchObject({ start: '2031-03-03T15:00:00.000Z', summary: 'Visit Acme, bring samples' });
  });

  it('a wrong password says so plainly and keeps the op for later, its attempt not counted', async () => {
    const { db, commands, sync } = await setup({}, 'wrong-password');
    await commands.create(NEW);
    const report = await sync.sync();
    expect(report.error).toBe(AUTH_REFUSED_MESSAGE);
    expect(sync.getStatus().lastError).toBe(AUTH_REFUSED_MESSAGE);
    expect(await db.calendar_outbox.toArray()).toEqual([expect.objectContaining({ state: 'queued', attempts: 0 })]);
  });

  it('a poison op (the server refuses one event) fails only its own event; the others go', async () => {
    const { db, commands, sync, rig, cal, events } = await setup();
    const bad = await commands.create({ ...NEW, subject: 'Refused' });
    const good = await commands.create({ ...NEW, subject: 'Fine', due_at: '2031-03-05T09:00:00Z' });
    rig.state.refusePut.add(`${cal.href}${bad.lid}.ics`);
    const report = await sync.sync();
    expect(report).toMatchObject({ put: 1, failed: 1 });
    expect([...(await events()).values()].map((e) => e.uid)).toEqual([`${good.lid}@fieldbook.local`]);
    expect(await db.calendar_outbox.toArray()).toEqual([expect.objectContaining({ key: bad.lid, state: 'failed', last_status: 403 })]);
    expect(sync.getStatus()).toMatchObject({ pending: 0, failed: 1 });
    // Later changes to the good one still go.
    await commands.reschedule(good.lid, { new_due_at: '2031-03-05T10:00:00Z', reason: 'x' });
    expect(await sync.sync()).toMatchObject({ put: 1 });
  });
});
