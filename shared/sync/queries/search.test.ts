/**
 * Search over a store big enough that common words match more rows than SEARCH_ROWS_CAP: the
 * page then comes from key-only index reads plus the page's rows. Every answer is checked against
 * a plain filter-and-sort of all rows, for every sort, direction, page and filter mix.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVITY_STATUSES, ACTIVITY_TYPES, PRIORITIES, listQuerySchema, type ListQueryInput,
} from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import { compareActivities, searchWords } from './criteria.ts';
import { listActivities, totalActivities } from './list.ts';
import { forgetKnownMatches, watchStoreWrites } from './search-cache.ts';
import { overdueQueue } from './views.ts';
import { toLocalRow } from '../rows.ts';
import { freshDb, recordReads, serverActivity, type ReadLog } from '../store.testing.ts';
import type { LocalActivity } from '../types.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const N = 6000;
const VOCAB = ['call', 'calendar', 'pricing', 'proposal', 'review', 'renewal', 'demo', 'contract', 'visit', 'quote', 'zebra'];

let db: FieldbookDB;
let rows: LocalActivity[];
/** What the store was asked: index queries (with or without row values), rows fetched by key, counts, cursor steps. */
let log: ReadLog;

beforeAll(async () => {
  // As the app does on opening its store: a rep's next key may be answered from memory.
  watchStoreWrites();
  db = freshDb('queries-search');
  log = recordReads(db);
  let seed = 7;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  // Few distinct due and created values: many ties, so the lid tie-break is exercised.
  rows = Array.from({ length: N }, (_, i) => {
    const a = serverActivity({
      id: `s${i}`,
      type: pick(ACTIVITY_TYPES), status: pick(ACTIVITY_STATUSES), priority: pick(PRIORITIES),
      assigned_user_id: pick(['u-1', 'u-2', 'u-3']),
      // "zebra" only in the first ~1%: a rare word.
      subject: `${pick(VOCAB.slice(0, 10))} ${pick(VOCAB.slice(0, 10))}${i % 97 === 0 ? ' zebra' : ''}`,
      description: rnd() < 0.3 ? `${pick(VOCAB.slice(0, 10))} notes` : null,
      due_at: rnd() < 0.12 ? null : new Date(NOW + Math.floor((rnd() - 0.6) * 40) * 86_400_000).toISOString(),
      created_at: new Date(NOW - Math.floor(rnd() * 60) * 3_600_000).toISOString(),
    });
    // lids not in creation or due order.
    const lid = `L${String((i * 7919) % 10007).padStart(5, '0')}`;
    return toLocalRow(a, { lid, base: a, sync: 'synced', deleted: i % 41 === 0 ? 1 : 0 });
  });
  await db.activities.bulkPut(rows);
});
afterAll(async () => {
  await db.delete();
});

/** The answer by brute force: filter every row in memory, sort with the guide's comparator. */
function reference(input: ListQueryInput, upcomingFrom?: number): { lids: string[]; total: number } {
  const q = listQuerySchema.parse(input);
  const words = searchWords(q.search ?? '');
  const from = q.due_date_from ? Date.parse(`${q.due_date_from}T00:00:00Z`) : -Infinity;
  const to = q.due_date_to ? Date.parse(`${q.due_date_to}T00:00:00Z`) + 86_400_000 : Infinity;
  const hits = rows.filter((r) => r.deleted === 0
    && words.every((w) => r.words.some((x) => x.startsWith(w)))
    && (!q.type || r.type === q.type)
    && (!q.priority || r.priority === q.priority)
    && (!q.assigned_user_id || r.assigned_user_id === q.assigned_user_id)
    && (!q.status || (q.status === 'overdue' ? r.open === 1 && r.due_ms !== undefined && r.due_ms < NOW : r.status === q.status))
    && (from === -Infinity && to === Infinity ? true : r.due_ms !== undefined && r.due_ms >= from && r.due_ms < to));
  hits.sort(compareActivities(q.sort_by ?? 'due_at', q.sort_direction ?? 'asc', upcomingFrom));
  const perPage = q.per_page ?? 25;
  const start = ((q.page ?? 1) - 1) * perPage;
  return { lids: hits.slice(start, start + perPage).map((r) => r.lid), total: hits.length };
}

