/** shared/caldav/client.ts against a real CalDAV server (Radicale on 127.0.0.1, its own temp storage). */
import ICAL from 'ical.js';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_REFUSED_MESSAGE, CalDavError, createCalDavClient, type CalDavClient, type CalendarInfo } from '#shared/caldav/client';
import { toCalendarObject, type IcalActivity } from '#shared/ical/event';
import { fetchDavTransport } from './dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';

const available = radicaleAvailable();
if (!available) console.warn(skipMessage());

const NOW = '2026-03-02T08:00:00Z';

function activity(lid: string, over: Partial<IcalActivity> = {}): IcalActivity {
  return {
    lid,
    status: 'pending',
    priority: 'medium',
    subject: `Visit ${lid}`,
    description: null,
    location: 'Depot 3',
    due_at: '2026-03-03T09:00:00Z',
    duration_minutes: 60,
    reminder_at: null,
    tags: [],
    outcome: null,
    ...over,
  };
}

function startOf(ics: string): string {
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics) as unknown[]).getFirstSubcomponent('vevent') ?? undefined);
  return event.startDate.toJSDate().toISOString();
}

async function caught(p: Promise<unknown>): Promise<CalDavError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CalDavError) return e;
    throw e;
  }
  throw new Error('expected a CalDavError');
}

