/**
 * A recurring series as one event, against a real CalDAV server (Radicale on 127.0.0.1, its own
 * storage): a series made with the series commands, one occurrence edited and one cancelled,
 * goes through the calendar sync engine (with the series source) as ONE calendar object with
 * RRULE, a RECURRENCE-ID override and an EXDATE; read back by another client (ical.js with the
 * object's own VTIMEZONE) it is intact, reading it back changes nothing, and a move of one
 * occurrence made by another client becomes one reschedule of that activity.
 */
import 'fake-indexeddb/auto';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applySeriesFromCalendar, createCalDavClient, createCalendarSync, createSeriesSource, seriesChangesFromCalendar, writeCalendarAccount, type CalDavClient } from '#shared/caldav/index';
import { createCommands, createSeriesCommands, type FieldbookDB } from '#shared/sync/index';
import { freshDb } from '#shared/sync/store.testing';
import { fetchDavTransport } from './dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';

const available = radicaleAvailable();
if (!available) console.warn(skipMessage());

const ME = { id: 'u-1', name: 'Ann Rep', email: 'ann@example.com' };
const ZONE = 'Europe/Berlin';
// Mondays and Wednesdays at 09:00 Berlin from 17 March 2031, six times: Berlin moves to summer time on 30 March.
const TEMPLATE = {
  type: 'meeting', subject: 'Pipeline review', activityable_type: 'customer', activityable_id: 'c1',
  due_at: '2031-03-17T08:00:00Z', duration_minutes: 45, location: 'Room 2',
} as const;
const RULE = { frequency: 'weekly', weekdays: ['mon', 'wed'], count: 6, time_zone: ZONE } as const;
const PLANNED = ['2031-03-17T08:00:00Z', '2031-03-19T08:00:00Z', '2031-03-24T08:00:00Z', '2031-03-26T08:00:00Z', '2031-03-31T07:00:00Z', '2031-04-02T07:00:00Z'];

interface Occurrence { start: string; end: string; summary: string }

/** Every occurrence of a calendar object as ical.js reads it (its own VTIMEZONE, overrides related). */
function occurrences(ics: string): Occurrence[] {
  const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  const events = cal.getAllSubcomponents('vevent');
  const master = events.find((e) => !e.hasProperty('recurrence-id'));
  if (!master) throw new Error('no master VEVENT');
  const ev = new ICAL.Event(master);
  for (const o of events) if (o !== master) ev.relateException(o);
  const out: Occurrence[] = [];
  const it = ev.iterator();
  for (let next = it.next(); next; next = it.next()) {
    const d = ev.getOccurrenceDetails(next);
    out.push({ start: d.startDate.toJSDate().toISOString(), end: d.endDate.toJSDate().toISOString(), summary: String(d.item.summary) });
  }
  return out;
}

/** The series object as another client saves it with one occurrence moved: an override VEVENT (Berlin wall times) added. */
function withOverride(ics: string, recurrenceId: string, start: string, end: string): string {
  const override = [
    'BEGIN:VEVENT', 'UID:series:S1@fieldbook.local', 'DTSTAMP:20310302T080000Z', `RECURRENCE-ID;TZID=Europe/Berlin:${recurrenceId}`,
    `DTSTART;TZID=Europe/Berlin:${start}`, `DTEND;TZID=Europe/Berlin:${end}`, 'SUMMARY:Pipeline review', 'END:VEVENT',
  ].join('\r\n');
  return ics.replace(/END:VCALENDAR\s*$/, `${override}\r\nEND:VCALENDAR\r\n`);
}

const iso = (s: string) => new Date(s).toISOString();
const plus = (s: string, minutes: number) => new Date(Date.parse(s) + minutes * 60_000).toISOString();

