import { describe, expect, it } from 'vitest';
import type { Activity } from './activity.ts';
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, OPEN_STATUSES, PRIORITIES, type ActivityStatus } from './enums.ts';
import { ActionNotAllowedError, ValidationError } from './errors.ts';
import {
  applyCancel, applyComplete, applyCreate, applyReschedule, applyUpdate, isOpen, isOverdue, recreateInput,
  rescheduledCopy, type CreateContext,
} from './rules.ts';
import { createActivitySchema, type CreateActivityInput } from './schemas.ts';
import { instantMs } from './time.ts';
import { ACTION_TABLE } from './transitions.ts';

const NOW = '2025-12-19T10:00:00Z';
const LATER = '2025-12-19T11:00:00Z';
const me = { id: 'usr_me', name: 'Rita Rep' };
const ctx: CreateContext = { id: 'act_1', now: NOW, currentUser: me };

const input: CreateActivityInput = {
  type: 'call',
  subject: 'Follow-up Call - Proposal Discussion',
  activityable_type: 'opportunity',
  activityable_id: 'opp_1',
  contact_id: 'con_1',
  description: 'Walk through pricing',
  due_at: '2025-12-20T14:00:00Z',
  duration_minutes: 30,
  priority: 'high',
  location: 'Phone',
  reminder_at: '2025-12-20T13:45:00Z',
  tags: ['pricing', 'proposal'],
  custom_fields: { call_purpose: 'proposal_follow_up' },
  is_billable: true,
  billable_rate: 150,
};

function activity(over: Partial<Activity> = {}): Activity {
  return { ...applyCreate(input, ctx), ...over };
}

describe('applyCreate', () => {
  it('applies the defaults: status pending, priority medium, assignee and creator = current user', () => {
    const a = applyCreate({ type: 'task', subject: 'Send SOW to ACME', activityable_type: 'customer', activityable_id: 'c1' }, ctx);
    expect(a).toMatchObject({
      id: 'act_1', status: 'pending', priority: 'medium', assigned_user_id: 'usr_me',
      created_by: { id: 'usr_me', name: 'Rita Rep' }, description: null, contact_id: null, due_at: null,
      duration_minutes: null, location: null, reminder_at: null, follow_up_required: false, follow_up_date: null,
      is_overdue: false, is_billable: false, billable_rate: null, tags: [], custom_fields: {}, outcome: null,
      completed_at: null, cancelled_at: null, cancellation_reason: null, previous_due_at: null, rescheduled_count: 0,
      created_at: NOW, updated_at: NOW,
    });
  });

  it('keeps every given field', () => {
    const a = applyCreate({ ...input, assigned_user_id: 'usr_other' }, ctx);
    expect(a).toMatchObject({ ...input, assigned_user_id: 'usr_other', status: 'pending' });
  });

  it.each(PRIORITIES.map((p) => [p]))('keeps priority %s', (priority) => {
    expect(applyCreate({ ...input, priority }, ctx).priority).toBe(priority);
  });

  it.each(ACTIVITY_TYPES.map((t) => [t]))('creates type %s', (type) => {
    expect(applyCreate({ ...input, type }, ctx).type).toBe(type);
  });

  it('dedupes tags', () => {
    expect(applyCreate({ ...input, tags: ['a', 'b', 'a'] }, ctx).tags).toEqual(['a', 'b']);
  });

  it('a completed note at create time gets completed_at (given, or now)', () => {
    const given = applyCreate({ ...input, type: 'note', status: 'completed', completed_at: '2025-12-18T16:00:00Z' }, ctx);
    expect(given).toMatchObject({ status: 'completed', completed_at: '2025-12-18T16:00:00Z', is_overdue: false });
    expect(applyCreate({ ...input, status: 'completed' }, ctx).completed_at).toBe(NOW);
  });

  it('is overdue at once when created with a past due time', () => {
    expect(applyCreate({ ...input, due_at: '2025-12-18T10:00:00Z', reminder_at: null }, ctx).is_overdue).toBe(true);
  });

  describe('default reminder per type', () => {
    const due = '2025-12-20T14:00:00Z';
    const make = (type: CreateActivityInput['type'], defaults: CreateContext['reminderDefaults']) =>
      applyCreate({ type, subject: 'Specific subject here', activityable_type: 'customer', activityable_id: 'c1', due_at: due }, {
        ...ctx,
        reminderDefaults: defaults,
      }).reminder_at;

    it.each([
      ['call', '2025-12-20T13:45:00Z'],
      ['meeting', '2025-12-20T13:30:00Z'],
      ['task', '2025-12-19T14:00:00Z'],
      ['demo', '2025-12-19T14:00:00Z'],
      // Every type has a lead since 11e3097: quick contacts 15 min, things the rep travels to an hour.
      ['email', '2025-12-20T13:45:00Z'],
      ['visit', '2025-12-20T13:00:00Z'],
    ] as const)('%s → %s', (type, expected) => {
      expect(make(type, {})).toBe(expected);
    });

    it('an override sets a lead for a type the guide does not name', () => {
      expect(make('visit', { visit: 60 })).toBe('2025-12-20T13:00:00Z');
    });
    it('an override of null turns the default off', () => {
      expect(make('call', { call: null })).toBeNull();
    });
    it('no defaults when the context does not ask for them (the server)', () => {
      expect(make('call', undefined)).toBeNull();
      expect(make('call', false)).toBeNull();
    });
    it('an explicit reminder (even null) wins over the default', () => {
      const a = applyCreate({ ...input, reminder_at: null }, { ...ctx, reminderDefaults: {} });
      expect(a.reminder_at).toBeNull();
    });
    it('no due time → no default reminder', () => {
      const a = applyCreate({ ...input, due_at: null, reminder_at: undefined }, { ...ctx, reminderDefaults: {} });
      expect(a.reminder_at).toBeNull();
    });
  });
});

