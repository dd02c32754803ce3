import 'fake-indexeddb/auto';
import type { DBCore, DBCoreQueryRequest } from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, type ListQueryInput } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import { createQueries, forgetKnownMatches, listActivities, type Queries } from '../queries.ts';
import { freshDb, serverActivity } from '../store.testing.ts';
import { toLocalRow } from '../rows.ts';
import { NOW, seedSample } from './sample.testing.ts';

let db: FieldbookDB;
let q: Queries;
/** Index reads the store issued, recorded by a DBCore middleware ('' = the primary key). */
const reads: string[] = [];

beforeAll(async () => {
  db = freshDb('queries');
  db.use({
    stack: 'dbcore',
    name: 'record-index-reads',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        const note = (req: { query: DBCoreQueryRequest['query'] }) => reads.push(`${name}:${req.query.index.name ?? ''}`);
        return {
          ...t,
          query: (req) => (note(req), t.query(req)),
          count: (req) => (note(req), t.count(req)),
          openCursor: (req) => (note(req), t.openCursor(req)),
        };
      },
    }),
  });
  await seedSample(db);
  q = createQueries(db, { now: () => NOW });
});
afterAll(async () => {
  await db.delete();
});

async function lids(query: ListQueryInput): Promise<string[]> {
  return (await q.list(query)).items.map((r) => r.lid);
}

describe('list: sorting', () => {
  it('defaults to due_at ascending with undated last, never showing deleted rows', async () => {
    expect(await lids({})).toEqual(['a05', 'a03', 'a01', 'a04', 'a10', 'a02', 'a08', 'a06', 'a07']);
  });

  it.each([
    ['due_at', 'asc', ['a05', 'a03', 'a01', 'a04', 'a10', 'a02', 'a08', 'a06', 'a07']],
    ['due_at', 'desc', ['a08', 'a02', 'a10', 'a04', 'a01', 'a03', 'a05', 'a07', 'a06']],
    ['created_at', 'asc', ['a01', 'a02', 'a03', 'a04', 'a05', 'a06', 'a07', 'a08', 'a10']],
    ['created_at', 'desc', ['a10', 'a08', 'a07', 'a06', 'a05', 'a04', 'a03', 'a02', 'a01']],
    ['priority', 'asc', ['a03', 'a07', 'a02', 'a06', 'a10', 'a01', 'a08', 'a04', 'a05']],
    ['priority', 'desc', ['a05', 'a04', 'a08', 'a01', 'a10', 'a06', 'a02', 'a07', 'a03']],
  ] as const)('sort_by=%s %s (index-ordered and filtered paths agree)', async (sort_by, sort_direction, expected) => {
    expect(await lids({ sort_by, sort_direction })).toEqual(expected);
    // A filter that keeps every row forces the read-filter-sort path; same order.
    expect(await lids({ sort_by, sort_direction, updated_since: '2000-01-01T00:00:00Z' })).toEqual(expected);
  });

  it('pages of every sort join up to the full list, with or without local deletes', async () => {
    const check = async () => {
      for (const sort_by of ['due_at', 'created_at', 'priority'] as const) {
        for (const sort_direction of ['asc', 'desc'] as const) {
          const all = await lids({ sort_by, sort_direction, per_page: 100 });
          const pages: string[] = [];
          for (let page = 1; page <= 4; page++) pages.push(...(await lids({ sort_by, sort_direction, per_page: 2, page })));
          expect(pages).toEqual(all.slice(0, 8));
        }
      }
    };
    await check();
    const deleted = await db.activities.get('a09');
    await db.activities.delete('a09');
    try {
      await check();
    } finally {
      if (deleted) await db.activities.put(deleted);
    }
  });

  it('index-ordered pages skip many local deletes exactly like the filtered path', async () => {
    const marked = ['a05', 'a02', 'a07', 'a04'];
    const saved = await db.activities.bulkGet(marked);
    await db.activities.bulkPut(saved.flatMap((r) => (r ? [{ ...r, deleted: 1 as const }] : [])));
    try {
      for (const sort_by of ['due_at', 'created_at', 'priority'] as const) {
        for (const sort_direction of ['asc', 'desc'] as const) {
          const reference = await lids({ sort_by, sort_direction, updated_since: '2000-01-01T00:00:00Z' });
          expect(reference).toHaveLength(5);
          for (const per_page of [1, 2, 3]) {
            const pages: string[] = [];
            for (let page = 1; page <= Math.ceil(5 / per_page); page++) {
              const r = await q.list({ sort_by, sort_direction, per_page, page });
              expect(r.meta.total).toBe(5);
              pages.push(...r.items.map((x) => x.lid));
            }
            expect(pages, `${sort_by} ${sort_direction} per ${per_page}`).toEqual(reference);
          }
        }
      }
    } finally {
      await db.activities.bulkPut(saved.flatMap((r) => (r ? [r] : [])));
    }
  });
});

