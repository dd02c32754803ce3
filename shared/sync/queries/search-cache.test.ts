/**
 * The search engine's memory of the last search (search-cache.ts): nothing is installed on
 * import; once watchStoreWrites() runs, a narrower search is answered without reading rows, and
 * any write makes the memory unusable.
 */
import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { describe, expect, it } from 'vitest';
import { freshDb, recordReads, seedSynced } from '../store.testing.ts';
import { listActivities } from './list.ts';
import { watchStoreWrites } from './search-cache.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('a search answered from memory', () => {
  it('is used only once writes are watched: before that, every search reads the store', async () => {
    const store = freshDb('queries-cache-watch');
    const log = recordReads(store);
    try {
      await seedSynced(store, 'a1', { subject: 'Hartmann renewal' });
      await seedSynced(store, 'a2', { subject: 'Hartmann pricing' });
      // Settled (no lazyTotal): a rare search's every match is read, and then remembered.
      const lids = async (search: string) => (await listActivities(store, { search }, NOW)).items.map((r) => r.lid);
      // Importing the queries installed nothing: the narrower search reads rows again.
      expect(await lids('hart')).toEqual(['a1', 'a2']);
      log.rowsByKey = 0;
      log.queries.length = 0;
      expect(await lids('hart ren')).toEqual(['a1']);
      // Rows are read again (by key, or from an index with their values).
      expect(log.rowsByKey + log.queries.filter((x) => x.values && x.index !== '').length).toBeGreaterThan(0);

      watchStoreWrites();
      watchStoreWrites(); // a second call changes nothing
      expect(await lids('hart')).toEqual(['a1', 'a2']);
      log.rowsReturned = 0;
      log.rowsByKey = 0;
      log.queries.length = 0;
      expect(await lids('hart ren')).toEqual(['a1']);
      // From memory: only the one-row reads a live query watches (each word's range, the matches' keys).
      expect(log.rowsByKey).toBe(0);
      expect(log.queries.filter((x) => x.index === 'words')).toEqual([{ index: 'words', values: false }, { index: 'words', values: false }]);
      expect(log.queries.filter((x) => x.values)).toEqual([{ index: '', values: true }]);
    } finally {
      await store.delete();
    }
  });

  it('is not used once the store changed, and stays live in a live query', async () => {
    watchStoreWrites();
    const store = freshDb('queries-search-memory');
    try {
      await seedSynced(store, 'a1', { subject: 'Hartmann renewal' });
      await seedSynced(store, 'a2', { subject: 'Hartmann pricing' });
      const lids = async (search: string) => (await listActivities(store, { search }, NOW, { lazyTotal: true })).items.map((r) => r.lid);
      expect(await lids('hart')).toEqual(['a1', 'a2']);
      // A new match after the wider search: a narrower one must see it.
      await seedSynced(store, 'a3', { subject: 'Hartmann renewal call' });
      expect(await lids('hart ren')).toEqual(['a1', 'a3']);

      // Live: the narrower search is answered from memory, and an edit to a match still re-runs it.
      const seen: string[][] = [];
      let next: (() => void) | undefined;
      const sub = liveQuery(() => lids('hart renewal')).subscribe((v) => { seen.push(v); next?.(); });
      const answer = () => new Promise<void>((resolve) => { next = resolve; });
      await answer();
      expect(seen.at(-1)).toEqual(['a1', 'a3']);
      const again = answer();
      await store.activities.update('a3', { deleted: 1 });
      await again;
      expect(seen.at(-1)).toEqual(['a1']);
      sub.unsubscribe();
    } finally {
      await store.delete();
    }
  });

  it('is not used by a live query re-run by the write itself: a new match shows (Dexie tells the newest listener first)', async () => {
    watchStoreWrites();
    const store = freshDb('queries-search-memory-order');
    try {
      await seedSynced(store, 'a1', { subject: 'Quarterly planning' });
      const search = () => listActivities(store, { search: 'zebra' }, NOW, { lazyTotal: true }).then((p) => p.items.map((r) => r.lid));
      const seen: string[][] = [];
      let next: (() => void) | undefined;
      const answer = () => new Promise<void>((resolve) => { next = resolve; });
      // Subscribed after watchStoreWrites, as a view is: its listener runs before the memory's counter.
      const first = answer();
      const sub = liveQuery(search).subscribe((v) => { seen.push(v); next?.(); });
      await first;
      expect(seen.at(-1)).toEqual([]);
      // A match arrives (a pull, another window): the live query must show it, not the remembered empty answer.
      const shown = answer();
      await seedSynced(store, 'a2', { subject: 'Zebra crossing survey' });
      await shown;
      expect(seen.at(-1)).toEqual(['a2']);
      const again = answer();
      await seedSynced(store, 'a3', { subject: 'Zebra follow-up' });
      await again;
      expect(seen.at(-1)?.sort()).toEqual(['a2', 'a3']);
      sub.unsubscribe();
    } finally {
      await store.delete();
    }
  });
});