describe('isOverdue', () => {
  const past = '2025-12-18T10:00:00Z';
  const future = '2025-12-20T10:00:00Z';
  const nowMs = instantMs(NOW);
  it.each(ACTIVITY_STATUSES.flatMap((status) => [
    { status, due_at: past, expected: (OPEN_STATUSES as readonly string[]).includes(status) },
    { status, due_at: future, expected: false },
    { status, due_at: null, expected: false },
  ]))('$status due $due_at → $expected', ({ status, due_at, expected }) => {
    expect(isOverdue({ status, due_at }, nowMs)).toBe(expected);
  });
  it('due exactly now is not yet overdue', () => {
    expect(isOverdue({ status: 'pending', due_at: NOW }, nowMs)).toBe(false);
  });
  it.each(ACTIVITY_STATUSES.map((s) => [s]))('isOpen(%s)', (status) => {
    expect(isOpen(status)).toBe(!['completed', 'cancelled'].includes(status));
  });
});

describe('applyUpdate', () => {
  const allowed = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].update === 'yes');
  const refused = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].update === 'no');

  it.each(allowed.map((s) => [s]))('%s: any field may change', (status) => {
    const a = activity({ status });
    const next = applyUpdate(a, { subject: 'New subject line', priority: 'urgent', due_at: '2025-12-22T09:00:00Z' }, LATER);
    expect(next).toMatchObject({ subject: 'New subject line', priority: 'urgent', due_at: '2025-12-22T09:00:00Z', updated_at: LATER });
    expect(a.subject).toBe(input.subject);
  });

  it.each(refused.map((s) => [s]))('%s: refuses any update', (status) => {
    expect(() => applyUpdate(activity({ status }), { description: 'x' }, LATER)).toThrow(ActionNotAllowedError);
  });

  it.each(['description', 'outcome', 'tags'] as const)('completed: notes-only change to %s works', (field) => {
    const a = activity({ status: 'completed', completed_at: NOW });
    const value = field === 'tags' ? ['won', 'won'] : 'Customer signed';
    const next = applyUpdate(a, { [field]: value }, LATER);
    expect(next[field]).toEqual(field === 'tags' ? ['won'] : value);
    expect(next.status).toBe('completed');
  });

  it.each([
    [{ subject: 'Changed' }], [{ due_at: '2025-12-22T09:00:00Z' }], [{ status: 'pending' as const }], [{ priority: 'low' as const }],
  ])('completed: refuses %j', (patch) => {
    expect(() => applyUpdate(activity({ status: 'completed' }), { outcome: 'ok', ...patch }, LATER)).toThrow(ActionNotAllowedError);
  });

  it('completed: a key present with an undefined value is not a change', () => {
    const next = applyUpdate(activity({ status: 'completed' }), { outcome: 'ok', subject: undefined }, LATER);
    expect(next.outcome).toBe('ok');
  });

  // PATCH status moves among pending, in_progress, deferred and waiting where the row allows update.
  const moves = allowed.flatMap((from) => OPEN_STATUSES.map((to) => ({ from, to })));
  it.each(moves)('status $from → $to by PATCH', ({ from, to }) => {
    expect(applyUpdate(activity({ status: from }), { status: to }, LATER).status).toBe(to);
  });
  it.each(refused.flatMap((from) => OPEN_STATUSES.map((to) => ({ from, to }))))('status $from → $to by PATCH is refused', ({ from, to }) => {
    expect(() => applyUpdate(activity({ status: from }), { status: to }, LATER)).toThrow(ActionNotAllowedError);
  });

  it('refuses a reminder after the (existing) due time with a field error', () => {
    let err: unknown;
    try {
      applyUpdate(activity(), { reminder_at: '2025-12-21T00:00:00Z' }, LATER);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual({ reminder_at: ['The reminder must be at or before the due time.'] });
  });

  it('recomputes is_overdue', () => {
    expect(applyUpdate(activity(), { due_at: '2025-12-19T09:00:00Z', reminder_at: null }, LATER).is_overdue).toBe(true);
  });

  it('follow_up_date is stored exactly as given', () => {
    expect(applyUpdate(activity(), { follow_up_date: '2026-01-01' }, LATER).follow_up_date).toBe('2026-01-01');
  });
});

