/**
 * Values the guide does not list, in the local queries (issue 18: 2): a type this version does not
 * know is found under Other, a priority it does not know sorts just above medium on every query
 * path (index walk, search walk, in-memory sort), and a status it does not know is never overdue.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity, ListQueryInput } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import { listActivities, totalActivities } from './list.ts';
import { forgetKnownMatches } from './search-cache.ts';
import { overdueCount, overdueQueue } from './views.ts';
import { toLocalRow } from '../rows.ts';
import { freshDb, serverActivity } from '../store.testing.ts';

const NOW = Date.parse('2025-12-10T12:00:00Z');
const raw = <T extends string>(v: string) => v as T;

/** Every row has the word "pricing", so a search reaches all of them. u01 is deleted locally. */
const DATA: [string, Partial<Activity>][] = [
  ['u01', { type: raw('sms'), priority: raw('blocker'), subject: 'Pricing text deleted' }],
  ['u02', { type: 'call', priority: 'high', subject: 'Pricing call' }],
  ['u03', { type: raw('sms'), priority: raw('blocker'), subject: 'Pricing text' }],
  ['u04', { type: 'other', priority: 'medium', subject: 'Pricing other' }],
  ['u05', { type: raw('whatsapp'), priority: raw('p0'), subject: 'Pricing chat' }],
  ['u06', { type: 'email', priority: 'low', subject: 'Pricing email' }],
  ['u07', { type: 'meeting', priority: 'critical', subject: 'Pricing meeting' }],
  ['u08', { type: 'task', priority: raw('blocker'), subject: 'Pricing task' }],
  ['u09', { type: 'call', priority: 'medium', subject: 'Pricing call two' }],
  ['u10', { type: 'call', priority: 'urgent', status: raw('on_hold'), due_at: '2025-12-01T10:00:00Z', subject: 'Pricing on hold' }],
  ['u11', { type: 'call', priority: 'urgent', status: 'pending', due_at: '2025-12-01T10:00:00Z', subject: 'Pricing overdue' }],
];

/** Ascending by priority: low, medium, then the unknown ones (by raw value, then lid), high, urgent, critical. */
const ASC = ['u06', 'u04', 'u09', 'u03', 'u08', 'u05', 'u02', 'u10', 'u11', 'u07'];

let db: FieldbookDB;
beforeAll(async () => {
  db = freshDb('queries-unknown');
  await db.activities.bulkPut(DATA.map(([lid, f]) => {
    const a = serverActivity({ id: `srv-${lid}`, status: 'pending', due_at: '2025-12-20T10:00:00Z', assigned_user_id: 'u-1', ...f });
    return toLocalRow(a, { lid, base: a, sync: 'synced', deleted: lid === 'u01' ? 1 : 0 });
  }));
});
afterAll(async () => {
  await db.delete();
});

async function lids(query: ListQueryInput): Promise<string[]> {
  forgetKnownMatches(db);
  return (await listActivities(db, { per_page: 100, ...query }, NOW)).items.map((r) => r.lid);
}

describe('the type filter', () => {
  it('Other finds the other-typed row and every type this version does not know, on the index and the search path', async () => {
    expect((await lids({ type: 'other' })).sort()).toEqual(['u03', 'u04', 'u05']);
    expect((await lids({ type: 'other', search: 'pricing' })).sort()).toEqual(['u03', 'u04', 'u05']);
    expect((await lids({ type: 'other', assigned_user_id: 'u-1' })).sort()).toEqual(['u03', 'u04', 'u05']);
    expect(await totalActivities(db, { type: 'other' }, NOW)).toBe(3);
  });

  it('a known type finds only itself', async () => {
    expect((await lids({ type: 'call' })).sort()).toEqual(['u02', 'u09', 'u10', 'u11']);
  });
});

describe('sorting by priority with values this version does not know', () => {
  it.each([
    ['the priority index (no filter)', {}],
    ['the search walk', { search: 'pricing' }],
    ['a filtered, in-memory sort', { assigned_user_id: 'u-1' }],
  ] as const)('%s: unknown ones just above medium, none lost, same order both ways', async (_name, extra) => {
    expect(await lids({ ...extra, sort_by: 'priority', sort_direction: 'asc' })).toEqual(ASC);
    expect(await lids({ ...extra, sort_by: 'priority', sort_direction: 'desc' })).toEqual([...ASC].reverse());
  });

  it('pages through them without a gap or a repeat', async () => {
    const pages: string[] = [];
    for (let page = 1; page <= 4; page++) {
      pages.push(...(await listActivities(db, { sort_by: 'priority', per_page: 3, page }, NOW)).items.map((r) => r.lid));
    }
    expect(pages).toEqual(ASC);
  });
});

describe('a status this version does not know', () => {
  it('is never overdue, and the overdue filter and queue leave it out; the list still shows it', async () => {
    expect(await lids({ status: 'overdue' })).toEqual(['u11']);
    expect((await overdueQueue(db, NOW)).map((r) => r.lid)).toEqual(['u11']);
    expect(await overdueCount(db, NOW)).toBe(1);
    const all = (await listActivities(db, { per_page: 100 }, NOW)).items;
    expect(all.find((r) => r.lid === 'u10')).toMatchObject({ status: 'on_hold', is_overdue: false });
  });
});