describe('list: upcoming first (the Activities list default)', () => {
  const TODAY = Date.parse('2025-12-10T00:00:00Z');
  const up = (query: ListQueryInput, opts: { lazyTotal?: boolean } = {}) => q.list(query, { upcomingFrom: TODAY, ...opts });
  const upLids = async (query: ListQueryInput) => (await up(query)).items.map((r) => r.lid);
  // Every query shape: the index-ordered page, a rep's own (assignee index), a filter read in
  // full and sorted, and a search (rows sorted, or walked in index order as the rep types).
  const shapes: [string, ListQueryInput, string[]][] = [
    ['everyone', {}, ['a10', 'a02', 'a08', 'a04', 'a01', 'a03', 'a05', 'a06', 'a07']],
    ['one rep', { assigned_user_id: 'u-1' }, ['a10', 'a08', 'a04', 'a01', 'a03', 'a06']],
    ['filtered', { updated_since: '2000-01-01T00:00:00Z' }, ['a10', 'a02', 'a08', 'a04', 'a01', 'a03', 'a05', 'a06', 'a07']],
    ['a search', { search: 'proposal' }, ['a02', 'a01', 'a05']],
    ['one rep, due from', { assigned_user_id: 'u-1', due_date_from: '2025-12-08' }, ['a10', 'a08', 'a04', 'a01']],
    ['due to', { due_date_to: '2025-12-09' }, ['a04', 'a01', 'a03', 'a05']],
  ];

  it.each(shapes)('%s: due from the start of today soonest first, then the earlier ones latest first, undated last', async (_label, query, expected) => {
    expect(await upLids(query)).toEqual(expected);
    expect((await up(query, { lazyTotal: true })).items.map((r) => r.lid)).toEqual(expected);
    expect((await up(query)).meta.total).toBe(expected.length);
    // Pages join up, with or without a local delete among the rows.
    const pages: string[] = [];
    for (let page = 1; page <= Math.ceil(expected.length / 2); page++) pages.push(...(await upLids({ ...query, per_page: 2, page })));
    expect(pages).toEqual(expected);
  });

  it('pages join up with local deletes among the rows', async () => {
    const saved = await db.activities.bulkGet(['a08', 'a03']);
    await db.activities.bulkPut(saved.flatMap((r) => (r ? [{ ...r, deleted: 1 as const }] : [])));
    try {
      for (const query of [{}, { assigned_user_id: 'u-1' }]) {
        const all = await upLids({ ...query, per_page: 100 });
        expect(all).not.toContain('a08');
        const pages: string[] = [];
        for (let page = 1; page <= 4; page++) pages.push(...(await upLids({ ...query, per_page: 2, page })));
        expect(pages).toEqual(all);
        expect((await up({ ...query, per_page: 2 })).meta.total).toBe(all.length);
      }
    } finally {
      await db.activities.bulkPut(saved.flatMap((r) => (r ? [r] : [])));
    }
  });

  it('applies only to due date ascending: other sorts are the guide\'s', async () => {
    expect(await upLids({ sort_direction: 'desc' })).toEqual(['a08', 'a02', 'a10', 'a04', 'a01', 'a03', 'a05', 'a07', 'a06']);
    expect(await upLids({ sort_by: 'created_at' })).toEqual(['a01', 'a02', 'a03', 'a04', 'a05', 'a06', 'a07', 'a08', 'a10']);
  });

  it('a rep\'s own list in due order reads the assignee indexes, never every row', async () => {
    reads.length = 0;
    await q.list({ assigned_user_id: 'u-1', per_page: 2 }, { upcomingFrom: TODAY, lazyTotal: true });
    expect(reads).toContain('activities:[assigned_user_id+due_ms]');
    expect(reads).not.toContain('activities:');
  });
});

