/**
 * Delivery: the rules every queued write follows on its way to the CRM, whichever outbox it is in
 * (the activity push, push.ts; the entity push, entity-push.ts). Both keep the same bookkeeping
 * (`Delivery` in types.ts) and read it only through these functions:
 *
 * - readiness: may the op go now (failed/blocked wait for the rep, a live lease for its sender, a
 *   hold for its undo window, a backoff for its time)?
 * - claim: in the transaction that picks it, the op turns 'inflight' with a lease and one more
 *   attempt, so a sender that dies leaves evidence; claiming an op whose lease ran out marks it
 *   maybe-sent (its request may have reached the server).
 * - reclaim: at the start of a run, ops a dead sender left inflight go back to the queue, maybe-sent.
 * - onFailure: what an error means for the op's delivery: 401 parks it (the attempt does not
 *   count, the run stops), a transient error or a still-processing key (409 on a resent key with
 *   server idempotency) backs it off until its attempts run out, anything else is the server's
 *   answer about this op, which the caller's own rules handle.
 */
import type { EntityTable } from 'dexie';
import type { ApiError } from '../api/client.ts';
import { backoffDelay } from './backoff.ts';
import type { SyncContext } from './context.ts';
import type { Delivery } from './types.ts';

/** The op waits out its undo window (`hold_until`) and is not sent yet. */
export function isHeld(op: Pick<Delivery, 'hold_until'>, now: number): boolean {
  return op.hold_until !== undefined && op.hold_until > now;
}

/** The earlier of two optional times (null = none). */
export function earlier(a: number | null, b: number | null | undefined): number | null {
  if (b === null || b === undefined) return a;
  return a === null ? b : Math.min(a, b);
}

/** An inflight op whose sender's lease ran out (the sender died or hangs): it may be claimed again. */
export function reclaimable(op: Pick<Delivery, 'state' | 'lease_until'>, now: number): boolean {
  return op.state === 'inflight' && (op.lease_until ?? 0) < now;
}

export type Readiness =
  /** Failed or blocked (waits for the rep), or inflight under a live lease (its sender has it). */
  | { kind: 'stopped' }
  /** In its undo window until `until`. */
  | { kind: 'held'; until: number }
  /** Backing off until `until`. */
  | { kind: 'backoff'; until: number }
  | { kind: 'ready' };

/** Whether the op (the head of its record's queue) may be sent at `now`. */
export function readiness(op: Delivery, now: number): Readiness {
  if (op.state === 'failed' || op.state === 'blocked') return { kind: 'stopped' };
  if (op.state === 'inflight' && !reclaimable(op, now)) return { kind: 'stopped' };
  if (op.hold_until !== undefined && isHeld(op, now)) return { kind: 'held', until: op.hold_until };
  if (op.next_attempt_at > now) return { kind: 'backoff', until: op.next_attempt_at };
  return { kind: 'ready' };
}

/** May a claim take this op now (queued, or inflight with its lease run out)? */
export function claimable(op: Delivery, now: number): boolean {
  return op.state === 'queued' || reclaimable(op, now);
}

/** The op as its sender claims it: inflight with a lease, one more attempt, maybe-sent when it was inflight. */
export function claimed<T extends Delivery>(op: T, now: number, leaseMs: number): T {
  return { ...op, state: 'inflight', lease_until: now + leaseMs, attempts: op.attempts + 1, maybe_sent: op.maybe_sent || op.state === 'inflight' };
}

/** The op without its lease (stored once its sender is done with it). */
export function withoutLease<T extends Delivery>(op: T): T {
  const { lease_until: _lease, ...rest } = op;
  return rest as T;
}

/** After a restart: ops a dead sender left inflight go back to the queue, flagged maybe-sent (all of them when this sender is alone). */
export async function reclaimInflight<T extends Delivery & { seq?: number }>(table: EntityTable<T, 'seq'>, exclusive: boolean, now: number): Promise<void> {
  await table.db.transaction('rw', table, async () => {
    for (const op of await table.where('state').equals('inflight').toArray()) {
      if (!exclusive && (op.lease_until ?? 0) >= now) continue;
      await table.put({ ...withoutLease(op), state: 'queued', maybe_sent: true });
    }
  });
}

export type FailureVerdict<T> =
  /** 401: queued again without counting the attempt; the run stops and the rep signs in. */
  | { kind: 'auth'; next: T }
  /** Transient: queued again for its backoff time. */
  | { kind: 'retry'; next: T }
  /** Transient, but out of attempts: fail it with this message (kept for the rep). */
  | { kind: 'give_up'; message: string; maybe_sent: boolean }
  /** The server answered about this op (refused, not found, conflict…): the caller's rules decide. */
  | { kind: 'answered' };

/** What `e` means for the delivery of `op` (see the header); `idempotent` = the server honours Idempotency-Key. */
export function onFailure<T extends Delivery>(
  op: T, e: ApiError, ctx: Pick<SyncContext, 'now' | 'random' | 'backoff' | 'maxAttempts'>, idempotent: boolean,
): FailureVerdict<T> {
  const maybeSent = op.maybe_sent === true || e.maybeApplied;
  if (e.kind === 'auth') {
    return { kind: 'auth', next: { ...withoutLease(op), state: 'queued', attempts: Math.max(0, op.attempts - 1), last_error: e.message, last_status: e.status, maybe_sent: maybeSent } };
  }
  // With server idempotency, a 409 on a resent key means "the first request is still being
  // processed": wait and resend the same key rather than calling it a status clash.
  const replayPending = e.kind === 'conflict' && op.maybe_sent === true && idempotent;
  if (e.kind !== 'transient' && !replayPending) return { kind: 'answered' };
  if (op.attempts >= ctx.maxAttempts) return { kind: 'give_up', message: `Gave up after ${op.attempts} attempts: ${e.message}`, maybe_sent: maybeSent };
  return {
    kind: 'retry',
    next: {
      ...withoutLease(op), state: 'queued', next_attempt_at: ctx.now() + backoffDelay(op.attempts, ctx.random, e.retryAfterMs, ctx.backoff),
      last_error: e.message, last_status: e.status, maybe_sent: maybeSent,
    },
  };
}

/** The server's refusal as the rep reads it: its message, and the field errors it gave. */
export function refusalMessage(e: ApiError): string {
  const details = Object.entries(e.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; ');
  return details ? `${e.message} (${details})` : e.message;
}
