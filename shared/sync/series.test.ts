import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionNotAllowedError, ValidationError, seriesLink } from '../domain/index.ts';
import { createCommands, type Commands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import { createSeriesCommands, SERIES_CANCEL_REASON, type SeriesCommands } from './series.ts';
import { freshDb, sequentialIds, snapshot } from './store.testing.ts';
import type { OutboxOp } from './types.ts';

const ZONE = 'Europe/Berlin';
const ME = { id: 'u-me', name: 'Ann Rep' };
// Mon 1 Dec 2025, 12:00 UTC.
let nowMs = Date.parse('2025-12-01T12:00:00Z');
const TEMPLATE = {
  type: 'meeting', subject: 'Weekly sync with Acme', activityable_type: 'customer', activityable_id: 'cus-1',
  due_at: '2025-12-02T09:00:00Z', duration_minutes: 30, reminder_at: '2025-12-02T08:45:00Z',
} as const;

const open: FieldbookDB[] = [];
afterEach(async () => {
  nowMs = Date.parse('2025-12-01T12:00:00Z');
  await Promise.all(open.splice(0).map((db) => db.delete()));
});

function setup(newId = sequentialIds('L')): { db: FieldbookDB; cmd: Commands; series: SeriesCommands; changes: { n: number } } {
  const db = freshDb('series');
  open.push(db);
  const changes = { n: 0 };
  const cmd = createCommands(db, { now: () => nowMs, newId, currentUser: () => ME, onChange: () => { changes.n += 1; } });
  const series = createSeriesCommands({ db, commands: cmd, now: () => nowMs, newId: () => 'S1', timeZone: () => ZONE });
  return { db, cmd, series, changes };
}

async function ops(db: FieldbookDB): Promise<OutboxOp[]> {
  return db.outbox.orderBy('seq').toArray();
}

describe('createSeries', () => {
  it('writes every occurrence as a real pending activity with its own create op, linked by series id', async () => {
    const { db, series } = setup();
    const r = await series.createSeries(TEMPLATE, { frequency: 'weekly', weekdays: ['tue', 'thu'], count: 4, time_zone: ZONE });

    expect(r.seriesId).toBe('S1');
    expect(r.rows.map((a) => a.due_at)).toEqual([
      '2025-12-02T09:00:00Z', '2025-12-04T09:00:00Z', '2025-12-09T09:00:00Z', '2025-12-11T09:00:00Z',
    ]);
    expect(r.rows.map((a) => a.reminder_at)).toEqual([
      '2025-12-02T08:45:00Z', '2025-12-04T08:45:00Z', '2025-12-09T08:45:00Z', '2025-12-11T08:45:00Z',
    ]);
    expect(r.rows.map((a) => seriesLink(a))).toEqual([1, 2, 3, 4].map((index) => ({ seriesId: 'S1', index })));
    expect(r.rows.every((a) => a.sync === 'pending' && a.server_id === null && a.status === 'pending')).toBe(true);

    const o = await ops(db);
    expect(o.map((x) => [x.kind, x.lid])).toEqual(r.rows.map((a) => ['create', a.lid]));
    // The create body carries the link, so the server's records are linked too.
    expect(o.map((x) => (x.kind === 'create' ? x.payload.custom_fields?.series_index : 'not a create'))).toEqual([1, 2, 3, 4]);
    expect(await db.activities.count()).toBe(4);
  });

  it('writes nothing when one occurrence cannot be stored (one transaction)', async () => {
    // The third create's op id collides with the first op's: the outbox's unique index refuses it.
    const ids = ['A0', 'OP', 'A1', 'O1', 'A2', 'OP', 'A3', 'O3'];
    const { db, series } = setup(() => ids.shift() ?? 'X');
    await expect(series.createSeries(TEMPLATE, { frequency: 'daily', count: 4, time_zone: ZONE })).rejects.toThrow();
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
  });

  it('refuses a bad rule or template with per-field errors and writes nothing', async () => {
    const { db, series } = setup();
    const bad = series.createSeries(TEMPLATE, { frequency: 'weekly', count: 3, time_zone: ZONE });
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({ errors: { weekdays: ['Pick at least one day of the week.'] } });
    await expect(series.createSeries({ ...TEMPLATE, subject: '' }, { frequency: 'daily', count: 2, time_zone: ZONE }))
      .rejects.toMatchObject({ errors: { subject: expect.any(Array) as unknown } });
    await expect(series.createSeries({ ...TEMPLATE, due_at: null }, { frequency: 'daily', count: 2, time_zone: ZONE }))
      .rejects.toMatchObject({ errors: { due_at: expect.any(Array) as unknown } });
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
  });
});

describe('editSeries', () => {
  it('"this and following" moves the chosen and later occurrences (same wall clock across DST), not earlier ones', async () => {
    const { db, series } = setup();
    // Weekly Mondays 09:00 Berlin from 23 March 2026: DST starts 29 March.
    const { rows } = await series.createSeries(
      { ...TEMPLATE, due_at: '2026-03-16T08:00:00Z', reminder_at: null },
      { frequency: 'weekly', weekdays: ['mon'], count: 4, time_zone: ZONE },
    );
    const before = (await ops(db)).length;
    const second = rows[1];
    if (!second) throw new Error('no second occurrence');
    // 09:00 → 10:00 Berlin on the 23rd (CET, UTC+1), new subject.
    const r = await series.editSeries(second.lid, { due_at: '2026-03-23T09:00:00Z', subject: 'Weekly sync (moved)' }, 'following');

    expect(r.updated.map((a) => a.lid)).toEqual(rows.slice(1).map((a) => a.lid));
    const after = await db.activities.bulkGet(rows.map((a) => a.lid));
    expect(after.map((a) => a?.due_at)).toEqual([
      '2026-03-16T08:00:00Z', // untouched
      '2026-03-23T09:00:00Z', // 10:00 CET
      '2026-03-30T08:00:00Z', // 10:00 CEST
      '2026-04-06T08:00:00Z',
    ]);
    expect(after.map((a) => a?.subject)).toEqual(['Weekly sync with Acme', 'Weekly sync (moved)', 'Weekly sync (moved)', 'Weekly sync (moved)']);
    expect(after.map((a) => a && seriesLink(a)?.index)).toEqual([1, 2, 3, 4]);
    const newOps = (await ops(db)).slice(before);
    expect(newOps.map((o) => [o.kind, o.lid])).toEqual(rows.slice(1).map((a) => ['update', a.lid]));
  });

  it('"this one" changes only the chosen occurrence', async () => {
    const { db, series } = setup();
    const { rows } = await series.createSeries(TEMPLATE, { frequency: 'daily', count: 3, time_zone: ZONE });
    const r = await series.editSeries(rows[0]?.lid ?? '', { location: 'Room 4' }, 'this');
    expect(r.updated.map((a) => a.lid)).toEqual([rows[0]?.lid]);
    const after = await db.activities.bulkGet(rows.map((a) => a.lid));
    expect(after.map((a) => a?.location)).toEqual(['Room 4', null, null]);
  });

  it('skips closed later occurrences and reports them', async () => {
    const { db, cmd, series } = setup();
    const { rows } = await series.createSeries(TEMPLATE, { frequency: 'daily', count: 3, time_zone: ZONE });
    const [a, b, c] = rows.map((x) => x.lid) as [string, string, string];
    await cmd.complete(c, { outcome: 'Done early' });
    const r = await series.editSeries(a, { location: 'Room 9' }, 'following');
    expect(r.updated.map((x) => x.lid)).toEqual([a, b]);
    expect(r.skipped.map((x) => x.lid)).toEqual([c]);
    expect((await db.activities.get(c))?.location).toBeNull();
  });

  it('refuses an invalid patch, or a closed target, and changes nothing', async () => {
    const { db, cmd, series } = setup();
    const { rows } = await series.createSeries(TEMPLATE, { frequency: 'daily', count: 2, time_zone: ZONE });
    const lid = rows[0]?.lid ?? '';
    const snap = await snapshot(db);
    await expect(series.editSeries(lid, { duration_minutes: -5 }, 'following')).rejects.toBeInstanceOf(ValidationError);
    await expect(series.editSeries(lid, { subject: 'x' }, 'sideways' as 'this')).rejects.toBeInstanceOf(ValidationError);
    expect(await snapshot(db)).toEqual(snap);
    await cmd.cancel(lid, { reason: 'No longer needed' });
    const snap2 = await snapshot(db);
    await expect(series.editSeries(lid, { subject: 'Renamed' }, 'following')).rejects.toBeInstanceOf(ActionNotAllowedError);
    expect(await snapshot(db)).toEqual(snap2);
  });
});

describe('deleteSeries', () => {
  it('cancels only future open occurrences, in one bulk command, and keeps past and closed ones', async () => {
    const { db, cmd, series } = setup();
    const { rows } = await series.createSeries(TEMPLATE, { frequency: 'daily', count: 5, time_zone: ZONE });
    const lids = rows.map((a) => a.lid);
    await cmd.complete(lids[0] ?? '', { outcome: 'Held' });
    // Now is between the 2nd (3 Dec 09:00Z) and the 3rd occurrence.
    nowMs = Date.parse('2025-12-03T12:00:00Z');
    const before = (await ops(db)).length;
    const r = await series.deleteSeries('S1');

    expect(r.cancelled).toEqual(lids.slice(2));
    expect(r.kept).toEqual(lids.slice(0, 2));
    const after = await db.activities.bulkGet(lids);
    expect(after.map((a) => a?.status)).toEqual(['completed', 'pending', 'cancelled', 'cancelled', 'cancelled']);
    expect(after.slice(2).map((a) => a?.cancellation_reason)).toEqual(Array(3).fill(SERIES_CANCEL_REASON));
    const newOps = (await ops(db)).slice(before);
    expect(newOps.map((o) => o.kind)).toEqual(['cancel', 'cancel', 'cancel']);
    expect(new Set(newOps.map((o) => o.bulk_group)).size).toBe(1);
  });

  it('says so plainly for an unknown series', async () => {
    const { series } = setup();
    await expect(series.deleteSeries('nope')).rejects.toMatchObject({ errors: { series_id: ['That series has no activities on this device.'] } });
  });
});