describe('applyComplete', () => {
  const allowed = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].complete === 'yes');
  const refused = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].complete === 'no');

  it.each(allowed.map((s) => [s]))('completes a %s activity', (status) => {
    const next = applyComplete(activity({ status }), { outcome: 'Agreed on pricing' }, LATER);
    expect(next).toMatchObject({ status: 'completed', completed_at: LATER, outcome: 'Agreed on pricing', is_overdue: false, updated_at: LATER });
  });
  it.each(refused.map((s) => [s]))('refuses to complete a %s activity', (status) => {
    expect(() => applyComplete(activity({ status }), {}, LATER)).toThrow(ActionNotAllowedError);
  });

  it('actual duration replaces the planned one; none given keeps it', () => {
    expect(applyComplete(activity(), { duration_minutes: 42 }, LATER).duration_minutes).toBe(42);
    expect(applyComplete(activity(), {}, LATER).duration_minutes).toBe(30);
    expect(applyComplete(activity(), { duration_minutes: 0 }, LATER).duration_minutes).toBe(0);
  });

  it('given tags are added to the existing ones, without duplicates', () => {
    expect(applyComplete(activity(), { tags: ['completed', 'pricing'] }, LATER).tags).toEqual(['pricing', 'proposal', 'completed']);
  });

  it('sets the follow-up as given, with the date unshifted', () => {
    const next = applyComplete(activity(), { follow_up_required: true, follow_up_date: '2025-12-23' }, LATER);
    expect(next).toMatchObject({ follow_up_required: true, follow_up_date: '2025-12-23' });
  });

  it('can clear the follow-up date', () => {
    const next = applyComplete(activity({ follow_up_date: '2025-12-23' }), { follow_up_date: null }, LATER);
    expect(next.follow_up_date).toBeNull();
  });

  it('an overdue activity stops being overdue', () => {
    const late = activity({ due_at: '2025-12-18T10:00:00Z', reminder_at: null, is_overdue: true });
    expect(applyComplete(late, {}, LATER).is_overdue).toBe(false);
  });
});

