import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { toCalendarObject } from '../ical/event.ts';
import { createCommands, type Commands } from '../sync/commands.ts';
import { resolveConflict } from '../sync/conflicts.ts';
import type { SyncContext } from '../sync/context.ts';
import type { FieldbookDB } from '../sync/db.ts';
import { freshDb, seedSynced, sequentialIds } from '../sync/store.testing.ts';
import type { LocalActivity } from '../sync/types.ts';
import { busyBlocks } from './busy.ts';
import { applyRemoteChanges, type InboundContext } from './inbound.ts';
import { calendarIssues, cancelDeletedInCalendar, putBackInCalendar } from './issues.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ME = { id: 'u-1', name: 'Ann Rep', email: 'ann@example.com' };
const CAL = '/ann/fieldbook/';
const ms = (iso: string) => Date.parse(iso);

const open: FieldbookDB[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.delete()));
});

function setup(): { db: FieldbookDB; commands: Commands; ctx: InboundContext } {
  const db = freshDb('inbound');
  open.push(db);
  const newId = sequentialIds('N');
  const commands = createCommands(db, { now: () => NOW, newId, currentUser: () => ME });
  return { db, commands, ctx: { db, commands, now: () => NOW, newId } };
}

/** An activity synced with the CRM and written to the calendar at its time, as the outbound side leaves it. */
async function linked(db: FieldbookDB, lid: string, due: string, minutes = 30, over: Partial<LocalActivity> = {}): Promise<LocalActivity> {
  const row = await seedSynced(db, lid, { due_at: due, duration_minutes: minutes, reminder_at: null, ...over });
  const start = ms(due);
  await db.calendar_links.put({ key: lid, href: `${CAL}${lid}.ics`, uid: `${lid}@fieldbook.local`, etag: '"e1"', hash: 'h1', start_ms: start, end_ms: start + minutes * 60_000 });
  return row;
}

/** The event as another client left it: our resource with a new start and length. */
function movedThere(row: LocalActivity, start: string, minutes: number, etag = '"e2"') {
  const data = toCalendarObject({ ...row, due_at: start, duration_minutes: minutes }, { now: '2026-03-01T12:00:00Z' });
  return { href: `${CAL}${row.lid}.ics`, etag, data };
}

function other(uid: string, ...lines: string[]) {
  return {
    href: `${CAL}${uid}.ics`, etag: '"o1"',
    data: ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'SUMMARY:Dentist', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
  };
}