describe('list: filters', () => {
  it.each([
    [{ type: 'call' }, ['a01', 'a08']],
    [{ type: 'meeting' }, ['a10', 'a02']],
    [{ type: 'webinar' }, []],
    [{ status: 'pending' }, ['a01', 'a10', 'a08', 'a07']],
    [{ status: 'in_progress' }, ['a02']],
    [{ status: 'completed' }, ['a03']],
    [{ status: 'cancelled' }, ['a04']],
    [{ status: 'deferred' }, ['a05']],
    [{ status: 'waiting' }, ['a06']],
    [{ status: 'overdue' }, ['a05', 'a01', 'a10']],
    [{ priority: 'low' }, ['a03', 'a07']],
    [{ priority: 'medium' }, ['a10', 'a02', 'a06']],
    [{ priority: 'high' }, ['a01', 'a08']],
    [{ priority: 'urgent' }, ['a04']],
    [{ priority: 'critical' }, ['a05']],
    [{ assigned_user_id: 'u-2' }, ['a05', 'a02', 'a07']],
    [{ assigned_user_id: 'nobody' }, []],
    [{ activityable_type: 'customer' }, ['a03', 'a01', 'a10', 'a08', 'a06', 'a07']],
    [{ activityable_type: 'customer', activityable_id: 'cus-1' }, ['a03', 'a01', 'a10', 'a08', 'a07']],
    [{ activityable_id: 'lead-1' }, ['a02']],
    [{ due_date_from: '2025-12-10' }, ['a10', 'a02', 'a08']],
    [{ due_date_to: '2025-12-10' }, ['a05', 'a03', 'a01', 'a04', 'a10', 'a02']],
    [{ due_date_from: '2025-12-10', due_date_to: '2025-12-10' }, ['a10', 'a02']],
    [{ due_date_from: '2025-12-11', due_date_to: '2025-12-11' }, ['a08']],
    [{ due_date_from: '2025-12-10', sort_direction: 'desc' }, ['a08', 'a02', 'a10']],
    [{ status: 'overdue', due_date_from: '2025-12-08' }, ['a01', 'a10']],
    [{ assigned_user_id: 'u-1', due_date_from: '2025-12-06', due_date_to: '2025-12-10' }, ['a01', 'a04', 'a10']],
    [{ activityable_type: 'customer', activityable_id: 'cus-1', due_date_to: '2025-12-08' }, ['a03', 'a01']],
    [{ status: 'pending', priority: 'high', assigned_user_id: 'u-1', sort_by: 'due_at', sort_direction: 'asc' }, ['a01', 'a08']],
    [{ type: 'call', status: 'completed' }, []],
    [{ updated_since: '2025-12-01T09:00:00Z', type: 'call' }, ['a01', 'a08']],
    [{ updated_since: '2025-12-01T09:00:01Z' }, []],
  ] as [ListQueryInput, string[]][])('%o', async (query, expected) => {
    expect(await lids(query)).toEqual(expected);
  });

  it.each([
    // a10 is due 10 Dec 00:00Z (9 Dec evening in New York), a02 10 Dec 15:00Z, a08 11 Dec 23:59Z.
    ['America/New_York', { due_date_from: '2025-12-10', due_date_to: '2025-12-10' }, ['a02']],
    ['America/New_York', { due_date_from: '2025-12-09', due_date_to: '2025-12-09' }, ['a04', 'a10']],
    ['America/New_York', { due_date_from: '2025-12-11', due_date_to: '2025-12-11' }, ['a08']],
    ['Asia/Tokyo', { due_date_from: '2025-12-11', due_date_to: '2025-12-11' }, ['a02']],
    ['Asia/Tokyo', { due_date_to: '2025-12-10' }, ['a05', 'a03', 'a01', 'a04', 'a10']],
  ] as [string, ListQueryInput, string[]][])('in %s, due from/to are the rep\'s calendar days: %o', async (timeZone, query, expected) => {
    expect((await q.list(query, { timeZone })).items.map((r) => r.lid)).toEqual(expected);
    expect(await q.total(query, { timeZone })).toBe(expected.length);
  });

  it('marks rows overdue by the clock at read time, not the stored flag', async () => {
    const items = (await q.list({ status: 'pending' })).items;
    expect(items.map((r) => [r.lid, r.is_overdue])).toEqual([['a01', true], ['a10', true], ['a08', false], ['a07', false]]);
    expect((await db.activities.get('a10'))?.is_overdue).toBe(false);
  });

  it('accepts URL-style strings and rejects bad values with the field named', async () => {
    expect((await q.list({ per_page: '2', page: '2' })).items.map((r) => r.lid)).toEqual(['a01', 'a04']);
    for (const [query, field] of [
      [{ status: 'late' }, 'status'], [{ type: 'lunch' }, 'type'], [{ priority: 'p1' }, 'priority'],
      [{ sort_by: 'subject' }, 'sort_by'], [{ sort_direction: 'up' }, 'sort_direction'],
      [{ per_page: 0 }, 'per_page'], [{ page: 'x' }, 'page'], [{ due_date_from: '12/10/2025' }, 'due_date_from'],
      [{ due_date_from: '2025-12-11', due_date_to: '2025-12-10' }, 'due_date_to'], [{ search: 'a' }, 'search'],
      [{ activityable_type: 'vendor' }, 'activityable_type'],
    ] as [Record<string, unknown>, string][]) {
      const err = await q.list(query as ListQueryInput).catch((e: unknown) => e);
      expect(err, JSON.stringify(query)).toBeInstanceOf(ValidationError);
      expect(Object.keys((err as ValidationError).errors)).toContain(field);
    }
  });
});

