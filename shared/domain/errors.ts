import type { Action, ActivityStatusValue } from './enums.ts';
import type { FieldErrors } from './schemas.ts';

/** A rule of the domain was broken. `code` says which; the message is for the rep. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: 'validation' | 'action_not_allowed' | 'not_found',
    message: string,
    readonly errors: FieldErrors = {},
  ) {
    super(message);
  }
}

export class ActionNotAllowedError extends DomainError {
  constructor(readonly action: Action, readonly status: ActivityStatusValue, detail?: string) {
    super('action_not_allowed', detail ?? `You can't ${ACTION_VERBS[action]} an activity that is ${status.replace('_', ' ')}.`);
  }
}

export class ValidationError extends DomainError {
  constructor(errors: FieldErrors, message = 'Please check the highlighted fields.') {
    super('validation', message, errors);
  }
}

const ACTION_VERBS: Record<Action, string> = {
  update: 'edit', complete: 'complete', cancel: 'cancel', reschedule: 'reschedule', delete: 'delete', recreate: 'recreate',
};
