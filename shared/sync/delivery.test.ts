import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { claimed, onFailure, readiness, reclaimable } from './delivery.ts';
import type { Delivery } from './types.ts';

const op = (over: Partial<Delivery> = {}): Delivery => ({ attempts: 0, next_attempt_at: 0, last_error: null, state: 'queued', ...over });
const ctx = { now: () => 1_000, random: () => 0, backoff: { baseMs: 100, maxMs: 10_000, factor: 2 }, maxAttempts: 3 };

describe('delivery', () => {
  it('readiness: stopped for the rep or a live lease, held, backing off, else ready', () => {
    expect(readiness(op({ state: 'failed' }), 1_000).kind).toBe('stopped');
    expect(readiness(op({ state: 'blocked' }), 1_000).kind).toBe('stopped');
    expect(readiness(op({ state: 'inflight', lease_until: 1_000 }), 1_000).kind).toBe('stopped');
    expect(readiness(op({ state: 'inflight', lease_until: 999 }), 1_000).kind).toBe('ready');
    // A hold counts before a backoff: the undo window is the rep's, the backoff the server's.
    expect(readiness(op({ hold_until: 2_000, next_attempt_at: 3_000 }), 1_000)).toEqual({ kind: 'held', until: 2_000 });
    expect(readiness(op({ hold_until: 1_000, next_attempt_at: 3_000 }), 1_000)).toEqual({ kind: 'backoff', until: 3_000 });
    expect(readiness(op({ hold_until: 1_000 }), 1_000).kind).toBe('ready');
  });

  it('a claim leases the op and counts the attempt; claiming a lapsed lease marks it maybe-sent', () => {
    expect(claimed(op(), 1_000, 500)).toMatchObject({ state: 'inflight', lease_until: 1_500, attempts: 1, maybe_sent: false });
    const lapsed = op({ state: 'inflight', lease_until: 900, attempts: 1 });
    expect(reclaimable(lapsed, 1_000)).toBe(true);
    expect(claimed(lapsed, 1_000, 500)).toMatchObject({ attempts: 2, maybe_sent: true });
  });

  it('onFailure: 401 parks without counting, transient backs off until attempts run out, 409 on a resent key waits with idempotency', () => {
    const sent = op({ state: 'inflight', lease_until: 5_000, attempts: 2 });
    const auth = onFailure(sent, new ApiError(401, 'auth', 'Sign in'), ctx, false);
    expect(auth).toMatchObject({ kind: 'auth', next: { state: 'queued', attempts: 1, last_status: 401 } });
    expect(auth.kind === 'auth' && 'lease_until' in auth.next).toBe(false);
    const retry = onFailure(sent, new ApiError(502, 'transient', 'Bad gateway', {}, 3_000, true), ctx, false);
    expect(retry).toMatchObject({ kind: 'retry', next: { state: 'queued', maybe_sent: true, last_status: 502 } });
    expect(retry.kind === 'retry' && retry.next.next_attempt_at).toBeGreaterThanOrEqual(4_000);
    expect(onFailure({ ...sent, attempts: 3 }, new ApiError(503, 'transient', 'Busy'), ctx, false)).toEqual({
      kind: 'give_up', message: 'Gave up after 3 attempts: Busy', maybe_sent: false,
    });
    const replay = op({ maybe_sent: true, attempts: 1 });
    expect(onFailure(replay, new ApiError(409, 'conflict', 'In progress'), ctx, true).kind).toBe('retry');
    expect(onFailure(replay, new ApiError(409, 'conflict', 'Not allowed'), ctx, false).kind).toBe('answered');
    expect(onFailure(sent, new ApiError(422, 'rejected', 'Invalid'), ctx, true).kind).toBe('answered');
  });
});