describe('applyCancel', () => {
  const allowed = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].cancel === 'yes');
  const refused = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].cancel === 'no');

  it.each(allowed.map((s) => [s]))('cancels a %s activity with the reason', (status) => {
    const { cancelled, rescheduled } = applyCancel(activity({ status }), { reason: 'Customer asked' }, LATER);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: LATER, cancellation_reason: 'Customer asked', is_overdue: false });
    expect(rescheduled).toBeNull();
  });
  it.each(refused.map((s) => [s]))('refuses to cancel a %s activity', (status) => {
    expect(() => applyCancel(activity({ status }), {}, LATER)).toThrow(ActionNotAllowedError);
  });

  it('without a reason stores null', () => {
    expect(applyCancel(activity(), {}, LATER).cancelled.cancellation_reason).toBeNull();
  });

  describe('reschedule=true', () => {
    const original = activity({ rescheduled_count: 2, previous_due_at: '2025-12-15T14:00:00Z', outcome: 'x', follow_up_required: true });
    const { cancelled, rescheduled } = applyCancel(
      original,
      { reason: 'Customer requested to reschedule', reschedule: true, reschedule_date: '2025-12-27T14:00:00Z' },
      LATER,
      'act_2',
    );

    it('returns the cancelled activity and a new pending copy', () => {
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.id).toBe('act_1');
      expect(rescheduled?.id).toBe('act_2');
      expect(rescheduled?.status).toBe('pending');
    });

    it.each(['subject', 'type', 'activityable_type', 'activityable_id', 'contact_id', 'assigned_user_id', 'duration_minutes',
      'priority', 'description', 'tags'] as const)('copies %s', (field) => {
      expect(rescheduled?.[field]).toEqual(original[field]);
    });

    it('is due at reschedule_date with the reminder moved by the same lead (15 min)', () => {
      expect(rescheduled?.due_at).toBe('2025-12-27T14:00:00Z');
      expect(rescheduled?.reminder_at).toBe('2025-12-27T13:45:00Z');
    });

    it('starts a fresh history', () => {
      expect(rescheduled).toMatchObject({
        outcome: null, completed_at: null, cancelled_at: null, cancellation_reason: null, previous_due_at: null,
        rescheduled_count: 0, created_at: LATER, updated_at: LATER, is_overdue: false,
      });
    });

    it('does not share arrays or objects with the original', () => {
      expect(rescheduled?.tags).not.toBe(original.tags);
      expect(rescheduled?.custom_fields).not.toBe(original.custom_fields);
    });

    it('needs an id for the copy', () => {
      expect(() => applyCancel(original, { reschedule: true, reschedule_date: '2025-12-27T14:00:00Z' }, LATER)).toThrow(/needs an id/);
    });
  });

  it('rescheduledCopy of an activity without due time has no reminder', () => {
    expect(rescheduledCopy(activity({ due_at: null }), '2025-12-27T14:00:00Z', 'x', LATER).reminder_at).toBeNull();
  });
});

