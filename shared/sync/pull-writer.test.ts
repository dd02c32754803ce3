import { describe, expect, it } from 'vitest';
import { createWriter } from './pull-writer.ts';

/** A write that finishes when the test says so. */
function gatedWrites() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = (rows: number[]) => new Promise<void>((resolve) => { batches.push(rows); gates.push(resolve); });
  const openNext = async () => {
    // Let the writer reach its next write (microtasks only, no timers).
    for (let i = 0; i < 5 && gates.length === 0; i++) await Promise.resolve();
    gates.shift()?.();
  };
  return { batches, write, openNext, pending: () => gates.length };
}

describe('pull writer', () => {
  it('stores what queued during a write in the next single write, in order, and flush waits for all of it', async () => {
    const g = gatedWrites();
    const w = createWriter(g.write);
    await w.add([1, 2]);
    await Promise.resolve();
    expect(g.batches).toEqual([[1, 2]]);
    // Three pages arrive while the first write is still open: no write starts for them yet.
    await w.add([3]);
    await w.add([4, 5]);
    await w.add([6]);
    expect(g.batches).toEqual([[1, 2]]);
    let flushed = false;
    const flushing = w.flush().then(() => { flushed = true; });
    await g.openNext();
    await g.openNext();
    await flushing;
    expect(g.batches).toEqual([[1, 2], [3, 4, 5, 6]]);
    expect(flushed).toBe(true);
  });

  it('a failed write fails flush and every later add; what was still queued is not written', async () => {
    const written: number[][] = [];
    let calls = 0;
    const w = createWriter(async (rows: number[]) => {
      calls++;
      await Promise.resolve();
      if (calls === 1) throw new Error('disk full');
      written.push(rows);
    });
    await w.add([1]);
    await w.add([2]);
    await expect(w.flush()).rejects.toThrow('disk full');
    await expect(w.add([3])).rejects.toThrow('disk full');
    expect(written).toEqual([]);
    expect(calls).toBe(1);
  });

  it('holds back the page handlers once too many rows wait (bounded memory)', async () => {
    const g = gatedWrites();
    const w = createWriter(g.write);
    await w.add(Array.from({ length: 10 }, (_, i) => i));
    let added = false;
    const big = w.add(Array.from({ length: 3_500 }, (_, i) => i)).then(() => { added = true; });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(added).toBe(false);
    // The open write, then the queued rows in batches of at most 1 000.
    while (!added) await g.openNext();
    await big;
    const flushing = w.flush();
    while (g.pending() > 0 || g.batches.length < 5) await g.openNext();
    await flushing;
    expect(g.batches.map((b) => b.length)).toEqual([10, 1000, 1000, 1000, 500]);
  });
});

describe('pull writer overlap', () => {
  it('lets a held handler go once the queue is under the limit again, while the writer still writes', async () => {
    const g = gatedWrites();
    const w = createWriter(g.write);
    await w.add(Array.from({ length: 10 }, (_, i) => i));
    let added = false;
    const big = w.add(Array.from({ length: 3_500 }, (_, i) => i)).then(() => { added = true; });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(added).toBe(false);
    // The first write ends; the next takes 1 000 of the 3 500: 2 500 wait, under the limit.
    await g.openNext();
    await big;
    expect(added).toBe(true);
    expect(g.batches.map((b) => b.length)).toEqual([10, 1000]);
    expect(g.pending()).toBe(1);
    // The handler can queue its next page now, while that write is still open.
    await w.add([1, 2, 3]);
    const flushing = w.flush();
    while (g.pending() > 0 || g.batches.length < 5) await g.openNext();
    await flushing;
    expect(g.batches.map((b) => b.length)).toEqual([10, 1000, 1000, 1000, 503]);
  });

  it('a handler held when a write fails hears the failure', async () => {
    const gates: ((e?: Error) => void)[] = [];
    const w = createWriter((_rows: number[]) => new Promise<void>((resolve, reject) => { gates.push((e) => (e ? reject(e) : resolve())); }));
    await w.add([1]);
    const held = w.add(Array.from({ length: 3_500 }, (_, i) => i));
    for (let i = 0; i < 5 && gates.length === 0; i++) await Promise.resolve();
    gates.shift()?.(new Error('quota'));
    await expect(held).rejects.toThrow('quota');
    await expect(w.flush()).rejects.toThrow('quota');
  });
});
