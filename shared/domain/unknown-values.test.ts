/**
 * Values the guide does not list (docs/crm-contract.md "Tolerant client"): a newer CRM's type, status
 * or priority is kept raw, labelled as unknown, offers only what is safe in any status, and is never
 * open work.
 */
import { describe, expect, it } from 'vitest';
import { normalizeRemote, remoteActivitySchema, type Activity } from './activity.ts';
import {
  ACTIVITY_STATUSES, ACTIVITY_TYPES, ACTIONS, PRIORITIES, isKnownPriority, isKnownStatus, isKnownType, priorityLabel,
  priorityRank, statusLabel, typeGroup, typeLabel, typeValue, priorityValue, statusValue,
} from './enums.ts';
import { ActionNotAllowedError, ValidationError } from './errors.ts';
import { defaultReminderAt, reminderLead } from './reminders.ts';
import { applyCancel, applyComplete, applyReschedule, applyUpdate, isOpen, isOverdue, recreateInput } from './rules.ts';
import { createActivitySchema, updateActivitySchema, validate } from './schemas.ts';
import { assertAction, availableActions, canPerform, permission, refusalReason } from './transitions.ts';

/** The guide's list example, with a type, status and priority it does not list (and an extra field). */
const guideListItem = {
  id: '01hwxyzB23abc456def789ghi0',
  type: 'sms',
  status: 'on_hold',
  priority: 'blocker',
  subject: 'Follow-up Call - Proposal Discussion',
  due_at: '2025-12-20T14:00:00Z',
  duration_minutes: 30,
  assigned_user: { id: '01hwxyz623abc456def789ghi0', name: 'Jane Manager' },
  activityable_type: 'opportunity',
  activityable: { id: '01hwxyz823abc456def789ghi0', name: 'Acme Corp - Enterprise Platform Implementation' },
  is_overdue: false,
  created_at: '2025-12-17T22:00:00Z',
  channel: 'carrier-x',
};

const NOW = Date.parse('2026-01-10T09:00:00Z');
const nowIso = '2026-01-10T09:00:00Z';
const parsed = (over: Record<string, unknown> = {}): Activity => normalizeRemote(remoteActivitySchema.parse({ ...guideListItem, ...over }));

describe('a list item with values the guide does not list', () => {
  it('parses, and keeps the raw type, status and priority (and the fields it has)', () => {
    const a = parsed();
    expect(a).toMatchObject({
      id: '01hwxyzB23abc456def789ghi0', type: 'sms', status: 'on_hold', priority: 'blocker',
      assigned_user_id: '01hwxyz623abc456def789ghi0', activityable_id: '01hwxyz823abc456def789ghi0',
    });
    expect(isKnownType(a.type) || isKnownStatus(a.status) || isKnownPriority(a.priority)).toBe(false);
  });

  it('known values stay known, and every guide value is known', () => {
    for (const t of ACTIVITY_TYPES) expect(isKnownType(typeValue(t))).toBe(true);
    for (const s of ACTIVITY_STATUSES) expect(isKnownStatus(statusValue(s))).toBe(true);
    for (const p of PRIORITIES) expect(isKnownPriority(priorityValue(p))).toBe(true);
    expect(parsed({ type: 'call', status: 'pending', priority: 'high' })).toMatchObject({ type: 'call', status: 'pending', priority: 'high' });
  });

  it('is labelled with its raw value, marked unknown; known values keep their labels', () => {
    const a = parsed();
    expect(typeLabel(a.type)).toBe('sms (unknown to this version)');
    expect(statusLabel(a.status)).toBe('on_hold (unknown to this version)');
    expect(priorityLabel(a.priority)).toBe('blocker (unknown to this version)');
    expect(typeLabel(typeValue('follow_up'))).toBe('Follow-up');
    expect(statusLabel(statusValue('in_progress'))).toBe('In progress');
    expect(priorityLabel(priorityValue('critical'))).toBe('Critical');
  });

  it('a label never carries control or invisible characters, nor a value of any length', () => {
    expect(typeLabel(typeValue('s\u200Bm\u0007s\u202E'))).toBe('sms (unknown to this version)');
    const long = statusLabel(statusValue('x'.repeat(150)));
    expect(long).toBe(`${'x'.repeat(39)}… (unknown to this version)`);
  });

  it('an unknown type is grouped, filtered and coloured under Other; it takes Other\'s reminder lead', () => {
    expect(typeGroup(typeValue('sms'))).toBe('other');
    expect(typeGroup(typeValue('demo'))).toBe('demo');
    expect(reminderLead(typeValue('sms'))).toBe(reminderLead('other'));
    // Not an own property of a plain object: a raw "toString" must not read the prototype.
    expect(reminderLead(typeValue('toString'), { other: 5 })).toBe(5);
    expect(defaultReminderAt(typeValue('sms'), '2026-01-10T10:00:00Z', { other: 30 })).toBe('2026-01-10T09:30:00Z');
  });
});

