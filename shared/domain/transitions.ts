/**
 * The guide's "Actions Available" table, made exact by the contract notes
 * (docs/crm-contract.md "Statuses and actions"):
 *
 * | status      | update     | complete | cancel | reschedule        | delete | recreate |
 * |-------------|------------|----------|--------|-------------------|--------|----------|
 * | pending     | yes        | yes      | yes    | yes               | yes    | no       |
 * | in_progress | yes        | yes      | yes    | no                | yes    | no       |
 * | completed   | notes only | no       | no     | no                | yes    | no       |
 * | cancelled   | no         | no       | no     | no                | yes    | yes      |
 * | deferred    | yes        | no       | yes    | yes (→ pending)   | yes    | no       |
 * | waiting     | no         | yes      | yes    | yes (→ pending)   | yes    | no       |
 *
 * A status the guide does not list (a newer CRM's, e.g. `on_hold`) offers only what is safe in
 * every status: view and delete. Anything else would guess at rules this version does not know.
 */
import { isKnownStatus, unknownValueText, type Action, type ActivityStatus, type ActivityStatusValue } from './enums.ts';
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

/** What a status this version does not know allows: delete (allowed in every known status) and nothing else. */
export const UNKNOWN_STATUS_ACTIONS: Record<Action, Permission> = {
  update: 'no', complete: 'no', cancel: 'no', reschedule: 'no', delete: 'yes', recreate: 'no',
};

function rowOf(status: ActivityStatusValue): Record<Action, Permission> {
  return isKnownStatus(status) ? ACTION_TABLE[status] : UNKNOWN_STATUS_ACTIONS;
}

export function permission(status: ActivityStatusValue, action: Action): Permission {
  return rowOf(status)[action];
}

/** Whether `action` is allowed at all in `status` (notes-only counts as allowed). */
export function canPerform(status: ActivityStatusValue, action: Action): boolean {
  return rowOf(status)[action] !== 'no';
}

/** The actions a status offers, for menus and buttons. */
export function availableActions(status: ActivityStatusValue): Action[] {
  return (Object.keys(rowOf(status)) as Action[]).filter((a) => canPerform(status, a));
}

/** Why an unknown status refuses an action, in the rep's words. */
export function unknownStatusReason(status: string): string {
  return `${unknownValueText(status)} is a status this version of Fieldbook does not know; change it in the CRM.`;
}

/**
 * Why `action` is refused in `status`, for a disabled button's explanation; null when allowed.
 * (A completed activity's notes-only edit counts as allowed.)
 */
export function refusalReason(status: ActivityStatusValue, action: Action): string | null {
  if (canPerform(status, action)) return null;
  return new ActionNotAllowedError(action, status, isKnownStatus(status) ? undefined : unknownStatusReason(status)).message;
}

/**
 * Throws ActionNotAllowedError unless `action` may be applied. For updates, `fields` are the
 * keys being changed: a completed activity accepts only notes.
 */
export function assertAction(status: ActivityStatusValue, action: Action, fields: readonly string[] = []): void {
  const p = permission(status, action);
  if (p === 'yes') return;
  if (p === 'notes_only') {
    const blocked = fields.filter((f) => !(NOTES_FIELDS as readonly string[]).includes(f));
    if (blocked.length === 0) return;
    throw new ActionNotAllowedError(action, status, `A completed activity only takes notes (description, outcome, tags); can't change ${blocked.join(', ')}.`);
  }
  throw new ActionNotAllowedError(action, status, isKnownStatus(status) ? undefined : unknownStatusReason(status));
}
