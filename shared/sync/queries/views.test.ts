import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldbookDB } from '../db.ts';
import { createQueries, type Queries } from '../queries.ts';
import { freshDb } from '../store.testing.ts';
import { NOW, seedSample } from './sample.testing.ts';

let db: FieldbookDB;
let q: Queries;

beforeAll(async () => {
  db = freshDb('queries-views');
  await seedSample(db);
  q = createQueries(db, { now: () => NOW });
});
afterAll(async () => {
  await db.delete();
});

describe('overdue queue, calendar, entity, detail, counts', () => {
  it('overdue queue: open and due before now, oldest first, deleted left out', async () => {
    expect((await q.overdueQueue(NOW)).map((r) => r.lid)).toEqual(['a05', 'a01', 'a10']);
    expect((await q.overdueQueue(NOW, { assigned_user_id: 'u-2' })).map((r) => r.lid)).toEqual(['a05']);
    expect((await q.overdueQueue(NOW, { limit: 2 })).map((r) => r.lid)).toEqual(['a05', 'a01']);
    expect((await q.overdueQueue(Date.parse('2025-12-10T00:00:00Z'))).map((r) => r.lid)).toEqual(['a05', 'a01']);
    expect((await q.overdueQueue(NOW)).every((r) => r.is_overdue)).toBe(true);
  });

  it('calendar range: due in [from, to), in due order', async () => {
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
    expect((await q.calendarRange(day('2025-12-10'), day('2025-12-11'))).map((r) => r.lid)).toEqual(['a10', 'a02']);
    expect((await q.calendarRange(day('2025-12-10'), Date.parse('2025-12-10T15:00:00Z'))).map((r) => r.lid)).toEqual(['a10']);
    expect((await q.calendarRange(day('2025-12-01'), day('2026-01-01'), { assigned_user_id: 'u-1' })).map((r) => r.lid))
      .toEqual(['a03', 'a01', 'a04', 'a10', 'a08']);
    expect((await q.calendarRange(day('2025-12-01'), day('2026-01-01'), { openOnly: true })).map((r) => r.lid))
      .toEqual(['a05', 'a01', 'a10', 'a02', 'a08']);
  });

  it('by entity: dated by due time, then undated', async () => {
    expect((await q.byEntity('customer', 'cus-1')).map((r) => r.lid)).toEqual(['a03', 'a01', 'a10', 'a08', 'a07']);
    expect(await q.byEntity('lead', 'none')).toEqual([]);
  });

  it('detail by lid or server id; deleted rows are gone', async () => {
    expect((await q.detail('a01'))?.subject).toBe('Call Bob about the proposal');
    expect(await q.detail('a09')).toBeUndefined();
    expect(await q.detail('zzz')).toBeUndefined();
    expect((await q.byServerId('srv-a02'))?.lid).toBe('a02');
    expect(await q.byServerId('srv-a09')).toBeUndefined();
  });

  it('tray counts: still due today, and overdue', async () => {
    const day = { startMs: Date.parse('2025-12-10T00:00:00Z'), endMs: Date.parse('2025-12-11T00:00:00Z') };
    expect(await q.counts(NOW, day)).toEqual({ today: 1, overdue: 3 });
    expect(await q.counts(Date.parse('2025-12-09T12:00:00Z'), { startMs: Date.parse('2025-12-09T00:00:00Z'), endMs: day.startMs }))
      .toEqual({ today: 0, overdue: 2 });
  });
});
