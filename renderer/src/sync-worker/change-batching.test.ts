/**
 * Change-notice batching in the worker: the first write after a quiet spell is announced at once,
 * a burst becomes one merged notice per window, nothing held is lost (flush), and only Dexie's
 * channel is touched; Dexie's range sets merge into their union. (That the UI's live queries see
 * the worker's writes through the batched channel is shown in Chromium: test/e2e/sync-worker.)
 */
import { mergeRanges, RangeSet } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { createChangeBatcher, DEXIE_CHANGE_CHANNEL, installChangeBatching, type BatcherTimers, type ChangedParts } from './change-batching.ts';

/** Timers the test advances by hand. */
function manualTimers() {
  let now = 0;
  const due: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  const timers: BatcherTimers = {
    setTimeout(fn, ms) { const id = ++seq; due.push({ at: now + ms, fn, id }); return id; },
    clearTimeout(h) { const i = due.findIndex((d) => d.id === h); if (i >= 0) due.splice(i, 1); },
  };
  return {
    timers,
    /** The clock: at a timer's due time while it runs. */
    time: () => now,
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        due.sort((a, b) => a.at - b.at);
        const next = due[0];
        if (!next || next.at > end) break;
        due.shift();
        now = next.at;
        next.fn();
      }
      now = end;
    },
  };
}

/** Merge for plain test parts: a sorted, de-duplicated list of keys per part. */
const mergeLists = (into: ChangedParts | null, parts: ChangedParts): ChangedParts => {
  const acc: ChangedParts = { ...into };
  for (const [k, v] of Object.entries(parts)) acc[k] = [...new Set([...((acc[k] as number[] | undefined) ?? []), ...(v as number[])])].sort();
  return acc;
};

describe('change batcher', () => {
  it('sends the first change at once, then one merged notice per window while changes keep coming', () => {
    const sent: ChangedParts[] = [];
    const t = manualTimers();
    const b = createChangeBatcher((p) => sent.push(p), 500, 500, t.timers);
    b.setMerge(mergeLists);
    b.post({ a: [1] });
    expect(sent).toEqual([{ a: [1] }]);
    b.post({ a: [2] });
    b.post({ a: [3], b: [9] });
    expect(sent).toHaveLength(1);
    t.advance(500);
    expect(sent).toEqual([{ a: [1] }, { a: [2, 3], b: [9] }]);
    b.post({ a: [4] });
    t.advance(500);
    expect(sent.at(-1)).toEqual({ a: [4] });
    // A quiet window ends the burst: the next change goes out immediately again.
    t.advance(500);
    b.post({ c: [1] });
    expect(sent.at(-1)).toEqual({ c: [1] });
    expect(b.stats()).toEqual({ sent: 4, merged: 1 });
  });

  it('the window doubles while the burst goes on, up to the cap, and starts small again after a quiet one', () => {
    const sent: { at: number; parts: ChangedParts }[] = [];
    const t = manualTimers();
    const b = createChangeBatcher((p) => sent.push({ at: t.time(), parts: p }), 250, 1_000, t.timers);
    b.setMerge(mergeLists);
    const step = (ms: number) => t.advance(ms);
    // A write every 50 ms for 4 s.
    for (let i = 0; i < 80; i++) { b.post({ a: [i] }); step(50); }
    expect(sent.map((s) => s.at)).toEqual([0, 250, 750, 1750, 2750, 3750]);
    step(1_000);
    expect(sent.at(-1)?.at).toBe(4_750);
    step(1_000);
    b.post({ a: [100] });
    b.post({ a: [101] });
    step(250);
    // Quiet since 4 750: the next write goes out at once, the one after it within the first 250 ms.
    expect(sent.slice(-2).map((s) => s.at)).toEqual([6_000, 6_250]);
  });

  it('flush sends what is held; without a merge (Dexie not loaded yet) nothing is held', () => {
    const sent: ChangedParts[] = [];
    const t = manualTimers();
    const b = createChangeBatcher((p) => sent.push(p), 500, 500, t.timers);
    b.post({ a: [1] });
    b.post({ a: [2] });
    expect(sent).toEqual([{ a: [1] }, { a: [2] }]);
    b.setMerge(mergeLists);
    b.post({ a: [3] });
    b.post({ a: [4] });
    b.flush();
    expect(sent).toEqual([{ a: [1] }, { a: [2] }, { a: [3] }, { a: [4] }]);
    b.flush();
    expect(sent).toHaveLength(4);
  });
});

describe('installChangeBatching', () => {
  const opened: { close(): void }[] = [];
  afterEach(() => { for (const c of opened.splice(0)) c.close(); });

  it('batches only Dexie\'s channel', () => {
    const posted: { name: string; m: unknown }[] = [];
    class FakeChannel {
      constructor(readonly name: string) {}
      postMessage(m: unknown) { posted.push({ name: this.name, m }); }
    }
    const scope: { BroadcastChannel?: new (name: string) => { postMessage(m: unknown): void } } = { BroadcastChannel: FakeChannel };
    const batcher = installChangeBatching(10_000, 10_000, scope);
    batcher?.setMerge(mergeLists);
    const Ctor = scope.BroadcastChannel;
    if (!Ctor) throw new Error('no channel');
    const dexie = new Ctor(DEXIE_CHANGE_CHANNEL);
    const other = new Ctor('app-events');
    dexie.postMessage({ a: [1] });
    dexie.postMessage({ a: [2] });
    other.postMessage({ hello: 1 });
    other.postMessage({ hello: 2 });
    expect(posted).toEqual([
      { name: DEXIE_CHANGE_CHANNEL, m: { a: [1] } },
      { name: 'app-events', m: { hello: 1 } },
      { name: 'app-events', m: { hello: 2 } },
    ]);
    batcher?.flush();
    expect(posted.at(-1)).toEqual({ name: DEXIE_CHANGE_CHANNEL, m: { a: [2] } });
  });

  it('merges Dexie range sets into one set per key, leaving the originals alone', () => {
    const sent: ChangedParts[] = [];
    const t = manualTimers();
    const b = createChangeBatcher((p) => sent.push(p), 500, 500, t.timers);
    b.setMerge((into, parts) => {
      const acc = into ?? {};
      for (const [k, r] of Object.entries(parts)) {
        const u = (acc[k] as RangeSet | undefined) ?? new RangeSet();
        mergeRanges(u, r as RangeSet);
        acc[k] = u;
      }
      return acc;
    });
    const key = 'idb://db/activities/';
    b.post({ [key]: new RangeSet('a0') });
    const second = new RangeSet('b1');
    b.post({ [key]: second });
    b.post({ [key]: new RangeSet('c2', 'c9') });
    t.advance(500);
    const union = sent[1]?.[key] as RangeSet;
    // The union covers both writes and nothing between them.
    const covers = (from: string, to = from) => rangeCovers(union, from, to);
    expect([covers('b1'), covers('c2', 'c9'), covers('c5'), covers('b5'), covers('a0')]).toEqual([true, true, true, false, false]);
    expect(rangeCovers(second, 'c2', 'c2')).toBe(false);
  });
});

/** Whether an interval tree (Dexie's RangeSet shape) holds [from, to] inside one of its ranges. */
function rangeCovers(tree: unknown, from: string, to: string): boolean {
  if (!tree || typeof tree !== 'object') return false;
  const t = tree as { from?: unknown; to?: unknown; l?: unknown; r?: unknown };
  if (typeof t.from === 'string' && typeof t.to === 'string' && t.from <= from && to <= t.to) return true;
  return rangeCovers(t.l, from, to) || rangeCovers(t.r, from, to);
}