describe('applyReschedule', () => {
  const allowed = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].reschedule === 'yes');
  const refused = ACTIVITY_STATUSES.filter((s) => ACTION_TABLE[s].reschedule === 'no');
  const expectedStatus: Partial<Record<ActivityStatus, ActivityStatus>> = { pending: 'pending', deferred: 'pending', waiting: 'pending' };

  it.each(allowed.map((s) => [s, expectedStatus[s]]))('reschedules %s → %s', (status, after) => {
    const next = applyReschedule(activity({ status }), { new_due_at: '2025-12-27T14:00:00Z' }, LATER);
    expect(next.status).toBe(after);
  });
  it.each(refused.map((s) => [s]))('refuses to reschedule a %s activity', (status) => {
    expect(() => applyReschedule(activity({ status }), { new_due_at: '2025-12-27T14:00:00Z' }, LATER)).toThrow(ActionNotAllowedError);
  });

  it('records previous_due_at and counts up (the guide example)', () => {
    const once = applyReschedule(activity(), { new_due_at: '2025-12-27T14:00:00Z', update_reminder: true }, LATER);
    expect(once).toMatchObject({
      due_at: '2025-12-27T14:00:00Z', reminder_at: '2025-12-27T13:45:00Z', previous_due_at: '2025-12-20T14:00:00Z',
      rescheduled_count: 1, updated_at: LATER,
    });
    const twice = applyReschedule(once, { new_due_at: '2025-12-29T09:00:00Z' }, LATER);
    expect(twice).toMatchObject({ previous_due_at: '2025-12-27T14:00:00Z', rescheduled_count: 2 });
  });

  it('leaves the reminder where it was without update_reminder', () => {
    expect(applyReschedule(activity(), { new_due_at: '2025-12-27T14:00:00Z' }, LATER).reminder_at).toBe('2025-12-20T13:45:00Z');
    expect(applyReschedule(activity(), { new_due_at: '2025-12-27T14:00:00Z', update_reminder: false }, LATER).reminder_at).toBe(
      '2025-12-20T13:45:00Z',
    );
  });

  it('moving earlier keeps the lead too', () => {
    const a = activity({ type: 'demo', reminder_at: '2025-12-19T14:00:00Z' });
    expect(applyReschedule(a, { new_due_at: '2025-12-20T09:00:00Z', update_reminder: true }, NOW).reminder_at).toBe('2025-12-19T09:00:00Z');
  });

  it('no reminder stays no reminder', () => {
    expect(applyReschedule(activity({ reminder_at: null }), { new_due_at: '2025-12-27T14:00:00Z', update_reminder: true }, LATER).reminder_at).toBeNull();
  });

  it.each(PRIORITIES.map((p) => [p]))('applies priority %s', (priority) => {
    expect(applyReschedule(activity(), { new_due_at: '2025-12-27T14:00:00Z', priority }, LATER).priority).toBe(priority);
  });
  it('keeps the priority when none is given', () => {
    expect(applyReschedule(activity(), { new_due_at: '2025-12-27T14:00:00Z' }, LATER).priority).toBe('high');
  });

  it('an overdue activity moved to the future is no longer overdue; moved to the past it is', () => {
    const late = activity({ due_at: '2025-12-18T10:00:00Z', reminder_at: null, is_overdue: true });
    expect(applyReschedule(late, { new_due_at: '2025-12-27T14:00:00Z' }, LATER).is_overdue).toBe(false);
    expect(applyReschedule(activity(), { new_due_at: '2025-12-19T08:00:00Z' }, LATER).is_overdue).toBe(true);
  });
});

describe('recreateInput', () => {
  it('copies a cancelled activity into a valid create input', () => {
    const cancelled = applyCancel(activity(), { reason: 'x' }, LATER).cancelled;
    const copy = recreateInput(cancelled, '2026-01-05T10:00:00Z');
    expect(copy).toMatchObject({
      type: 'call', subject: input.subject, activityable_type: 'opportunity', activityable_id: 'opp_1', contact_id: 'con_1',
      due_at: '2026-01-05T10:00:00Z', priority: 'high', tags: ['pricing', 'proposal'], is_billable: true, billable_rate: 150,
    });
    expect(createActivitySchema.safeParse(copy).success).toBe(true);
    expect(copy).not.toHaveProperty('status');
  });

  it.each(ACTIVITY_STATUSES.filter((s) => s !== 'cancelled').map((s) => [s]))('refuses a %s activity', (status) => {
    expect(() => recreateInput(activity({ status }), null)).toThrow(ActionNotAllowedError);
  });
});