describe.skipIf(!available)('CalDAV client against Radicale', () => {
  let server: RadicaleServer;
  let client: CalDavClient;
  let home: string;
  let calendar: CalendarInfo;

  beforeAll(async () => {
    server = await startRadicale();
    client = createCalDavClient(fetchDavTransport(server.url, server.user, server.password));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('discovers the principal and calendar home through /.well-known/caldav, then creates "Fieldbook"', async () => {
    const transport = fetchDavTransport(server.url, server.user, server.password);
    const found = await createCalDavClient(transport).discover();
    // Radicale redirects the well-known path; the client follows it itself (transports never do).
    expect(transport.requests.map((r) => `${r.method} ${r.path}`).slice(0, 2)).toEqual(['PROPFIND /.well-known/caldav', 'PROPFIND /']);
    expect(found.principal).toBe(`/${server.user}/`);
    expect(found.calendarHome).toBe(`/${server.user}/`);
    expect(found.calendars).toEqual([]);

    calendar = await client.makeCalendar(found.calendarHome, 'Fieldbook');
    home = found.calendarHome;
    expect(calendar.href).toBe(`/${server.user}/fieldbook/`);
    expect(calendar.displayName).toBe('Fieldbook');
    expect(calendar.syncToken).toBeTruthy();

    const listed = await client.listCalendars(home);
    expect(listed.map((c) => [c.href, c.displayName, c.components])).toEqual([[calendar.href, 'Fieldbook', ['VEVENT']]]);
    expect((await client.discover()).calendars.map((c) => c.href)).toEqual([calendar.href]);
  });

  it('creates, updates and deletes an event with ETags; the ctag moves with each change', async () => {
    const href = `${calendar.href}L1.ics`;
    const etag1 = await client.putEvent(href, toCalendarObject(activity('L1'), { now: NOW }));
    expect(etag1).toMatch(/^"/);
    const [got] = await client.multiget(calendar.href, [href]);
    expect(got?.etag).toBe(etag1);
    expect(startOf(got?.data ?? '')).toBe('2026-03-03T09:00:00.000Z');

    // Creating it again (If-None-Match: *) is refused: the event exists.
    const again = await caught(client.putEvent(href, toCalendarObject(activity('L1'), { now: NOW })));
    expect(again.kind).toBe('precondition');
    expect(again.status).toBe(412);

    const ctagBefore = (await client.listCalendars(home))[0]?.ctag;
    const etag2 = await client.putEvent(href, toCalendarObject(activity('L1', { due_at: '2026-03-04T10:00:00Z' }), { now: NOW }), etag1);
    expect(etag2).not.toBe(etag1);
    const [moved] = await client.multiget(calendar.href, [href]);
    expect(startOf(moved?.data ?? '')).toBe('2026-03-04T10:00:00.000Z');
    expect((await client.listCalendars(home))[0]?.ctag).not.toBe(ctagBefore);

    await client.deleteEvent(href, etag2);
    expect(await client.multiget(calendar.href, [href])).toEqual([]);
  });

  it('a change made elsewhere meanwhile is detected by If-Match (412), not overwritten', async () => {
    const href = `${calendar.href}L2.ics`;
    const ours = await client.putEvent(href, toCalendarObject(activity('L2'), { now: NOW }));
    // Another CalDAV client moves the event (its own PUT with the current ETag).
    const other = createCalDavClient(fetchDavTransport(server.url, server.user, server.password));
    await other.putEvent(href, toCalendarObject(activity('L2', { due_at: '2026-03-05T15:00:00Z' }), { now: NOW }), ours);

    const stale = await caught(client.putEvent(href, toCalendarObject(activity('L2', { subject: 'ours' }), { now: NOW }), ours));
    expect(stale.kind).toBe('precondition');
    const staleDelete = await caught(client.deleteEvent(href, ours));
    expect(staleDelete.kind).toBe('precondition');
    const [kept] = await client.multiget(calendar.href, [href]);
    expect(startOf(kept?.data ?? '')).toBe('2026-03-05T15:00:00.000Z');
  });

  it('sync-collection returns exactly what changed and what was deleted since a token', async () => {
    const cal = await client.makeCalendar(home, 'Sync check', 'sync-check');
    const first = await client.syncCollection(cal.href, null);
    expect(first).toMatchObject({ changed: [], deleted: [] });

    const etags = new Map<string, string>();
    for (const lid of ['A', 'B', 'C']) etags.set(lid, await client.putEvent(`${cal.href}${lid}.ics`, toCalendarObject(activity(lid), { now: NOW })));
    const afterCreate = await client.syncCollection(cal.href, first.syncToken);
    expect(afterCreate.changed.map((c) => c.href).sort()).toEqual(['A', 'B', 'C'].map((l) => `${cal.href}${l}.ics`));
    expect(afterCreate.changed.find((c) => c.href.endsWith('/A.ics'))?.etag).toBe(etags.get('A'));
    expect(afterCreate.deleted).toEqual([]);

    // Nothing changed: an idle poll gets nothing back.
    const idle = await client.syncCollection(cal.href, afterCreate.syncToken);
    expect(idle).toEqual({ syncToken: afterCreate.syncToken, changed: [], deleted: [] });

    const bEtag = await client.putEvent(`${cal.href}B.ics`, toCalendarObject(activity('B', { subject: 'B moved' }), { now: NOW }), etags.get('B'));
    await client.deleteEvent(`${cal.href}C.ics`, etags.get('C') ?? '');
    const afterEdit = await client.syncCollection(cal.href, afterCreate.syncToken);
    expect(afterEdit.changed).toEqual([{ href: `${cal.href}B.ics`, etag: bEtag }]);
    expect(afterEdit.deleted).toEqual([`${cal.href}C.ics`]);

    const bodies = await client.multiget(cal.href, [`${cal.href}A.ics`, `${cal.href}B.ics`]);
    expect(bodies.map((b) => new ICAL.Event(new ICAL.Component(ICAL.parse(b.data) as unknown[]).getFirstSubcomponent('vevent') ?? undefined).summary).sort())
      .toEqual(['B moved', 'Visit A']);
  });

  it('a sync token the server does not know is a typed error; a first sync (null) lists every member and no removals', async () => {
    const e = await caught(client.syncCollection(calendar.href, 'http://radicale.org/ns/sync/forgotten'));
    expect(e.kind).toBe('sync-token-invalid');
    const full = await client.syncCollection(calendar.href, null);
    expect(full.changed.map((c) => c.href)).toEqual([`${calendar.href}L2.ics`]);
    expect(full.deleted).toEqual([]);
  });

  it('a wrong password is a typed auth error with a plain message', async () => {
    const wrong = createCalDavClient(fetchDavTransport(server.url, server.user, 'not-the-password'));
    const e = await caught(wrong.discover());
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(401);
    expect(e.message).toBe(AUTH_REFUSED_MESSAGE);
    expect(AUTH_REFUSED_MESSAGE).toBe('The calendar server refused the username or password');
  });
});

describe('CalDAV client without a server', () => {
  it('an unreachable server says so', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 1));
      });
    });
    const client = createCalDavClient(fetchDavTransport(`http://127.0.0.1:${port}`, 'rep', 'x'));
    const e = await caught(client.discover());
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/^The calendar server could not be reached/);
  });
});