describe('a status the guide does not list', () => {
  const onHold = statusValue('on_hold');

  it('offers delete only', () => {
    expect(availableActions(onHold)).toEqual(['delete']);
    for (const action of ACTIONS) {
      expect(permission(onHold, action)).toBe(action === 'delete' ? 'yes' : 'no');
      expect(canPerform(onHold, action)).toBe(action === 'delete');
    }
  });

  it('refuses every other action with a reason that names the status and says where to change it', () => {
    const reason = 'on_hold is a status this version of Fieldbook does not know; change it in the CRM.';
    for (const action of ACTIONS.filter((x) => x !== 'delete')) {
      expect(refusalReason(onHold, action)).toBe(reason);
      expect(() => assertAction(onHold, action)).toThrow(new ActionNotAllowedError(action, onHold, reason));
    }
    expect(refusalReason(onHold, 'delete')).toBeNull();
    expect(() => assertAction(onHold, 'delete')).not.toThrow();
    // A known status keeps its own reason.
    expect(refusalReason('cancelled', 'complete')).toBe("You can't complete an activity that is cancelled.");
  });

  it('the rules refuse update, complete, cancel and reschedule on it', () => {
    const a = parsed({ type: 'call', priority: 'high' });
    expect(() => applyUpdate(a, { subject: 'New' }, nowIso)).toThrow(/on_hold is a status this version/);
    expect(() => applyComplete(a, {}, nowIso)).toThrow(ActionNotAllowedError);
    expect(() => applyCancel(a, {}, nowIso)).toThrow(ActionNotAllowedError);
    expect(() => applyReschedule(a, { new_due_at: '2026-02-01T10:00:00Z' }, nowIso)).toThrow(ActionNotAllowedError);
  });

  it('is not open work: never overdue, even when long past due', () => {
    expect(isOpen(onHold)).toBe(false);
    expect(isOverdue({ status: onHold, due_at: '2025-12-20T14:00:00Z' }, NOW)).toBe(false);
    // The same row in a known open status is overdue: the rule is the status, not the date.
    expect(isOverdue({ status: 'pending', due_at: '2025-12-20T14:00:00Z' }, NOW)).toBe(true);
  });
});

describe('a type the guide does not list', () => {
  const sms = (over: Partial<Activity> = {}): Activity => ({ ...parsed({ status: 'pending', priority: 'high' }), ...over });

  it('is fully usable: every action its status allows', () => {
    const a = sms();
    expect(applyUpdate(a, { subject: 'Text the buyer' }, nowIso)).toMatchObject({ type: 'sms', subject: 'Text the buyer' });
    expect(applyComplete(a, { outcome: 'Replied' }, nowIso)).toMatchObject({ type: 'sms', status: 'completed' });
    expect(applyReschedule(a, { new_due_at: '2026-02-01T10:00:00Z' }, nowIso)).toMatchObject({ type: 'sms', due_at: '2026-02-01T10:00:00Z' });
    expect(applyCancel(a, {}, nowIso).cancelled).toMatchObject({ type: 'sms', status: 'cancelled' });
    expect(isOverdue(a, NOW)).toBe(true);
  });

  it('an update that does not change the type passes; setting an unknown type from the app is refused', () => {
    expect(validate(updateActivitySchema, { subject: 'Text the buyer' }).ok).toBe(true);
    const r = validate(updateActivitySchema, { type: 'sms' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['type']);
    expect(validate(createActivitySchema, { type: 'sms', subject: 'Text', activityable_type: 'customer', activityable_id: 'c1' }).ok).toBe(false);
    expect(validate(createActivitySchema, { type: 'call', subject: 'Text', activityable_type: 'customer', activityable_id: 'c1', priority: 'blocker' }).ok).toBe(false);
  });

  it('recreate of a cancelled one asks for a known type, and leaves an unknown priority to the default', () => {
    const cancelled = sms({ status: 'cancelled', priority: priorityValue('blocker') });
    try {
      recreateInput(cancelled, null);
      expect.unreachable('recreate copied a type this version does not know');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors).toEqual({ type: ['sms is a type this version of Fieldbook does not know; choose a type for the new activity.'] });
    }
    const input = recreateInput(cancelled, null, 'task');
    expect(input.type).toBe('task');
    expect(input.priority).toBeUndefined();
    expect(validate(createActivitySchema, input).ok).toBe(true);
  });
});

describe('sorting by priority with one the guide does not list', () => {
  it('ranks it just above medium: below high, urgent and critical, above low', () => {
    const values = ['critical', 'blocker', 'low', 'high', 'medium', 'urgent'].map(priorityValue);
    const sorted = [...values].sort((a, b) => priorityRank(a) - priorityRank(b));
    expect(sorted).toEqual(['low', 'medium', 'blocker', 'high', 'urgent', 'critical']);
    expect(priorityRank(priorityValue('blocker'))).toBeGreaterThan(priorityRank('medium'));
    expect(priorityRank(priorityValue('zzz'))).toBe(priorityRank(priorityValue('blocker')));
  });
});
