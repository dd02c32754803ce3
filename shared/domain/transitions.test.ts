import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTIVITY_STATUSES, type Action, type ActivityStatus } from './enums.ts';
import { ActionNotAllowedError, DomainError } from './errors.ts';
import { ACTION_TABLE, assertAction, availableActions, canPerform, NOTES_FIELDS, permission, type Permission } from './transitions.ts';

/**
 * docs/crm-contract.md "Statuses and actions", written out cell by cell (plus recreate, which only a
 * cancelled activity offers). This is the expectation, kept apart from ACTION_TABLE on purpose.
 */
const EXPECTED: Record<ActivityStatus, Record<Action, Permission>> = {
  pending: { update: 'yes', complete: 'yes', cancel: 'yes', reschedule: 'yes', delete: 'yes', recreate: 'no' },
  in_progress: { update: 'yes', complete: 'yes', cancel: 'yes', reschedule: 'no', delete: 'yes', recreate: 'no' },
  completed: { update: 'notes_only', complete: 'no', cancel: 'no', reschedule: 'no', delete: 'yes', recreate: 'no' },
  cancelled: { update: 'no', complete: 'no', cancel: 'no', reschedule: 'no', delete: 'yes', recreate: 'yes' },
  deferred: { update: 'yes', complete: 'no', cancel: 'yes', reschedule: 'yes', delete: 'yes', recreate: 'no' },
  waiting: { update: 'no', complete: 'yes', cancel: 'yes', reschedule: 'yes', delete: 'yes', recreate: 'no' },
};

const CELLS = ACTIVITY_STATUSES.flatMap((status) =>
  ACTIONS.map((action) => ({ status, action, expected: EXPECTED[status][action] })),
);

describe('ACTION_TABLE', () => {
  it('has a row for every status and a cell for every action', () => {
    expect(Object.keys(ACTION_TABLE).sort()).toEqual([...ACTIVITY_STATUSES].sort());
    for (const status of ACTIVITY_STATUSES) expect(Object.keys(ACTION_TABLE[status]).sort()).toEqual([...ACTIONS].sort());
  });

  it('has 36 cells (6 statuses × 6 actions)', () => {
    expect(CELLS).toHaveLength(36);
  });

  it.each(CELLS)('$status × $action = $expected', ({ status, action, expected }) => {
    expect(permission(status, action)).toBe(expected);
    expect(canPerform(status, action)).toBe(expected !== 'no');
    expect(availableActions(status).includes(action)).toBe(expected !== 'no');
  });
});

describe('assertAction', () => {
  it.each(CELLS.filter((c) => c.expected === 'yes'))('$status allows $action', ({ status, action }) => {
    expect(() => assertAction(status, action, ['subject', 'due_at'])).not.toThrow();
  });

  it.each(CELLS.filter((c) => c.expected === 'no'))('$status refuses $action with a typed error', ({ status, action }) => {
    let caught: unknown;
    try {
      assertAction(status, action);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ActionNotAllowedError);
    expect(caught).toBeInstanceOf(DomainError);
    const err = caught as ActionNotAllowedError;
    expect(err.code).toBe('action_not_allowed');
    expect(err.action).toBe(action);
    expect(err.status).toBe(status);
    // Readable: names the status in words, not as an identifier.
    expect(err.message).toContain(status.replace('_', ' '));
    expect(err.message).not.toContain('_');
  });

  describe('completed: notes only', () => {
    it.each(NOTES_FIELDS.map((f) => [f]))('accepts a change to %s', (field) => {
      expect(() => assertAction('completed', 'update', [field])).not.toThrow();
    });

    it('accepts all notes fields together', () => {
      expect(() => assertAction('completed', 'update', [...NOTES_FIELDS])).not.toThrow();
    });

    it.each([['subject'], ['due_at'], ['status'], ['priority'], ['duration_minutes'], ['reminder_at']])(
      'refuses a change to %s and names it',
      (field) => {
        expect(() => assertAction('completed', 'update', ['outcome', field])).toThrow(ActionNotAllowedError);
        expect(() => assertAction('completed', 'update', ['outcome', field])).toThrow(new RegExp(`change ${field}`));
      },
    );

    it('notes fields are exactly description, outcome and tags', () => {
      expect([...NOTES_FIELDS].sort()).toEqual(['description', 'outcome', 'tags']);
    });
  });
});
