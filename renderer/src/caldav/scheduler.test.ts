import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEBOUNCE_MS, POLL_MS, startCalendarScheduler, type CrmStatusLike } from './scheduler.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function rig() {
  let finish: (() => void) | null = null;
  const runs: number[] = [];
  const sync = vi.fn(() => {
    runs.push(Date.now());
    return new Promise<void>((r) => (finish = r));
  });
  let crmListener: ((s: CrmStatusLike) => void) | null = null;
  let wake: (() => void) | null = null;
  const s = startCalendarScheduler({
    sync,
    crm: { subscribe: (l) => { crmListener = l; return () => (crmListener = null); } },
    wake: (l) => { wake = l; return () => (wake = null); },
  });
  return {
    s, sync,
    crm: (st: CrmStatusLike) => crmListener?.(st),
    wake: () => wake?.(),
    finish: async () => { finish?.(); finish = null; await vi.advanceTimersByTimeAsync(0); },
    unsubscribed: () => crmListener === null && wake === null,
  };
}

describe('calendar sync scheduler', () => {
  it('runs once at start, once per burst of CRM changes, again after a run when asked during it, and polls when idle', async () => {
    const r = rig();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(r.sync).toHaveBeenCalledTimes(1);
    // During the run: a CRM sync ended and a local change came; one run after it, not two.
    r.crm({ lastSyncedAt: 1, pending: 0 });
    r.crm({ lastSyncedAt: 1, pending: 1 });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(r.sync).toHaveBeenCalledTimes(1);
    await r.finish();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(r.sync).toHaveBeenCalledTimes(2);
    await r.finish();
    // The same status again is no news.
    r.crm({ lastSyncedAt: 1, pending: 1 });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(r.sync).toHaveBeenCalledTimes(2);
    // Idle: the slow poll.
    await vi.advanceTimersByTimeAsync(POLL_MS + DEBOUNCE_MS);
    expect(r.sync).toHaveBeenCalledTimes(3);
    await r.finish();
    r.wake();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(r.sync).toHaveBeenCalledTimes(4);
    await r.finish();
    r.s.stop();
    expect(r.unsubscribed()).toBe(true);
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(r.sync).toHaveBeenCalledTimes(4);
  });

  it('a failing sync does not stop the schedule', async () => {
    const sync = vi.fn(() => Promise.reject(new Error('server down')));
    const s = startCalendarScheduler({ sync });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    await vi.advanceTimersByTimeAsync(POLL_MS + DEBOUNCE_MS);
    expect(sync).toHaveBeenCalledTimes(2);
    s.stop();
  });
});