describe.skipIf(!available)('a recurring series as one event, against Radicale', () => {
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

  async function setup() {
    n += 1;
    const cal = await other.makeCalendar(home, `Series ${n}`, `series-${n}`);
    const db: FieldbookDB = freshDb('caldav-series');
    const clock = { now: Date.parse('2031-03-01T08:00:00Z') };
    let id = 0;
    const commands = createCommands(db, { now: () => clock.now, currentUser: () => ME, newId: () => `L${++id}` });
    const series = createSeriesCommands({ db, commands, now: () => clock.now, newId: () => 'S1', timeZone: () => ZONE });
    await writeCalendarAccount(db, {
      serverUrl: server.url, username: server.user, calendarHref: cal.href, filter: { owner: 'mine', statuses: 'open' }, doneMode: 'keep',
    });
    const source = { currentUserId: () => ME.id };
    const sent: string[] = [];
    const inner = fetchDavTransport(server.url, server.user, server.password);
    const sync = createCalendarSync({
      db, commands, currentUserId: ME.id, now: () => clock.now, random: () => 0.5, series: createSeriesSource(source),
      transport: { request: (req) => { sent.push(`${req.method} ${req.path}`); return inner.request(req); } },
    });
    cleanup.push(async () => { await sync.stop(); await db.delete(); });
    const objects = async () => {
      const { changed } = await other.syncCollection(cal.href, null);
      return other.multiget(cal.href, changed.map((c) => c.href));
    };
    return { db, commands, series, sync, cal, sent, objects, source };
  }

  it('one edited and one cancelled occurrence round-trip intact as one event (RRULE, RECURRENCE-ID, EXDATE)', async () => {
    const { db, commands, series, sync, cal, sent, objects, source } = await setup();
    const made = await series.createSeries(TEMPLATE, { ...RULE, weekdays: [...RULE.weekdays] });
    expect(made.rows.map((r) => r.due_at)).toEqual(PLANNED);
    const [, , third, , fifth] = made.rows;
    await series.editSeries(third!.lid, { due_at: '2031-03-24T10:30:00Z', subject: 'Pipeline review, with finance' }, 'this');
    await commands.cancel(fifth!.lid, { reason: 'Holiday' });

    const report = await sync.sync();
    expect(report).toMatchObject({ error: null, put: 1, failed: 0 });
    expect(sent.filter((r) => r.startsWith('PUT '))).toEqual([`PUT ${cal.href}series-S1.ics`]);
    const link = await db.calendar_links.get('series:S1');
    expect(link).toMatchObject({ href: `${cal.href}series-S1.ics`, uid: 'series:S1@fieldbook.local' });
    expect(await db.calendar_links.count()).toBe(1);

    const [obj, ...more] = await objects();
    expect(more).toEqual([]);
    expect(obj?.etag).toBe(link?.etag);
    const text = obj!.data;
    expect(text).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6;WKST=MO');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20310324T090000');
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20310331T090000');
    // As another client reads it: five occurrences at 09:00 Berlin on both sides of the DST change, the edited one moved and retitled.
    const expected: Occurrence[] = PLANNED.map((s) => ({ start: iso(s), end: plus(s, 45), summary: 'Pipeline review' }));
    expected[2] = { start: iso('2031-03-24T10:30:00Z'), end: plus('2031-03-24T10:30:00Z', 45), summary: 'Pipeline review, with finance' };
    expected.splice(4, 1);
    expect(occurrences(text)).toEqual(expected);

    // Read back, it changes nothing here; the next run uploads nothing.
    expect(await seriesChangesFromCalendar(db, 'S1', text, source)).toEqual([]);
    sent.length = 0;
    expect(await sync.sync()).toMatchObject({ error: null, put: 0, planned: 0 });
    expect(sent.filter((r) => !r.startsWith('PROPFIND '))).toEqual([]);
  });

  it('an occurrence moved by another client becomes one reschedule of that activity, written back as our override', async () => {
    const { db, commands, series, sync, cal, objects, source } = await setup();
    const made = await series.createSeries(TEMPLATE, { ...RULE, weekdays: [...RULE.weekdays] });
    expect(await sync.sync()).toMatchObject({ error: null, put: 1 });
    const [obj] = await objects();
    // Another CalDAV client moves the second occurrence to 14:00 Berlin: an override of its own, PUT with If-Match.
    const moved = withOverride(obj!.data, '20310319T090000', '20310319T140000', '20310319T144500');
    expect(moved).toContain('DTSTART;TZID=Europe/Berlin:20310319T140000');
    await other.putEvent(`${cal.href}series-S1.ics`, moved, obj!.etag);
    const [back] = await other.multiget(cal.href, [`${cal.href}series-S1.ics`]);
    const second = made.rows[1]!.lid;
    expect(await seriesChangesFromCalendar(db, 'S1', back!.data, source)).toEqual([
      { kind: 'moved', lid: second, due_at: '2031-03-19T13:00:00Z', duration_minutes: null },
    ]);

    // Applied: one reschedule of that activity through the normal commands (one op for the CRM), nothing else.
    const opsBefore = await db.outbox.count();
    const link = (await db.calendar_links.get('series:S1'))!;
    expect(await applySeriesFromCalendar({ db, commands, now: () => Date.parse('2031-03-02T08:00:00Z') }, link, back!, source)).toEqual({ rescheduled: 1, resized: 0, conflicts: 0, removed: [], putBack: [] });
    expect((await db.activities.get(second))?.due_at).toBe('2031-03-19T13:00:00Z');
    const newOps = (await db.outbox.orderBy('seq').toArray()).slice(opsBefore);
    expect(newOps.map((o) => [o.kind, o.lid])).toEqual([['reschedule', second]]);
    const rest = await db.activities.bulkGet(made.rows.filter((r) => r.lid !== second).map((r) => r.lid));
    expect(rest.map((r) => r?.due_at)).toEqual(PLANNED.filter((_, i) => i !== 1));

    // The next run writes the series with the move as Fieldbook's own override (If-Match the calendar's ETag), and reading it back changes nothing.
    expect(await sync.sync()).toMatchObject({ error: null, put: 1, conflicts: 0 });
    const [after] = await other.multiget(cal.href, [`${cal.href}series-S1.ics`]);
    expect(after!.data).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20310319T090000');
    expect(occurrences(after!.data)[1]).toMatchObject({ start: '2031-03-19T13:00:00.000Z', end: '2031-03-19T13:45:00.000Z' });
    expect(await seriesChangesFromCalendar(db, 'S1', after!.data, source)).toEqual([]);
    expect(await db.outbox.count()).toBe(opsBefore + 1);
  });
  it("the engine's own pull takes a move made there: one reschedule, the series written back with it, then quiet", async () => {
    const { db, series, sync, cal, objects, sent } = await setup();
    const made = await series.createSeries(TEMPLATE, { ...RULE, weekdays: [...RULE.weekdays] });
    expect(await sync.sync()).toMatchObject({ error: null, put: 1 });
    const [obj] = await objects();
    // Another client moves the fourth occurrence (26 March, 09:00 Berlin) to 16:00 and makes it an hour long.
    const overridden = withOverride(obj!.data, '20310326T090000', '20310326T160000', '20310326T170000');
    await other.putEvent(`${cal.href}series-S1.ics`, overridden, obj!.etag);
    const fourth = made.rows[3]!.lid;
    const opsBefore = await db.outbox.count();

    sent.length = 0;
    const report = await sync.sync();
    expect(report).toMatchObject({ error: null, pulled: 1, put: 1 });
    expect((await db.activities.get(fourth))).toMatchObject({ due_at: '2031-03-26T15:00:00Z', duration_minutes: 60 });
    const newOps = (await db.outbox.orderBy('seq').toArray()).slice(opsBefore);
    expect(newOps.map((o) => o.kind).sort()).toEqual(['reschedule', 'update']);
    expect(newOps.every((o) => o.lid === fourth)).toBe(true);
    // Written back as our own override, one PUT with If-Match; the run after reads and writes nothing.
    expect(sent.filter((r) => r.startsWith('PUT '))).toEqual([`PUT ${cal.href}series-S1.ics`]);
    const [after] = await other.multiget(cal.href, [`${cal.href}series-S1.ics`]);
    expect(occurrences(after!.data)[3]).toMatchObject({ start: '2031-03-26T15:00:00.000Z', end: '2031-03-26T16:00:00.000Z' });
    // The next run hears of that write (one sync-collection, its ETag ours: no multiget, no PUT); the one after is an idle poll.
    sent.length = 0;
    expect(await sync.sync()).toMatchObject({ error: null, put: 0, pulled: 0 });
    expect(sent.filter((r) => !r.startsWith('PROPFIND '))).toEqual([`REPORT ${cal.href}`]);
    sent.length = 0;
    expect(await sync.sync()).toMatchObject({ error: null, put: 0, pulled: 0 });
    expect(sent.filter((r) => !r.startsWith('PROPFIND '))).toEqual([]);
    expect(await db.outbox.count()).toBe(opsBefore + 2);
  });

  it('a done occurrence moved there is not moved here: the series is written back with it where it was', async () => {
    const { db, commands, series, sync, cal, objects } = await setup();
    const made = await series.createSeries(TEMPLATE, { ...RULE, weekdays: [...RULE.weekdays] });
    const second = made.rows[1]!.lid;
    await commands.complete(second, { outcome: 'Held early' });
    expect(await sync.sync()).toMatchObject({ error: null, put: 1 });
    const [obj] = await objects();
    const overridden = withOverride(obj!.data, '20310319T090000', '20310319T160000', '20310319T164500');
    await other.putEvent(`${cal.href}series-S1.ics`, overridden, obj!.etag);
    const opsBefore = await db.outbox.count();

    const report = await sync.sync();
    expect(report).toMatchObject({ error: null, pulled: 1, put: 1 });
    expect((await db.activities.get(second))?.due_at).toBe(PLANNED[1]);
    expect(await db.outbox.count()).toBe(opsBefore);
    // Written back: the second occurrence at 09:00 again, no 16:00 override.
    const [after] = await other.multiget(cal.href, [`${cal.href}series-S1.ics`]);
    expect(after!.data).not.toContain('DTSTART;TZID=Europe/Berlin:20310319T160000');
    expect(occurrences(after!.data)[1]).toMatchObject({ start: iso(PLANNED[1]!) });
  });
});

