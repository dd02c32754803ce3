import 'fake-indexeddb/auto';
import { afterEach, expect, it } from 'vitest';
import { createStore } from './store.ts';
import { freshDb, sequentialIds } from './store.testing.ts';

const db = freshDb('store');
afterEach(async () => {
  await db.delete();
});

it('commands and queries share one database and one clock', async () => {
  let now = Date.parse('2025-12-10T09:00:00Z');
  const store = createStore(db, { now: () => now, newId: sequentialIds('S'), currentUser: () => ({ id: 'u-1', name: 'Ann' }) });
  const row = await store.commands.create({ type: 'call', subject: 'Check in', activityable_type: 'lead', activityable_id: 'l-1', due_at: '2025-12-10T10:00:00Z' });
  expect((await store.queries.detail(row.lid))?.is_overdue).toBe(false);
  expect(await store.queries.overdueQueue()).toEqual([]);
  now = Date.parse('2025-12-10T11:00:00Z');
  // Same row, later clock: overdue now, without any write.
  expect((await store.queries.detail(row.lid))?.is_overdue).toBe(true);
  expect((await store.queries.overdueQueue()).map((r) => r.lid)).toEqual([row.lid]);
  expect(await store.queries.counts(now, { startMs: Date.parse('2025-12-10T00:00:00Z'), endMs: Date.parse('2025-12-11T00:00:00Z') }))
    .toEqual({ today: 0, overdue: 1 });
});