async function check(query: ListQueryInput): Promise<void> {
  const got = await listActivities(db, query, NOW);
  const want = reference(query);
  expect({ lids: got.items.map((r) => r.lid), total: got.meta.total }, JSON.stringify(query)).toEqual(want);
}

describe('upcoming first (the Activities list default) over many matches', () => {
  // Rows are due from 24 days before NOW to 16 after: both sides of the split are long.
  const UP = NOW - 86_400_000;
  it.each([
    {}, { assigned_user_id: 'u-1' }, { search: 'ca' }, { search: 'ca', assigned_user_id: 'u-1' }, { search: 'zebra' },
    { search: 'pr re' }, { assigned_user_id: 'u-2', due_date_from: '2026-03-05', due_date_to: '2026-03-20' },
  ] as ListQueryInput[])('%o: every page as the reference orders it, typed or settled', async (query) => {
    const total = reference(query, UP).total;
    const last = Math.max(1, Math.ceil(total / 100));
    for (const page of new Set([1, 2, Math.ceil(last / 2), last, last + 1])) {
      const q = { ...query, per_page: 100, page };
      const want = reference(q, UP);
      forgetKnownMatches(db);
      const exact = await listActivities(db, q, NOW, { upcomingFrom: UP });
      expect({ lids: exact.items.map((r) => r.lid), total: exact.meta.total }, JSON.stringify(q)).toEqual(want);
      forgetKnownMatches(db);
      const typed = await listActivities(db, q, NOW, { upcomingFrom: UP, lazyTotal: true });
      expect(typed.items.map((r) => r.lid), `typed ${JSON.stringify(q)}`).toEqual(want.lids);
    }
  });
});

