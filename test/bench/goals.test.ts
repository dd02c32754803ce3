import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goal, mergeRuns, readLastRun, regressions, writeLastRun } from './goals.ts';

describe('bench goals', () => {
  it('judges a figure against its bound in its own direction', () => {
    expect(goal('pull.ratio', 1.2, { atMost: 1.5 }, 'ratio').ok).toBe(true);
    expect(goal('pull.ratio', 1.6, { atMost: 1.5 }, 'ratio').ok).toBe(false);
    expect(goal('firstSync.rowsPerSecond', 4999, { atLeast: 5000 }, 'rows/s').ok).toBe(false);
    expect(goal('firstSync.rowsPerSecond', undefined, { atLeast: 5000 }, 'rows/s')).toMatchObject({ value: null, ok: false });
  });

  it('flags figures more than 20% worse than last time, lower-is-better and higher-is-better alike', () => {
    const at = '2026-01-01T00:00:00Z';
    const before = [
      { ...goal('a.ms', 100, { atMost: 200 }, 'ms'), at },
      { ...goal('b.rows', 5000, { atLeast: 4000 }, 'rows/s'), at },
      { ...goal('c.ms', 100, { atMost: 200 }, 'ms'), at },
      { ...goal('d.count', 0, { atMost: 10 }, 'n'), at },
    ];
    const now = [
      goal('a.ms', 121, { atMost: 200 }, 'ms'),
      goal('b.rows', 3900, { atLeast: 4000 }, 'rows/s'),
      goal('c.ms', 119, { atMost: 200 }, 'ms'),
      goal('d.count', 3, { atMost: 10 }, 'n'),
      goal('new.ms', 5, { atMost: 10 }, 'ms'),
    ];
    expect(regressions(before, now).map((r) => [r.name, r.worseBy])).toEqual([['a.ms', 0.21], ['b.rows', 0.22], ['d.count', 0.3]]);
  });

  it('keeps the figures a partial run did not measure and replaces the ones it did', async () => {
    const dir = await mkdtemp(resolve(tmpdir(), 'bench-goals-'));
    try {
      const path = resolve(dir, 'nested/last.json');
      expect((await readLastRun(path)).goals).toEqual([]);
      const first = mergeRuns([], [goal('a', 1, { atMost: 2 }, 'ms'), goal('b', 1, { atMost: 2 }, 'ms')], 't1');
      await writeLastRun({ goals: first }, path);
      const second = mergeRuns((await readLastRun(path)).goals, [goal('b', 1.5, { atMost: 2 }, 'ms'), goal('a', null, { atMost: 2 }, 'ms')], 't2');
      expect(second.map((g) => [g.name, g.value, g.at])).toEqual([['a', 1, 't1'], ['b', 1.5, 't2']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
