import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldbookDB } from '../db.ts';
import { createQueries, type Queries } from '../queries.ts';
import { freshDb, seedSynced } from '../store.testing.ts';
import type { LocalActivity } from '../types.ts';
import { entitiesByRef, entityKey, upsertEntities } from './directory.ts';
import { NOW, seedSample } from './sample.testing.ts';
import { billableCompletions, remindersDue, seriesOf } from './views.ts';

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

describe("the views' named reads: billable, reminders, series, directory entries", () => {
  const DAY = 86_400_000;
  let v: FieldbookDB;
  beforeAll(async () => {
    v = freshDb('queries-views-named');
    await upsertEntities(v, [
      { type: 'customer', id: 'cus-1', name: 'Acme' },
      { type: 'opportunity', id: 'opp-1', name: 'Acme renewal', customer_id: 'cus-1' },
      { type: 'contact', id: 'con-1', name: 'Sarah', phone: '+49 30 1', time_zone: 'Europe/Berlin' },
    ]);
    const done = (at: number) => ({ status: 'completed' as const, completed_at: new Date(at).toISOString() });
    await seedSynced(v, 'b1', { ...done(NOW - 2 * DAY), is_billable: true, activityable_type: 'opportunity', activityable_id: 'opp-1' });
    await seedSynced(v, 'b2', { ...done(NOW - 2 * DAY), is_billable: false });
    await seedSynced(v, 'b3', { ...done(NOW - 40 * DAY), is_billable: true, activityable_type: 'customer', activityable_id: 'cus-1' });
    await v.activities.put({ ...(await seedSynced(v, 'b4', { ...done(NOW - DAY), is_billable: true })), deleted: 1 });
    const due = (at: number, reminderBefore: number | null) => ({
      status: 'pending' as const, due_at: new Date(at).toISOString(), reminder_at: reminderBefore === null ? null : new Date(at - reminderBefore).toISOString(),
    });
    await seedSynced(v, 'r1', { ...due(NOW + DAY, 600_000), activityable_type: 'customer', activityable_id: 'cus-1', contact_id: 'con-1' });
    await seedSynced(v, 'r2', { ...due(NOW + 2 * DAY, null) });
    await seedSynced(v, 'r3', { ...due(NOW + 10 * DAY, 600_000) });
    await seedSynced(v, 'r4', { ...due(NOW - 3_600_000, 600_000), activityable_type: 'lead', activityable_id: 'nobody' });
    const series = (i: number, id = 'ser-1') => ({ activityable_type: 'customer' as const, activityable_id: 'cus-2', custom_fields: { series_id: id, series_index: i } });
    await seedSynced(v, 's2', series(2));
    await seedSynced(v, 's1', series(1));
    await seedSynced(v, 's9', series(1, 'ser-other'));
    await v.activities.put({ ...(await seedSynced(v, 's3', series(3))), deleted: 1 });
  });
  afterAll(async () => {
    await v.delete();
  });

  it('billable: completed, billable, live, in the range by completion; with their records and the customer they bill to', async () => {
    const r = await billableCompletions(v, { fromMs: NOW - 7 * DAY, toMs: NOW });
    expect(r.rows.map((a) => a.lid)).toEqual(['b1']);
    expect([...r.entities.keys()].sort()).toEqual(['customer:cus-1', 'opportunity:opp-1']);
    // Without a range (or an empty one): every billable completion.
    expect((await billableCompletions(v)).rows.map((a) => a.lid).sort()).toEqual(['b1', 'b3']);
    expect((await billableCompletions(v, { fromMs: NOW, toMs: NOW })).rows.map((a) => a.lid).sort()).toEqual(['b1', 'b3']);
  });

  it('reminders: open, due in the window, carrying a reminder, in due order, with record and contact when known', async () => {
    const r = await remindersDue(v, NOW - DAY, NOW + 7 * DAY);
    expect(r.map((x) => x.activity.lid)).toEqual(['r4', 'r1']);
    expect(r[1]?.record?.name).toBe('Acme');
    expect(r[1]?.contact?.phone).toBe('+49 30 1');
    expect(r[0]?.record).toBeUndefined();
    expect(r[0]?.contact).toBeUndefined();
  });

  it("series: the live members of the activity's own series, in series order; none outside a series", async () => {
    const s1 = await v.activities.get('s1');
    expect((await seriesOf(v, s1 as LocalActivity)).map((a) => a.lid)).toEqual(['s1', 's2']);
    expect(await seriesOf(v, { activityable_type: 'customer', activityable_id: 'cus-2', custom_fields: {} })).toEqual([]);
  });

  it('directory entries by reference: the distinct ones the directory has, keyed type:id', async () => {
    const m = await entitiesByRef(v, [['customer', 'cus-1'], ['customer', 'cus-1'], ['lead', 'nobody'], ['contact', 'con-1']]);
    expect([...m.keys()].sort()).toEqual([entityKey('contact', 'con-1'), entityKey('customer', 'cus-1')]);
  });
});