describe('list: paging', () => {
  it('defaults to 25 per page, page 1', async () => {
    expect((await q.list({})).meta).toEqual({ current_page: 1, per_page: 25, total: 9, last_page: 1 });
  });

  it('slices pages and says how many there are', async () => {
    const p1 = await q.list({ per_page: 4 });
    const p3 = await q.list({ per_page: 4, page: 3 });
    const p4 = await q.list({ per_page: 4, page: 4 });
    expect(p1.meta).toEqual({ current_page: 1, per_page: 4, total: 9, last_page: 3 });
    expect(p1.items.map((r) => r.lid)).toEqual(['a05', 'a03', 'a01', 'a04']);
    expect(p3.items.map((r) => r.lid)).toEqual(['a07']);
    expect(p4).toEqual({ items: [], meta: { current_page: 4, per_page: 4, total: 9, last_page: 3 } });
    const filtered = await q.list({ status: 'pending', per_page: 3, page: 2 });
    expect(filtered.items.map((r) => r.lid)).toEqual(['a07']);
    expect(filtered.meta).toEqual({ current_page: 2, per_page: 3, total: 4, last_page: 2 });
  });

  it('clamps per_page to 100 and says so', async () => {
    expect((await q.list({ per_page: 500 })).meta.per_page).toBe(100);
  });

  it('an empty result still has one (empty) page', async () => {
    expect((await q.list({ type: 'webinar' })).meta).toEqual({ current_page: 1, per_page: 25, total: 0, last_page: 1 });
  });
});

