/**
 * Calendar → Fieldbook against a real Radicale and the stand-in CRM (issue #14): another CalDAV
 * client moves, resizes or deletes Fieldbook's events, or adds its own; the calendar sync
 * (shared/caldav/engine.ts → inbound.ts) turns moves into the normal commands, so the CRM gets
 * exactly one reschedule; a delete there waits for the rep; both sides is a conflict; other
 * events are busy time.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { busyBlocks } from '#shared/caldav/busy';
import { createCalDavClient, type CalDavClient } from '#shared/caldav/client';
import { createCalendarSync, writeCalendarAccount } from '#shared/caldav/index';
import { calendarIssues, cancelDeletedInCalendar, putBackInCalendar } from '#shared/caldav/issues';
import { parseCalendarObject } from '#shared/caldav/parse';
import type { CalendarSync } from '#shared/caldav/types';
import { dailyLoad } from '#shared/domain/load';
import { ENTITIES, ME, startRig, type Rig } from '../soak/harness.ts';
import { fetchDavTransport } from './dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';

const available = radicaleAvailable();
if (!available) console.warn(skipMessage());

const INPUT = {
  type: 'meeting', subject: 'Site visit', activityable_type: ENTITIES[0]!.type, activityable_id: ENTITIES[0]!.id,
  due_at: '2031-03-03T10:00:00Z', duration_minutes: 60,
} as const;

const posts = (r: Rig, suffix: string) =>
  Object.entries(r.crm.stats().byRoute).filter(([k]) => k.startsWith('POST ') && k.endsWith(suffix)).reduce((n, [, v]) => n + v, 0);

describe.skipIf(!available)('calendar → Fieldbook against Radicale and the stand-in CRM', () => {
  let server: RadicaleServer;
  let other: CalDavClient;
  let n = 0;
  let rig: Rig | null = null;
  let cal: CalendarSync | null = null;
  let calendarHref = '';

  beforeAll(async () => { server = await startRadicale(); });
  afterAll(async () => { await server?.stop(); });
  afterEach(async () => { await cal?.stop(); cal = null; await rig?.close(); rig = null; });

  /** A fresh calendar in Radicale, an account on it, the CRM rig, and both engines. */
  async function setup() {
    n += 1;
    other = createCalDavClient(fetchDavTransport(server.url, server.user, server.password));
    const made = await other.makeCalendar(`/${server.user}/`, `Fieldbook ${n}`, `fieldbook-${n}`);
    calendarHref = made.href;
    rig = await startRig({}, 'caldav-inbound');
    await writeCalendarAccount(rig.db, {
      serverUrl: server.url, username: server.user, calendarHref, filter: { owner: 'mine', statuses: 'open' }, doneMode: 'keep',
    });
    const crm = rig.engine({ pull: { followEntities: false } });
    cal = createCalendarSync({ db: rig.db, transport: fetchDavTransport(server.url, server.user, server.password), commands: rig.commands, currentUserId: ME });
    return { rig, crm, cal };
  }

  /** What the calendar holds now, read by the other client: uid → [start, end] ISO. */
  async function events(): Promise<Map<string, { href: string; etag: string; data: string; start: string; end: string }>> {
    const { changed } = await other.syncCollection(calendarHref, null);
    const objs = changed.length ? await other.multiget(calendarHref, changed.map((c) => c.href)) : [];
    return new Map(objs.map((o) => {
      const p = parseCalendarObject(o.data)!;
      return [p.uid, { ...o, start: new Date(p.startMs).toISOString(), end: new Date(p.endMs).toISOString() }];
    }));
  }

  /** The other client moves an event (a PUT with a new DTSTART/DTEND, If-Match its ETag). */
  async function moveThere(uid: string, start: string, end: string): Promise<void> {
    const ev = (await events()).get(uid)!;
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const data = ev.data.replace(/DTSTART:[0-9TZ]+/, `DTSTART:${stamp(start)}`).replace(/DTEND:[0-9TZ]+/, `DTEND:${stamp(end)}`);
    await other.putEvent(ev.href, data, ev.etag);
  }

  it('a move there becomes one reschedule in Fieldbook and at the CRM; a resize one duration update', async () => {
    const { rig, crm, cal } = await setup();
    const row = await rig.commands.create(INPUT);
    await crm.push();
    const sid = (await rig.db.activities.get(row.lid))!.server_id!;
    expect((await cal.sync()).error).toBeNull();
    const uid = `${row.lid}@fieldbook.local`;
    expect((await events()).get(uid)).toMatchObject({ start: '2031-03-03T10:00:00.000Z', end: '2031-03-03T11:00:00.000Z' });

    await moveThere(uid, '2031-03-04T14:00:00.000Z', '2031-03-04T15:00:00.000Z');
    expect((await cal.sync()).error).toBeNull();
    expect(await rig.db.activities.get(row.lid)).toMatchObject({ due_at: '2031-03-04T14:00:00Z' });
    await crm.push();
    expect(posts(rig, '/reschedule')).toBe(1);
    expect(rig.crm.mutate.get(sid)).toMatchObject({ due_at: '2031-03-04T14:00:00Z', rescheduled_count: 1 });

    // Further runs on both sides change nothing more: no echo back and forth.
    await cal.sync();
    await crm.syncNow();
    await cal.sync();
    expect(posts(rig, '/reschedule')).toBe(1);
    expect((await events()).get(uid)).toMatchObject({ start: '2031-03-04T14:00:00.000Z', end: '2031-03-04T15:00:00.000Z' });

    await moveThere(uid, '2031-03-04T14:00:00.000Z', '2031-03-04T15:30:00.000Z');
    await cal.sync();
    await crm.push();
    expect(rig.crm.mutate.get(sid)).toMatchObject({ due_at: '2031-03-04T14:00:00Z', duration_minutes: 90 });
    expect(posts(rig, '/reschedule')).toBe(1);
  });

  it('a delete there is an issue, not a cancel: "cancel the activity" cancels it at the CRM once; "put it back" writes the event again', async () => {
    const { rig, crm, cal } = await setup();
    const a = await rig.commands.create(INPUT);
    const b = await rig.commands.create({ ...INPUT, subject: 'Second visit', due_at: '2031-03-05T10:00:00Z' });
    await crm.push();
    await cal.sync();
    const evs = await events();
    for (const lid of [a.lid, b.lid]) {
      const ev = evs.get(`${lid}@fieldbook.local`)!;
      await other.deleteEvent(ev.href, ev.etag);
    }
    await cal.sync();
    expect((await calendarIssues(rig.db)).map((i) => [i.lid, i.issue])).toEqual([[a.lid, 'deleted-in-calendar'], [b.lid, 'deleted-in-calendar']]);
    expect(await rig.db.activities.get(a.lid)).toMatchObject({ status: 'pending' });
    await cal.sync();
    expect((await events()).size).toBe(0);

    await cancelDeletedInCalendar({ db: rig.db, commands: rig.commands }, a.lid);
    await putBackInCalendar(rig.db, b.lid);
    await crm.push();
    await cal.sync();
    expect(posts(rig, '/cancel')).toBe(1);
    expect(rig.crm.mutate.get((await rig.db.activities.get(a.lid))!.server_id!)).toMatchObject({ status: 'cancelled' });
    const after = await events();
    expect([...after.keys()]).toEqual([`${b.lid}@fieldbook.local`]);
    expect(await calendarIssues(rig.db)).toEqual([]);
  });

  it('moved on both sides: a calendar conflict, the calendar not overwritten; taking theirs sends one reschedule to its time', async () => {
    const { rig, crm, cal } = await setup();
    const row = await rig.commands.create(INPUT);
    await crm.push();
    await cal.sync();
    const uid = `${row.lid}@fieldbook.local`;
    await moveThere(uid, '2031-03-06T08:00:00.000Z', '2031-03-06T09:00:00.000Z');
    await rig.commands.reschedule(row.lid, { new_due_at: '2031-03-07T16:00:00Z' });
    await cal.sync();
    const conflicts = await rig.db.conflicts.toArray();
    expect(conflicts.map((c) => [c.field, c.source, c.remote])).toEqual([['due_at', 'calendar', '2031-03-06T08:00:00Z']]);
    expect((await events()).get(uid)).toMatchObject({ start: '2031-03-06T08:00:00.000Z' });

    await crm.resolveConflict(conflicts[0]!.id, 'theirs');
    await crm.push();
    await cal.sync();
    expect(posts(rig, '/reschedule')).toBe(1);
    expect(rig.crm.mutate.get((await rig.db.activities.get(row.lid))!.server_id!)).toMatchObject({ due_at: '2031-03-06T08:00:00Z' });
    expect((await events()).get(uid)).toMatchObject({ start: '2031-03-06T08:00:00.000Z' });
  });

  it('the rep\'s other events are busy time and count in the day\'s back-to-back check', async () => {
    const { rig, crm, cal } = await setup();
    // Busy time is kept for a window around now: a day ten days ahead.
    const day0 = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const stamp = (time: string) => `${day0.replace(/-/g, '')}T${time}Z`;
    await rig.commands.create({ ...INPUT, due_at: `${day0}T10:00:00Z` });
    await crm.push();
    const personal = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//EN', 'BEGIN:VEVENT', 'UID:dentist-1@example.org', 'DTSTAMP:20260101T000000Z',
      `DTSTART:${stamp('110500')}`, `DTEND:${stamp('120000')}`, 'SUMMARY:Dentist', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    await other.putEvent(`${calendarHref}dentist-1.ics`, personal);
    await cal.sync();
    const busy = await busyBlocks(rig.db, Date.parse(`${day0}T00:00:00Z`), Date.parse(`${day0}T23:59:59Z`));
    expect(busy).toEqual([{ href: `${calendarHref}dentist-1.ics`, startMs: Date.parse(`${day0}T11:05:00Z`), endMs: Date.parse(`${day0}T12:00:00Z`) }]);
    const rows = await rig.db.activities.toArray();
    expect(dailyLoad(rows, { from: `${day0}T00:00:00Z`, days: 1, timeZone: 'UTC' })[0]?.flags).toEqual([]);
    const [day] = dailyLoad(rows, { from: `${day0}T00:00:00Z`, days: 1, timeZone: 'UTC', busy });
    expect(day?.flags).toEqual(['back_to_back']);
    // Only Fieldbook's own event is linked; the dentist is not an activity.
    expect(await rig.db.calendar_links.count()).toBe(1);
    expect(await rig.db.activities.count()).toBe(1);

    await other.deleteEvent(`${calendarHref}dentist-1.ics`, (await events()).get('dentist-1@example.org')!.etag);
    await cal.sync();
    expect(await busyBlocks(rig.db, Date.parse(`${day0}T00:00:00Z`), Date.parse(`${day0}T23:59:59Z`))).toEqual([]);
  });
});
