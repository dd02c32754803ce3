/**
 * One queued change applied to an activity: the domain rule of an outbox op's kind with its
 * payload. The one place the sync engine turns an op into its effect on a record: the commands'
 * counterpart when the rep acts, the replay of queued ops over a server snapshot (a discard),
 * what a write's answer is merged over, and the record after a bulk action (whose answer has none).
 */
import type { CancelActivityInput, RescheduleActivityInput } from './schemas.ts';
import { applyCancel, applyComplete, applyReschedule, applyUpdate } from './rules.ts';
import type { Activity } from './activity.ts';

/** The op kinds that change an existing record's fields (create makes one, delete removes it). */
export type ChangeKind = 'update' | 'complete' | 'cancel' | 'reschedule';

export function isChangeKind(kind: string): kind is ChangeKind {
  return kind === 'update' || kind === 'complete' || kind === 'cancel' || kind === 'reschedule';
}

/**
 * `a` after the change, stamped `at`. A cancel gives the cancelled record: the copy a
 * cancel-with-reschedule makes is a record of its own (rescheduledCopy). Throws what the rule
 * throws (DomainError, ValidationError) when the record's status does not allow the change.
 */
export function applyOp(a: Activity, kind: ChangeKind, payload: Record<string, unknown>, at: string): Activity {
  switch (kind) {
    case 'update': return applyUpdate(a, payload, at);
    case 'complete': return applyComplete(a, payload, at);
    case 'reschedule': return applyReschedule(a, payload as RescheduleActivityInput, at);
    case 'cancel': return applyCancel(a, { ...(payload as CancelActivityInput), reschedule: false }, at).cancelled;
  }
}