describe('search', () => {
  it.each([
    ['proposal', ['a05', 'a01', 'a02']],
    ['prop', ['a05', 'a01', 'a02']],
    ['PROPOSAL', ['a05', 'a01', 'a02']],
    ['proposal pricing', ['a05', 'a01']],
    ['call+bob', ['a01']],
    ['cafe owner', ['a05']],
    ['café', ['a05']],
    ['ropo', []],
    ['proposal warehouse', []],
    ['deleted', []],
    // The outcome's words are found too (alone and with the subject's).
    ['discount', ['a03']],
    ['quote volume', ['a03']],
  ])('%s', async (text, expected) => {
    expect((await q.search(text)).items.map((r) => r.lid)).toEqual(expected);
    expect(await lids({ search: text })).toEqual(expected);
  });

  it('needs at least 2 characters', async () => {
    for (const text of ['', 'a', ' b ']) {
      const err = await q.search(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
    }
  });

  it('pages its results', async () => {
    const r = await q.search('proposal', { per_page: 2, page: 2 });
    expect(r.items.map((x) => x.lid)).toEqual(['a02']);
    expect(r.meta).toEqual({ current_page: 2, per_page: 2, total: 3, last_page: 2 });
  });
});

describe('index use', () => {
  async function readsOf(run: () => Promise<unknown>): Promise<string[]> {
    reads.length = 0;
    await run();
    return [...reads];
  }

  it('search reads the word index, never the whole table', async () => {
    forgetKnownMatches(db);
    const r = await readsOf(() => q.search('proposal pricing'));
    expect(r).toContain('activities:words');
    expect(r).not.toContain('activities:');
  });

  it('a filtered list reads the narrowest index it has', async () => {
    // priority=medium holds 4 rows, status=deferred 1: both are sized with a bounded key read,
    // and only the status index is read for rows.
    const r = await readsOf(() => listActivities(db, { status: 'deferred', priority: 'medium' }, NOW));
    expect(r.filter((x) => x === 'activities:status')).toHaveLength(2); // sized, then read
    expect(r.filter((x) => x === 'activities:priority')).toHaveLength(1); // only sized
    expect(r).not.toContain('activities:');
    expect((await listActivities(db, { status: 'deferred', priority: 'medium' }, NOW)).items).toEqual([]);
  });

  it('when every candidate is large, the most selective kind (type before status) is read', async () => {
    const big = freshDb('queries-big');
    const recorded: string[] = [];
    try {
      big.use({
        stack: 'dbcore', name: 'record',
        create: (down: DBCore): DBCore => ({
          ...down,
          table: (name) => {
            const t = down.table(name);
            return { ...t, query: (req) => (recorded.push(`${req.query.index.name ?? ''}:${req.limit ?? 'none'}`), t.query(req)) };
          },
        }),
      });
      const rows = Array.from({ length: 2100 }, (_, i) => {
        const a = serverActivity({ id: `b${i}`, type: 'call', status: 'pending', subject: i === 7 ? 'Pricing' : 'Call' });
        return toLocalRow(a, { lid: `B${String(i).padStart(5, '0')}`, base: a, sync: 'synced' });
      });
      await big.activities.bulkPut(rows);
      recorded.length = 0;
      const page = await listActivities(big, { status: 'pending', type: 'call', per_page: 5 }, NOW);
      expect(page.meta.total).toBe(2100);
      expect(page.items).toHaveLength(5);
      expect(recorded).toEqual(['type:2000', 'status:2000', 'type:Infinity']);
    } finally {
      await big.delete();
    }
  });

  it('overdue status uses [open+due_ms]; entity and assignee lists use their indexes', async () => {
    expect(await readsOf(() => q.list({ status: 'overdue' }))).toEqual(['activities:[open+due_ms]']);
    // Sorted by due time, a rep's page comes in order from [assigned_user_id+due_ms] (undated ones
    // from the assignee index), as the unfiltered list does from due_ms; by another sort, one read.
    expect(new Set(await readsOf(() => q.list({ assigned_user_id: 'u-2' }))))
      .toEqual(new Set(['activities:deleted', 'activities:assigned_user_id', 'activities:[assigned_user_id+due_ms]']));
    expect(await readsOf(() => q.list({ assigned_user_id: 'u-2', sort_by: 'created_at' }))).toEqual(['activities:assigned_user_id']);
    expect(await readsOf(() => q.list({ activityable_type: 'lead', activityable_id: 'lead-1' })))
      .toEqual(['activities:[activityable_type+activityable_id]']);
  });

  it('an unfiltered first page reads one page from the due index, not every row', async () => {
    const r = await readsOf(() => q.list({ per_page: 3 }));
    expect(r).toContain('activities:due_ms');
    expect(r).not.toContain('activities:created_at');
  });
});
