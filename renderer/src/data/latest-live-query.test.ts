import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDb, seedSynced } from '#shared/sync/store.testing';
import type { FieldbookDB } from '#shared/sync/index';
import { LatestLiveQuery, type Answer } from './latest-live-query.ts';

/** A query per key whose answer the test releases by hand. */
function controlled() {
  const calls: { key: string; signal: AbortSignal; release: (v: string) => void }[] = [];
  const run = (key: string, signal: AbortSignal) => new Promise<string>((resolve) => {
    calls.push({ key, signal, release: resolve });
  });
  return { calls, run };
}

/** Resolves with the next answer the query shows. */
function nextAnswer<K, T>(q: LatestLiveQuery<K, T>): Promise<Answer<K, T>> {
  return new Promise((resolve) => {
    const off = q.subscribe(() => {
      off();
      const a = q.current();
      if (a) resolve(a);
    });
  });
}

/** Waits, a task at a time, until `cond` holds (the live query starts its querier asynchronously). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(cond()).toBe(true);
}

describe('LatestLiveQuery', () => {
  let db: FieldbookDB | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });

  it('keys typed while a query works on its first answer wait; then only the newest runs', async () => {
    const { calls, run } = controlled();
    const q = new LatestLiveQuery(run);
    q.request('pr');
    await until(() => calls.length === 1);
    q.request('pri');
    q.request('pric');
    // Nothing was aborted or started: 'pr' still runs alone.
    expect(calls.map((c) => c.key)).toEqual(['pr']);
    expect(calls[0]?.signal.aborted).toBe(false);
    const shown = nextAnswer(q);
    calls[0]?.release('rows for pr');
    expect(await shown).toEqual({ key: 'pr', value: 'rows for pr' });
    // 'pri' was typed past before it could start: it never runs.
    await until(() => calls.length === 2);
    expect(calls.map((c) => c.key)).toEqual(['pr', 'pric']);
    const last = nextAnswer(q);
    calls[1]?.release('rows for pric');
    expect(await last).toEqual({ key: 'pric', value: 'rows for pric' });
    q.close();
  });

  it('once the input has its answer, a new input starts at once', async () => {
    const { calls, run } = controlled();
    const q = new LatestLiveQuery(run);
    q.request('a');
    await until(() => calls.length === 1);
    const first = nextAnswer(q);
    calls[0]?.release('A');
    await first;
    q.request('ab');
    await until(() => calls.length === 2);
    expect(calls[1]?.key).toBe('ab');
    // The answered subscription is gone: its signal stops any re-run it had going.
    expect(calls[0]?.signal.aborted).toBe(true);
    // Asking again for the running input does not restart it.
    q.request('ab');
    expect(calls).toHaveLength(2);
    q.close();
    expect(calls[1]?.signal.aborted).toBe(true);
  });

  it('an answer arriving after close is not shown', async () => {
    const { calls, run } = controlled();
    const q = new LatestLiveQuery(run);
    let notified = 0;
    q.subscribe(() => notified++);
    q.request('x');
    await until(() => calls.length === 1);
    q.close();
    calls[0]?.release('late');
    await new Promise((r) => setTimeout(r, 0));
    expect(notified).toBe(0);
    expect(q.current()).toBeUndefined();
  });

  it('stays live: a store change re-runs the shown input and shows the new answer', async () => {
    db = freshDb('latest-live');
    const store = db;
    await seedSynced(store, 'l1', { subject: 'Pricing call' });
    const q = new LatestLiveQuery(async (word: string) => (await store.activities.toArray()).filter((a) => a.subject.toLowerCase().includes(word)).map((a) => a.lid));
    const first = nextAnswer(q);
    q.request('pricing');
    expect(await first).toEqual({ key: 'pricing', value: ['l1'] });
    const second = nextAnswer(q);
    await seedSynced(store, 'l2', { subject: 'Pricing review' });
    expect(await second).toEqual({ key: 'pricing', value: ['l1', 'l2'] });
    q.close();
  });

  it('a failing query is logged and does not block the next input', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => { errors.push(args); };
    try {
      const calls: string[] = [];
      let failNext = true;
      const q = new LatestLiveQuery((key: string) => {
        calls.push(key);
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('boom'));
        }
        return Promise.resolve(key.toUpperCase());
      });
      q.request('a');
      q.request('ab');
      const shown = nextAnswer(q);
      expect(await shown).toEqual({ key: 'ab', value: 'AB' });
      expect(calls).toEqual(['a', 'ab']);
      expect(errors).toHaveLength(1);
      q.close();
    } finally {
      console.error = original;
    }
  });
});
