/**
 * Delivery rules shared by the activity push (push.ts) and the entity push (entity-push.ts):
 * the bookkeeping of `Delivery` (types.ts) that says whether a queued write may go now.
 */
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
