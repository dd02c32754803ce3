import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDb, seedSynced } from '#shared/sync/store-testing';
import type { FieldbookDB } from '#shared/sync/db';
import { reviewRows } from './review-data.ts';

const ZONE = 'Europe/Berlin';
// Thu 26 Nov 2026, 12:00 UTC: this week is Mon 23 – Sun 29 Nov, next week Mon 30 Nov – Sun 6 Dec.
const NOW = Date.parse('2026-11-26T12:00:00Z');

const open: FieldbookDB[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.delete()));
});

describe('reviewRows', () => {
  it('reads what the review needs from indexes and leaves out old closed work and local deletes', async () => {
    const db = freshDb('review');
    open.push(db);
    const old = { created_at: '2026-01-01T09:00:00Z', updated_at: '2026-01-01T09:00:00Z' };
    await seedSynced(db, 'overdue-old', { ...old, due_at: '2025-03-01T09:00:00Z' });
    await seedSynced(db, 'next-week-demo', { ...old, type: 'demo', due_at: '2026-12-02T13:00:00Z' });
    await seedSynced(db, 'load-day-13', { ...old, due_at: '2026-12-09T08:00:00Z' });
    await seedSynced(db, 'done-this-week', { ...old, status: 'completed', due_at: '2026-10-01T09:00:00Z', completed_at: '2026-11-24T10:00:00Z', updated_at: '2026-11-24T10:00:00Z', follow_up_required: true });
    await seedSynced(db, 'created-this-week', { due_at: null, created_at: '2026-11-25T08:00:00Z', updated_at: '2026-11-25T08:00:00Z' });
    // Left out: done long ago, far future (beyond the two weeks), deleted here.
    await seedSynced(db, 'done-long-ago', { ...old, status: 'completed', due_at: '2026-02-01T09:00:00Z', completed_at: '2026-02-01T10:00:00Z' });
    await seedSynced(db, 'far-future', { ...old, due_at: '2027-03-01T09:00:00Z' });
    const gone = await seedSynced(db, 'deleted', { ...old, due_at: '2026-11-20T09:00:00Z' });
    await db.activities.put({ ...gone, deleted: 1 });

    const rows = await reviewRows(db, NOW, ZONE);
    expect(rows.map((r) => r.lid).sort()).toEqual(['created-this-week', 'done-this-week', 'load-day-13', 'next-week-demo', 'overdue-old']);
  });

  it("is the rep's own week: a colleague's activities on shared accounts are left out", async () => {
    const db = freshDb('review-own');
    open.push(db);
    await seedSynced(db, 'mine', { assigned_user_id: 'u-me', due_at: '2026-11-30T09:00:00Z' });
    await seedSynced(db, 'theirs', { assigned_user_id: 'u-colleague', due_at: '2026-11-30T10:00:00Z' });
    expect((await reviewRows(db, NOW, ZONE, 'u-me')).map((r) => r.lid)).toEqual(['mine']);
    // Before the rep is known (not signed in yet), nothing is left out.
    expect((await reviewRows(db, NOW, ZONE)).map((r) => r.lid).sort()).toEqual(['mine', 'theirs']);
  });
});