describe('search over many matches', () => {
  it('the fixture has common words past the key cap and a rare one under the row cap', () => {
    expect(reference({ search: 'ca' }).total).toBeGreaterThan(2000);
    expect(reference({ search: 'pr' }).total).toBeGreaterThan(2000);
    expect(reference({ search: 'zebra' }).total).toBeLessThan(100);
    expect(reference({ search: 'zebra' }).total).toBeGreaterThan(10);
  });

  it.each(['ca', 'call', 'pr', 'pricing pro', 're demo', 'zebra', 'zebra ca', 'nothing'])('"%s": every sort, direction and page', async (search) => {
    for (const sort_by of ['due_at', 'created_at', 'priority'] as const) {
      for (const sort_direction of ['asc', 'desc'] as const) {
        const total = reference({ search }).total;
        const last = Math.max(1, Math.ceil(total / 100));
        for (const page of new Set([1, 2, last, last + 1])) await check({ search, sort_by, sort_direction, per_page: 100, page });
        await check({ search, sort_by, sort_direction });
      }
    }
  });

  it.each([
    { search: 'ca', status: 'pending' },
    { search: 'ca', status: 'overdue' },
    { search: 'pr', type: 'call', sort_by: 'priority', sort_direction: 'desc' },
    { search: 're', assigned_user_id: 'u-2', due_date_from: '2026-03-01', due_date_to: '2026-03-31', page: 2, per_page: 10 },
    { search: 'ca', priority: 'high', sort_by: 'created_at' },
  ] as ListQueryInput[])('with filters: %o', async (query) => {
    await check(query);
  });

  it('a common word reads only the page of rows, never every match', async () => {
    const dead = rows.filter((r) => r.deleted === 1).length;
    for (const sort_by of ['due_at', 'created_at', 'priority'] as const) {
      log.queries.length = 0;
      log.rowsByKey = 0;
      const page = await listActivities(db, { search: 'ca', sort_by, per_page: 25 }, NOW);
      expect(page.items).toHaveLength(25);
      expect(page.meta.total).toBeGreaterThan(2000);
      // Index reads are key-only; the rows read are the page's plus the few deleted ones.
      expect(log.queries.filter((x) => x.values), sort_by).toEqual([]);
      expect(log.rowsByKey).toBeLessThanOrEqual(25 + dead);
    }
  });

  it.each(['ca', 'pr', 're demo', 'ca re', 'zebra', 'zebra ca', 'nothing'])('"%s" as the rep types (lazyTotal): same pages; total exact or a lower bound', async (search) => {
    for (const sort_by of ['due_at', 'created_at', 'priority'] as const) {
      for (const sort_direction of ['asc', 'desc'] as const) {
        const total = reference({ search }).total;
        const last = Math.max(1, Math.ceil(total / 100));
        for (const page of new Set([1, 2, last])) {
          const query = { search, sort_by, sort_direction, per_page: 100, page };
          const got = await listActivities(db, query, NOW, { lazyTotal: true });
          const want = reference(query);
          expect(got.items.map((r) => r.lid), JSON.stringify(query)).toEqual(want.lids);
          if (got.meta.total_pending) {
            // At least one more match exists past this page.
            expect(got.meta.total).toBe(page * 100 + 1);
            expect(want.total).toBeGreaterThanOrEqual(got.meta.total);
            expect(got.meta.last_page).toBe(page + 1);
          } else {
            expect(got.meta.total).toBe(want.total);
          }
        }
      }
    }
    // The exact total (a key walk) does not depend on the sort.
    expect(await totalActivities(db, { search }, NOW)).toBe(reference({ search }).total);
  });

  it.each([
    { search: 'ca', status: 'pending' },
    { search: 'pr', type: 'call', sort_by: 'priority', sort_direction: 'desc' },
    { search: 'zebra', assigned_user_id: 'u-2' },
    { search: 're', assigned_user_id: 'u-2', due_date_from: '2026-03-01', due_date_to: '2026-03-31', page: 2, per_page: 10 },
    {},
    { sort_by: 'priority', sort_direction: 'desc', per_page: 50 },
    { sort_by: 'created_at' },
    { due_date_from: '2026-03-01', due_date_to: '2026-03-31' },
  ] as ListQueryInput[])('as the rep types (lazyTotal) with filters %o: the same page; total exact or a lower bound', async (query) => {
    const got = await listActivities(db, query, NOW, { lazyTotal: true });
    const want = reference(query);
    expect(got.items.map((r) => r.lid)).toEqual(want.lids);
    if (got.meta.total_pending) expect(want.total).toBeGreaterThanOrEqual(got.meta.total);
    else expect(got.meta.total).toBe(want.total);
    expect(await totalActivities(db, query, NOW)).toBe(want.total);
  });

  it('as the rep types nothing is counted: a first page says "more" with one extra row', async () => {
    for (const query of [{}, { sort_by: 'priority' }, { sort_by: 'created_at', sort_direction: 'desc' }, { search: 'ca' }, { search: 'zebra' }] as ListQueryInput[]) {
      log.counts = 0;
      const got = await listActivities(db, { ...query, per_page: 25 }, NOW, { lazyTotal: true });
      expect(got.items.map((r) => r.lid), JSON.stringify(query)).toEqual(reference({ ...query, per_page: 25 }).lids);
      expect(log.counts, JSON.stringify(query)).toBe(0);
    }
    // Without lazyTotal (the guide's meta), the plain list is counted.
    log.counts = 0;
    expect((await listActivities(db, { per_page: 25 }, NOW)).meta.total).toBe(reference({}).total);
    expect(log.counts).toBeGreaterThan(0);
  });

  it('as the rep types, a rare word is a bounded read of its keys and then only its rows', async () => {
    const zebraRows = rows.filter((r) => r.words.some((w) => w.startsWith('zebra'))).length;
    forgetKnownMatches(db);
    log.queries.length = 0;
    log.rowsByKey = 0;
    const got = await listActivities(db, { search: 'zebra ca', per_page: 25 }, NOW, { lazyTotal: true });
    expect(got.items.map((r) => r.lid)).toEqual(reference({ search: 'zebra ca', per_page: 25 }).lids);
    // Rare: the total is exact from its rows.
    expect(got.meta.total_pending).toBeUndefined();
    expect(got.meta.total).toBe(reference({ search: 'zebra ca' }).total);
    // A short walk in due order first, then zebra's keys (the longer word is tried first): ca's never.
    expect(log.queries.filter((x) => x.index === 'words')).toEqual([{ index: 'words', values: false }]);
    expect(log.rowsByKey).toBe(zebraRows);
  });

  it('as the rep types, the word the short walk found fewest of is probed first, whatever its length', async () => {
    const zebraRows = rows.filter((r) => r.words.some((w) => w.startsWith('zebra'))).length;
    const calendarRows = rows.filter((r) => r.words.some((w) => w.startsWith('calendar'))).length;
    // "calendar" is the longer word, and under the key cap too: tried first by length, its rows would be read.
    expect(calendarRows).toBeGreaterThan(10 * zebraRows);
    forgetKnownMatches(db);
    log.queries.length = 0;
    log.rowsByKey = 0;
    const got = await listActivities(db, { search: 'calendar zebra', per_page: 25 }, NOW, { lazyTotal: true });
    expect(got.items.map((r) => r.lid)).toEqual(reference({ search: 'calendar zebra', per_page: 25 }).lids);
    expect(log.queries.filter((x) => x.index === 'words')).toEqual([{ index: 'words', values: false }]);
    expect(log.rowsByKey).toBe(zebraRows);
  });

  it('the next key of a rare search is answered from memory: every sort and page, nothing read but two watch rows', async () => {
    forgetKnownMatches(db);
    await listActivities(db, { search: 'zebra', per_page: 25 }, NOW, { lazyTotal: true });
    for (const query of [
      { search: 'zebra c' }, { search: 'zebra ca', sort_by: 'priority', sort_direction: 'desc' },
      { search: 'zebra cal', per_page: 5, page: 2 }, { search: 'zebra call', sort_by: 'created_at' },
    ] as ListQueryInput[]) {
      log.queries.length = 0;
      log.rowsByKey = 0;
      const got = await listActivities(db, query, NOW, { lazyTotal: true });
      const want = reference(query);
      expect({ lids: got.items.map((r) => r.lid), total: got.meta.total }, JSON.stringify(query)).toEqual(want);
      // One key of each word's range and one row: what a live query needs to watch.
      expect(log.queries.filter((x) => x.index === 'words' && !x.values).length).toBe(searchWords(query.search ?? '').length);
      expect(log.queries.filter((x) => x.values)).toEqual([{ index: '', values: true }]);
      expect(log.rowsByKey).toBe(0);
    }
    // A wider search, or other filters, is not answered from memory.
    log.rowsByKey = 0;
    const wider = await listActivities(db, { search: 'zebra', assigned_user_id: 'u-1' }, NOW, { lazyTotal: true });
    expect(wider.items.map((r) => r.lid)).toEqual(reference({ search: 'zebra', assigned_user_id: 'u-1' }).lids);
    expect(log.rowsByKey).toBeGreaterThan(0);
  });

  it('the next key of a common search is answered from the walk it made, while enough of its matches still match', async () => {
    forgetKnownMatches(db);
    for (const sort of [{}, { sort_by: 'priority', sort_direction: 'desc' }, { sort_by: 'created_at' }] as ListQueryInput[]) {
      const first = await listActivities(db, { search: 'ca', ...sort }, NOW, { lazyTotal: true });
      expect(first.meta.total_pending).toBe(true);
      // "ca" matches "call" and "calendar": every first match of "cal" in this order is among its walk's rows.
      for (const search of ['cal', 'cal pr']) {
        log.queries.length = 0;
        log.rowsByKey = 0;
        const query = { search, ...sort };
        const got = await listActivities(db, query, NOW, { lazyTotal: true });
        expect(got.items.map((r) => r.lid), `${search} ${JSON.stringify(sort)}`).toEqual(reference(query).lids);
        if (search === 'cal') {
          // Nothing read but the page's rows by key (read again: the memory may be stale in a live
          // query's optimistic re-run) and one key of each order and word range and one row (what a live query watches).
          expect(log.rowsByKey).toBeLessThanOrEqual(26);
          expect(log.queries.filter((x) => x.values)).toEqual([{ index: '', values: true }]);
          expect(got.meta.total_pending).toBe(true);
        }
      }
    }
    // Another order, or other filters, is not answered from the walk.
    await listActivities(db, { search: 'ca' }, NOW, { lazyTotal: true });
    for (const query of [{ search: 'cal', sort_direction: 'desc' }, { search: 'cal', assigned_user_id: 'u-1' }] as ListQueryInput[]) {
      log.queries.length = 0;
      const got = await listActivities(db, query, NOW, { lazyTotal: true });
      expect(got.items.map((r) => r.lid)).toEqual(reference(query).lids);
      // Rows are read from an order index again.
      expect(log.queries.some((x) => x.values && x.index !== ''), JSON.stringify(query)).toBe(true);
    }
  });

  it('as the rep types, a common word costs a page of rows: no read of its keys, no exact total', async () => {
    log.queries.length = 0;
    log.rowsByKey = 0;
    const page = await listActivities(db, { search: 'ca', per_page: 25 }, NOW, { lazyTotal: true });
    expect(page.items.map((r) => r.lid)).toEqual(reference({ search: 'ca', per_page: 25 }).lids);
    expect(page.meta.total_pending).toBe(true);
    expect(log.queries.map((x) => x.index)).toEqual(['due_ms']);
    expect(log.rowsByKey).toBe(0);
    // Without lazyTotal the total is exact (the guide's meta), whatever it costs.
    expect((await listActivities(db, { search: 'ca', per_page: 25 }, NOW)).meta.total).toBe(reference({ search: 'ca' }).total);
  });

  it('as the rep types, common words are walked for an early page and read as keys for a deep one', async () => {
    for (const [page, walked] of [[1, true], [12, false]] as const) {
      log.queries.length = 0;
      const query = { search: 'ca re', per_page: 25, page };
      const got = await listActivities(db, query, NOW, { lazyTotal: true });
      expect(got.items.map((r) => r.lid)).toEqual(reference(query).lids);
      // Walking reads rows in due order; deep down, finding 300 matches that way costs more than
      // both words' keys, which also give the exact total.
      expect(log.queries.some((x) => x.index === 'words'), `page ${page}`).toBe(!walked);
      if (!walked) expect(got.meta).toMatchObject({ total: reference(query).total, current_page: page });
      expect(got.meta.total_pending === true).toBe(walked);
    }
  });

  it('the exact total of a common search stops walking keys as soon as the rep types on', async () => {
    expect(await totalActivities(db, { search: 'ca re' }, NOW)).toBe(reference({ search: 'ca re' }).total);
    expect(await totalActivities(db, { search: 'ca', status: 'pending' }, NOW)).toBe(reference({ search: 'ca', status: 'pending' }).total);
    log.steps = 0;
    await totalActivities(db, { search: 'ca' }, NOW);
    const fullWalk = log.steps;
    expect(fullWalk).toBeGreaterThan(2000);
    // Aborted once its key walk has begun: it stops at the next key, not at the end of the range.
    const late = new AbortController();
    log.onCursor = () => late.abort(new Error('typed on'));
    log.steps = 0;
    try {
      await expect(totalActivities(db, { search: 'ca' }, NOW, late.signal)).rejects.toThrow('typed on');
    } finally {
      delete log.onCursor;
    }
    expect(log.steps).toBeLessThan(5);
  });

  it('the plain list\'s exact total reads keys a chunk at a time (no native count) and stops between chunks', async () => {
    log.counts = 0;
    log.queries.length = 0;
    expect(await totalActivities(db, {}, NOW)).toBe(reference({}).total);
    expect(log.counts).toBe(0);
    // N rows in chunks of 2500 keys (plus the deleted-rows read).
    const chunks = log.queries.filter((x) => x.index === '').length;
    expect(chunks).toBe(Math.floor(N / 2500) + 1);
    const late = new AbortController();
    log.queries.length = 0;
    log.onQuery = () => { if (log.queries.length >= 2) late.abort(new Error('typed on')); };
    try {
      await expect(totalActivities(db, {}, NOW, late.signal)).rejects.toThrow('typed on');
    } finally {
      delete log.onQuery;
    }
    expect(log.queries.filter((x) => x.index === '').length).toBeLessThan(chunks);
  });

  it('a search the rep typed past stops between its reads, before reading any row', async () => {
    forgetKnownMatches(db);
    const gone = new AbortController();
    gone.abort(new Error('typed past'));
    log.queries.length = 0;
    await expect(listActivities(db, { search: 'ca' }, NOW, { signal: gone.signal })).rejects.toThrow('typed past');
    expect(log.queries).toEqual([]);
    // Aborted while its first index read runs: no further read, no row read.
    const late = new AbortController();
    log.queries.length = 0;
    log.rowsByKey = 0;
    log.onQuery = () => late.abort(new Error('typed past'));
    try {
      await expect(listActivities(db, { search: 'ca re' }, NOW, { signal: late.signal })).rejects.toThrow('typed past');
    } finally {
      delete log.onQuery;
    }
    expect(log.queries).toHaveLength(1);
    expect(log.rowsByKey).toBe(0);
  });

  it('few matches are read as rows and sorted, without walking a sort index', async () => {
    log.queries.length = 0;
    await check({ search: 'zebra', sort_by: 'created_at', sort_direction: 'desc' });
    expect(log.queries.map((x) => x.index)).toEqual(['words']);
  });
});

