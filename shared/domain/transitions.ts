/**
 * The guide's "Actions Available" table, made exact by CONTRACT-NOTES:
 *
 * | status      | update     | complete | cancel | reschedule        | delete | recreate |
 * |-------------|------------|----------|--------|-------------------|--------|----------|
 * | pending     | yes        | yes      | yes    | yes               | yes    | no       |
 * | in_progress | yes        | yes      | yes    | no                | yes    | no       |
 * | completed   | notes only | no       | no     | no                | yes    | no       |
 * | cancelled   | no         | no       | no     | no                | yes    | yes      |
 * | deferred    | yes        | no       | yes    | yes (→ pending)   | yes    | no       |
 * | waiting     | no         | yes      | yes    | yes (→ pending)   | yes    | no       |
 */
import type { Action, ActivityStatus } from './enums.ts';
import { ActionNotAllowedError } from './errors.ts';

export type Permission = 'yes' | 'no' | 'notes_only';

export const ACTION_TABLE: Record<ActivityStatus, Record<Action, Permission>> = {
  pending: { update: 'yes', complete: 'yes', cancel: 'yes', reschedule: 'yes', delete: 'yes', recreate: 'no' },
  in_progress: { update: 'yes', complete: 'yes', cancel: 'yes', reschedule: 'no', delete: 'yes', recreate: 'no' },
  completed: { update: 'notes_only', complete: 'no', cancel: 'no', reschedule: 'no', delete: 'yes', recreate: 'no' },
  cancelled: { update: 'no', complete: 'no', cancel: 'no', reschedule: 'no', delete: 'yes', recreate: 'yes' },
  deferred: { update: 'yes', complete: 'no', cancel: 'yes', reschedule: 'yes', delete: 'yes', recreate: 'no' },
  waiting: { update: 'no', complete: 'yes', cancel: 'yes', reschedule: 'yes', delete: 'yes', recreate: 'no' },
};

/** Fields a completed activity still accepts ("Update notes"). */
export const NOTES_FIELDS = ['description', 'outcome', 'tags'] as const;

export function permission(status: ActivityStatus, action: Action): Permission {
  return ACTION_TABLE[status][action];
}

/** Whether `action` is allowed at all in `status` (notes-only counts as allowed). */
export function canPerform(status: ActivityStatus, action: Action): boolean {
  return ACTION_TABLE[status][action] !== 'no';
}

/** The actions a status offers, for menus and buttons. */
export function availableActions(status: ActivityStatus): Action[] {
  return (Object.keys(ACTION_TABLE[status]) as Action[]).filter((a) => canPerform(status, a));
}

/**
 * Throws ActionNotAllowedError unless `action` may be applied. For updates, `fields` are the
 * keys being changed: a completed activity accepts only notes.
 */
export function assertAction(status: ActivityStatus, action: Action, fields: readonly string[] = []): void {
  const p = ACTION_TABLE[status][action];
  if (p === 'yes') return;
  if (p === 'notes_only') {
    const blocked = fields.filter((f) => !(NOTES_FIELDS as readonly string[]).includes(f));
    if (blocked.length === 0) return;
    throw new ActionNotAllowedError(action, status, `A completed activity only takes notes (description, outcome, tags); can't change ${blocked.join(', ')}.`);
  }
  throw new ActionNotAllowedError(action, status);
}