describe('applyRemoteChanges: an event moved in the calendar', () => {
  it('becomes one reschedule through the commands (queued for the CRM), and the link takes the new times and ETag', async () => {
    const { db, ctx } = setup();
    const row = await linked(db, 'A1', '2026-03-10T09:00:00Z');
    const report = await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-11T14:00:00Z', 30)], removed: [] });
    expect(report).toMatchObject({ rescheduled: 1, resized: 0, conflicts: 0 });
    expect(await db.activities.get('A1')).toMatchObject({ due_at: '2026-03-11T14:00:00Z', sync: 'pending' });
    const ops = await db.outbox.toArray();
    expect(ops.map((o) => [o.kind, o.payload])).toEqual([['reschedule', { new_due_at: '2026-03-11T14:00:00Z', reason: 'Moved in the calendar' }]]);
    expect(await db.calendar_links.get('A1')).toMatchObject({ etag: '"e2"', start_ms: ms('2026-03-11T14:00:00Z'), end_ms: ms('2026-03-11T14:30:00Z') });

    // The same member read again (another run, or the engine killed before the token was kept): nothing more.
    const again = await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-11T14:00:00Z', 30)], removed: [] });
    expect(again).toMatchObject({ rescheduled: 0, resized: 0 });
    expect(await db.outbox.count()).toBe(1);
  });

  it('a resize becomes a duration update; an unchanged time only takes the ETag', async () => {
    const { db, ctx } = setup();
    const row = await linked(db, 'A1', '2026-03-10T09:00:00Z', 30);
    expect(await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-10T09:00:00Z', 30, '"e9"')], removed: [] })).toMatchObject({ rescheduled: 0, resized: 0 });
    expect(await db.outbox.count()).toBe(0);
    expect((await db.calendar_links.get('A1'))?.etag).toBe('"e9"');

    await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-10T09:00:00Z', 75)], removed: [] });
    const ops = await db.outbox.toArray();
    expect(ops.map((o) => [o.kind, o.payload])).toEqual([['update', { duration_minutes: 75 }]]);
    expect(await db.activities.get('A1')).toMatchObject({ duration_minutes: 75 });
  });

  it('moved here too since the last write: a calendar conflict, nothing applied; theirs sends one reschedule to the calendar\'s time', async () => {
    const { db, commands, ctx } = setup();
    const row = await linked(db, 'A1', '2026-03-10T09:00:00Z');
    await commands.reschedule('A1', { new_due_at: '2026-03-12T08:00:00Z' });
    const report = await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-11T14:00:00Z', 30)], removed: [] });
    expect(report.conflicts).toBe(1);
    const [c, ...more] = await db.conflicts.toArray();
    expect(more).toEqual([]);
    expect(c).toMatchObject({ lid: 'A1', kind: 'field', field: 'due_at', source: 'calendar', base: '2026-03-10T09:00:00Z', local: '2026-03-12T08:00:00Z', remote: '2026-03-11T14:00:00Z' });
    expect(await db.activities.get('A1')).toMatchObject({ due_at: '2026-03-12T08:00:00Z', sync: 'conflict' });
    expect((await db.outbox.toArray()).map((o) => o.kind)).toEqual(['reschedule']);

    const sctx = { db, now: () => NOW, newId: sequentialIds('R') } as unknown as SyncContext;
    await resolveConflict(sctx, c!.id, 'theirs');
    expect(await db.activities.get('A1')).toMatchObject({ due_at: '2026-03-11T14:00:00Z', sync: 'pending' });
    // The queued reschedule carries the calendar's time: the CRM gets one reschedule, not two.
    expect((await db.outbox.toArray()).map((o) => [o.kind, (o.payload as { new_due_at?: string }).new_due_at])).toEqual([['reschedule', '2026-03-11T14:00:00Z']]);
    expect(await db.conflicts.count()).toBe(0);
  });

  it('a calendar conflict kept as mine sends nothing more to the CRM', async () => {
    const { db, commands, ctx } = setup();
    const row = await linked(db, 'A1', '2026-03-10T09:00:00Z');
    await commands.reschedule('A1', { new_due_at: '2026-03-12T08:00:00Z' });
    await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-11T14:00:00Z', 30)], removed: [] });
    const [c] = await db.conflicts.toArray();
    await resolveConflict({ db, now: () => NOW, newId: sequentialIds('R') } as unknown as SyncContext, c!.id, 'mine');
    expect(await db.activities.get('A1')).toMatchObject({ due_at: '2026-03-12T08:00:00Z', sync: 'pending' });
    expect((await db.outbox.toArray()).map((o) => [o.kind, (o.payload as { new_due_at?: string }).new_due_at])).toEqual([['reschedule', '2026-03-12T08:00:00Z']]);
  });

  it('a closed activity is not moved from the calendar: its event is to be put back', async () => {
    const { db, ctx } = setup();
    const row = await linked(db, 'A1', '2026-03-10T09:00:00Z', 30, { status: 'completed', completed_at: '2026-03-10T09:30:00Z' });
    const report = await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-11T14:00:00Z', 30)], removed: [] });
    expect(report.putBack).toBe(1);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.calendar_links.get('A1')).toMatchObject({ etag: '"e2"', hash: '', start_ms: ms('2026-03-10T09:00:00Z') });
  });

  it('our UID without a link (the run stopped after the PUT) is linked, not taken as busy time nor moved', async () => {
    const { db, ctx } = setup();
    const row = await seedSynced(db, 'A1', { due_at: '2026-03-10T09:00:00Z', duration_minutes: 30, reminder_at: null });
    await applyRemoteChanges(ctx, { changed: [movedThere(row, '2026-03-10T09:00:00Z', 30, '"e5"')], removed: [] });
    expect(await db.calendar_links.get('A1')).toMatchObject({ href: `${CAL}A1.ics`, etag: '"e5"', hash: '', start_ms: ms('2026-03-10T09:00:00Z') });
    expect(await db.calendar_busy.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('an event deleted in the calendar', () => {
  it('is an issue, not a cancel; "cancel the activity" cancels it through the command', async () => {
    const { db, commands, ctx } = setup();
    await linked(db, 'A1', '2026-03-10T09:00:00Z');
    expect(await applyRemoteChanges(ctx, { changed: [], removed: [`${CAL}A1.ics`] })).toMatchObject({ deleted: 1 });
    expect(await db.activities.get('A1')).toMatchObject({ status: 'pending' });
    expect(await db.outbox.count()).toBe(0);
    expect(await calendarIssues(db)).toEqual([{ key: 'A1', lid: 'A1', issue: 'deleted-in-calendar', subject: 'Follow-up call', due_at: '2026-03-10T09:00:00Z' }]);

    await cancelDeletedInCalendar({ db, commands }, 'A1');
    expect(await db.activities.get('A1')).toMatchObject({ status: 'cancelled' });
    expect((await db.outbox.toArray()).map((o) => o.kind)).toEqual(['cancel']);
    expect(await db.calendar_links.get('A1')).toBeUndefined();
    expect(await calendarIssues(db)).toEqual([]);
    await expect(cancelDeletedInCalendar({ db, commands }, 'A1')).rejects.toThrow('already settled');
  });

  it('"put it back" clears the link so the planner writes it again, and changes nothing here', async () => {
    const { db, ctx } = setup();
    await linked(db, 'A1', '2026-03-10T09:00:00Z');
    await applyRemoteChanges(ctx, { changed: [], removed: [`${CAL}A1.ics`] });
    await putBackInCalendar(db, 'A1');
    expect(await db.calendar_links.get('A1')).toBeUndefined();
    expect(await db.activities.get('A1')).toMatchObject({ status: 'pending', sync: 'synced' });
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('other events are busy time', () => {
  it('stored with their occurrences, listed by busyBlocks in a window, gone when deleted there or made free', async () => {
    const { db, ctx } = setup();
    const dentist = other('dentist@other', 'DTSTART:20260305T150000Z', 'DTEND:20260305T160000Z');
    const gym = other('gym@other', 'DTSTART:20260302T170000Z', 'DTEND:20260302T180000Z', 'RRULE:FREQ=WEEKLY;COUNT=3');
    expect(await applyRemoteChanges(ctx, { changed: [dentist, gym], removed: [] })).toMatchObject({ busy: 2 });
    expect(await busyBlocks(db, ms('2026-03-02T00:00:00Z'), ms('2026-03-10T00:00:00Z'))).toEqual([
      { href: gym.href, startMs: ms('2026-03-02T17:00:00Z'), endMs: ms('2026-03-02T18:00:00Z') },
      { href: dentist.href, startMs: ms('2026-03-05T15:00:00Z'), endMs: ms('2026-03-05T16:00:00Z') },
      { href: gym.href, startMs: ms('2026-03-09T17:00:00Z'), endMs: ms('2026-03-09T18:00:00Z') },
    ]);
    expect(await db.calendar_links.count()).toBe(0);

    const free = other('dentist@other', 'DTSTART:20260305T150000Z', 'DTEND:20260305T160000Z', 'TRANSP:TRANSPARENT');
    expect(await applyRemoteChanges(ctx, { changed: [free], removed: [gym.href] })).toMatchObject({ busyRemoved: 2 });
    expect(await busyBlocks(db, ms('2026-03-01T00:00:00Z'), ms('2026-04-01T00:00:00Z'))).toEqual([]);
  });

  it('a member that is not iCalendar is skipped and reported', async () => {
    const { ctx } = setup();
    expect((await applyRemoteChanges(ctx, { changed: [{ href: `${CAL}x.ics`, etag: '"x"', data: 'garbage' }], removed: [] })).unreadable).toEqual([`${CAL}x.ics`]);
  });
});