describe('overdue queue for one rep', () => {
  it("is the rep's open rows due before now, oldest first, and reads only those rows", async () => {
    const deadOverdue = rows.filter((r) => r.open === 1 && r.due_ms !== undefined && r.due_ms < NOW && r.assigned_user_id === 'u-2' && r.deleted === 1);
    expect(deadOverdue.length).toBeGreaterThan(0);
    const due = rows.filter((r) => r.open === 1 && r.due_ms !== undefined && r.due_ms < NOW && r.assigned_user_id === 'u-2');
    const want = due.filter((r) => r.deleted === 0).sort(compareActivities('due_at', 'asc')).map((r) => r.lid);
    expect(want.length).toBeGreaterThan(100);
    log.queries.length = 0;
    log.rowsByKey = 0;
    const got = await overdueQueue(db, NOW, { assigned_user_id: 'u-2' });
    expect(got.map((r) => r.lid)).toEqual(want);
    expect(got.every((r) => r.is_overdue)).toBe(true);
    // One read of exactly the rep's open rows due before now (and their local deletes).
    expect(log.queries).toEqual([{ index: '[assigned_user_id+open+due_ms]', values: true }]);
    expect(log.rowsByKey).toBe(0);
    expect((await overdueQueue(db, NOW, { assigned_user_id: 'u-2', limit: 5 })).map((r) => r.lid)).toEqual(want.slice(0, 5));
  });
});

describe('searchWords', () => {
  it('counts a word from its second letter beside longer ones, as the whole search counts from its second character', () => {
    expect(searchWords('renewal h')).toEqual(['renewal']);
    expect(searchWords('renewal ha')).toEqual(['renewal', 'ha']);
    expect(searchWords('h renewal')).toEqual(['renewal']);
    // Only one-letter words: they are all there is to look for.
    expect(searchWords('a b')).toEqual(['a', 'b']);
    // A prefix of another query word adds nothing (queryWords).
    expect(searchWords('demo demonstration')).toEqual(['demonstration']);
  });

  it('finds "renewal h" as "renewal" until the next letter narrows it', async () => {
    const h = await listActivities(db, { search: 'zebra c', per_page: 100 }, NOW);
    const zebra = await listActivities(db, { search: 'zebra', per_page: 100 }, NOW);
    expect(h.items.map((r) => r.lid)).toEqual(zebra.items.map((r) => r.lid));
    expect(h.meta.total).toBe(zebra.meta.total);
  });
});
