import { describe, expect, it } from 'vitest';
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, ACTIVITYABLE_TYPES, INCLUDES, MAX_PER_PAGE, PRIORITIES, SORT_FIELDS } from './enums.ts';
import {
  bulkActionSchema, cancelActivitySchema, completeActivitySchema, createActivitySchema, isoDateSchema,
  isoInstantSchema, listQuerySchema, rescheduleActivitySchema, searchQuerySchema, updateActivitySchema, validate,
  type FieldErrors,
} from './schemas.ts';

const base = { type: 'call', subject: 'Pricing call with CFO', activityable_type: 'customer', activityable_id: 'cus_1' };

function errorsOf(schema: Parameters<typeof validate>[0], input: unknown): FieldErrors {
  const r = validate(schema, input);
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.errors;
}

/** Every message a rep sees is a sentence: starts with a capital, ends with a full stop, no zod jargon. */
function expectReadable(errors: FieldErrors): void {
  for (const [field, messages] of Object.entries(errors)) {
    expect(messages.length, field).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m, field).toMatch(/^[A-Z].*[.)]$/s);
      expect(m, field).not.toMatch(/Invalid input|expected \w+, received|ZodError/i);
    }
  }
}

describe('enumerations', () => {
  it('has the 19 types, 6 statuses, 5 priorities of the guide', () => {
    expect(ACTIVITY_TYPES).toHaveLength(19);
    expect(ACTIVITY_STATUSES).toHaveLength(6);
    expect(PRIORITIES).toHaveLength(5);
  });

  it.each(ACTIVITY_TYPES.map((t) => [t]))('create accepts type %s', (type) => {
    expect(validate(createActivitySchema, { ...base, type }).ok).toBe(true);
  });
  it.each(PRIORITIES.map((p) => [p]))('create accepts priority %s', (priority) => {
    const r = validate(createActivitySchema, { ...base, priority });
    expect(r.ok && r.value.priority).toBe(priority);
  });
  it.each(ACTIVITYABLE_TYPES.map((t) => [t]))('create accepts activityable_type %s', (t) => {
    expect(validate(createActivitySchema, { ...base, activityable_type: t }).ok).toBe(true);
  });
  it.each(ACTIVITY_STATUSES.filter((s) => s !== 'cancelled').map((s) => [s]))('create accepts status %s', (status) => {
    expect(validate(createActivitySchema, { ...base, status }).ok).toBe(true);
  });
  it('create refuses a cancelled status', () => {
    expect(errorsOf(createActivitySchema, { ...base, status: 'cancelled' })).toEqual({ status: ['A new activity cannot start cancelled.'] });
  });

  it.each([
    ['type', 'phonecall', /Choose an activity type \(call, email/],
    ['priority', 'extreme', /Choose a priority \(low, medium, high, urgent, critical\)/],
    ['activityable_type', 'account', /Choose what this activity is about: lead, customer, opportunity, contact/],
    ['status', 'done', /Choose a status/],
  ])('create refuses an unknown %s value with a message listing the choices', (field, value, message) => {
    const errors = errorsOf(createActivitySchema, { ...base, [field]: value });
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]?.[0]).toMatch(message);
    expectReadable(errors);
  });
});

describe('create: required fields', () => {
  it.each([
    ['type', 'Type is required.'],
    ['subject', 'Subject is required.'],
    ['activityable_type', 'Related record type is required.'],
    ['activityable_id', 'Related record is required.'],
  ])('missing %s → "%s"', (field, message) => {
    const input: Record<string, unknown> = { ...base };
    delete input[field];
    expect(errorsOf(createActivitySchema, input)).toEqual({ [field]: [message] });
  });

  it('reports every missing field at once, each under its own key', () => {
    const errors = errorsOf(createActivitySchema, {});
    expect(Object.keys(errors).sort()).toEqual(['activityable_id', 'activityable_type', 'subject', 'type']);
    expectReadable(errors);
  });

  it.each([[''], ['   ']])('a blank subject %j is refused', (subject) => {
    expect(errorsOf(createActivitySchema, { ...base, subject })).toEqual({ subject: ['Enter a subject.'] });
  });

  it('trims the subject', () => {
    const r = validate(createActivitySchema, { ...base, subject: '  Demo for ACME  ' });
    expect(r.ok && r.value.subject).toBe('Demo for ACME');
  });

  it('refuses a subject over 255 characters', () => {
    expect(errorsOf(createActivitySchema, { ...base, subject: 'x'.repeat(256) })).toEqual({
      subject: ['Keep the subject under 255 characters.'],
    });
  });

  it('accepts the full example body of the guide', () => {
    const r = validate(createActivitySchema, {
      ...base,
      description: 'Discuss pricing',
      contact_id: 'con_1',
      assigned_user_id: 'usr_1',
      due_at: '2025-12-20T14:00:00Z',
      duration_minutes: 30,
      priority: 'high',
      location: 'Phone',
      reminder_at: '2025-12-20T13:45:00Z',
      follow_up_required: true,
      follow_up_date: '2025-12-23',
      tags: ['pricing', 'proposal'],
      custom_fields: { call_purpose: 'proposal_follow_up' },
      is_billable: true,
      billable_rate: 150,
    });
    expect(r.ok).toBe(true);
  });
});

describe('date-times and dates', () => {
  it.each([
    ['2025-12-20T14:00:00Z'],
    ['2025-12-20T14:00:00.000Z'],
    ['2025-12-20T15:00:00+01:00'],
  ])('due_at accepts the instant %s', (due_at) => {
    expect(validate(createActivitySchema, { ...base, due_at }).ok).toBe(true);
  });

  it.each([
    ['2025-12-20', 'a date without time'],
    ['2025-12-20T14:00:00', 'a local time without zone'],
    ['20/12/2025 14:00', 'a local format'],
    ['tomorrow', 'words'],
  ])('due_at refuses %s (%s)', (due_at) => {
    const errors = errorsOf(createActivitySchema, { ...base, due_at });
    expect(errors).toEqual({ due_at: ['Enter a date and time with its time zone, e.g. 2025-12-20T14:00:00Z.'] });
  });

  it.each([['reminder_at'], ['completed_at']])('%s must be an instant too', (field) => {
    const input = { ...base, status: 'completed', [field]: '2025-12-20' };
    expect(errorsOf(createActivitySchema, input)[field]?.[0]).toMatch(/date and time with its time zone/);
  });

  it('follow_up_date is a date and comes back exactly as given (never shifted)', () => {
    const r = validate(createActivitySchema, { ...base, follow_up_date: '2025-12-23' });
    expect(r.ok && r.value.follow_up_date).toBe('2025-12-23');
    expect(isoDateSchema.parse('2024-02-29')).toBe('2024-02-29');
  });

  it.each([
    ['2025-12-23T00:00:00Z'],
    ['2025-12-23T10:00'],
    ['2025-02-30'],
    ['2025-13-01'],
    ['2023-02-29'],
    ['25-12-23'],
  ])('follow_up_date refuses %s', (follow_up_date) => {
    expect(errorsOf(createActivitySchema, { ...base, follow_up_date })).toEqual({
      follow_up_date: ['Enter a date as YYYY-MM-DD, e.g. 2025-12-23 (no time).'],
    });
  });

  it('isoInstantSchema and isoDateSchema do not accept each other', () => {
    expect(isoInstantSchema.safeParse('2025-12-23').success).toBe(false);
    expect(isoDateSchema.safeParse('2025-12-23T10:00:00Z').success).toBe(false);
  });
});

describe('numbers', () => {
  it.each([[0], [42], [60 * 24 * 31]])('duration %i minutes is fine', (duration_minutes) => {
    expect(validate(createActivitySchema, { ...base, duration_minutes }).ok).toBe(true);
  });
  it.each([
    [-1, 'Duration cannot be negative.'],
    [1.5, 'Enter whole minutes.'],
    ['30', 'Enter the duration in minutes.'],
    [60 * 24 * 31 + 1, 'That duration is longer than a month; check the minutes.'],
  ])('duration %j → %s', (duration_minutes, message) => {
    expect(errorsOf(createActivitySchema, { ...base, duration_minutes })).toEqual({ duration_minutes: [message] });
  });

  it.each([[0], [150], [99.5]])('rate %d is fine', (billable_rate) => {
    expect(validate(createActivitySchema, { ...base, billable_rate }).ok).toBe(true);
  });
  it.each([
    [-0.01, 'The billable rate cannot be negative.'],
    ['150', 'Enter the hourly rate as a number.'],
  ])('rate %j → %s', (billable_rate, message) => {
    expect(errorsOf(createActivitySchema, { ...base, billable_rate })).toEqual({ billable_rate: [message] });
  });

  it('complete refuses a negative actual duration', () => {
    expect(errorsOf(completeActivitySchema, { duration_minutes: -5 })).toEqual({ duration_minutes: ['Duration cannot be negative.'] });
  });
});

describe('reminder not after due time', () => {
  it.each([
    ['2025-12-20T13:45:00Z', true],
    ['2025-12-20T14:00:00Z', true],
    ['2025-12-20T14:00:01Z', false],
    ['2025-12-20T14:45:00+01:00', true],
    ['2025-12-20T16:00:00+01:00', false],
  ])('reminder %s with due 14:00Z → ok=%s', (reminder_at, ok) => {
    const r = validate(createActivitySchema, { ...base, due_at: '2025-12-20T14:00:00Z', reminder_at });
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.errors).toEqual({ reminder_at: ['The reminder must be at or before the due time.'] });
  });

  it('a reminder without a due time is allowed', () => {
    expect(validate(createActivitySchema, { ...base, reminder_at: '2025-12-20T14:00:00Z' }).ok).toBe(true);
  });

  it('update checks it when both are in the patch', () => {
    expect(errorsOf(updateActivitySchema, { due_at: '2025-12-20T14:00:00Z', reminder_at: '2025-12-21T14:00:00Z' })).toEqual({
      reminder_at: ['The reminder must be at or before the due time.'],
    });
  });
});

describe('tags and custom fields', () => {
  it.each([
    [[''], 'tags.0', 'Tags cannot be empty.'],
    [['x'.repeat(65)], 'tags.0', 'Keep each tag under 64 characters.'],
    ['pricing', 'tags', 'Tags must be a list of words.'],
    [Array.from({ length: 51 }, (_, i) => `t${i}`), 'tags', 'Use at most 50 tags.'],
  ])('tags %j → %s: %s', (tags, key, message) => {
    expect(errorsOf(createActivitySchema, { ...base, tags })).toEqual({ [key]: [message] });
  });
  it('custom_fields must be an object', () => {
    expect(errorsOf(createActivitySchema, { ...base, custom_fields: ['a'] })).toEqual({
      custom_fields: ['Custom fields must be an object of name → value.'],
    });
  });
});

describe('completed_at at create', () => {
  it('is allowed with status completed', () => {
    expect(validate(createActivitySchema, { ...base, status: 'completed', completed_at: '2025-12-20T16:00:00Z' }).ok).toBe(true);
  });
  it('is refused otherwise', () => {
    expect(errorsOf(createActivitySchema, { ...base, completed_at: '2025-12-20T16:00:00Z' })).toEqual({
      completed_at: ['Only an activity created as completed can have a completion time.'],
    });
  });
});

describe('update', () => {
  it('refuses an empty patch', () => {
    expect(errorsOf(updateActivitySchema, {})).toEqual({ _: ['Nothing to update.'] });
  });

  it.each(['pending', 'in_progress', 'deferred', 'waiting'].map((s) => [s]))('may move status to %s', (status) => {
    expect(validate(updateActivitySchema, { status }).ok).toBe(true);
  });
  it.each([['completed'], ['cancelled'], ['overdue']])('may not move status to %s', (status) => {
    const errors = errorsOf(updateActivitySchema, { status });
    expect(errors.status?.[0]).toMatch(/use Complete or Cancel/);
  });

  it('changes the related record type and id together', () => {
    expect(errorsOf(updateActivitySchema, { activityable_type: 'lead' })).toEqual({
      activityable_id: ['Change the related record type and id together.'],
    });
    expect(validate(updateActivitySchema, { activityable_type: 'lead', activityable_id: 'lead_1' }).ok).toBe(true);
  });

  it('allows clearing nullable fields', () => {
    const r = validate(updateActivitySchema, { due_at: null, reminder_at: null, follow_up_date: null, description: null });
    expect(r.ok).toBe(true);
  });

  it('validates each field like create does', () => {
    const errors = errorsOf(updateActivitySchema, { priority: 'asap', duration_minutes: -1, follow_up_date: '2025-12-23T10:00:00Z' });
    expect(Object.keys(errors).sort()).toEqual(['duration_minutes', 'follow_up_date', 'priority']);
    expectReadable(errors);
  });
});

describe('complete', () => {
  it('accepts the guide body', () => {
    const r = validate(completeActivitySchema, {
      outcome: 'Successful call.', duration_minutes: 42, follow_up_required: true, follow_up_date: '2025-12-23',
      tags: ['completed', 'positive-outcome'],
    });
    expect(r.ok).toBe(true);
  });
  it('accepts an empty body (outcome only recommended)', () => {
    expect(validate(completeActivitySchema, {}).ok).toBe(true);
  });
  it('follow_up_date is a date', () => {
    expect(errorsOf(completeActivitySchema, { follow_up_date: '2025-12-23T00:00:00Z' }).follow_up_date).toHaveLength(1);
  });
  it('follow_up_required must be yes/no', () => {
    expect(errorsOf(completeActivitySchema, { follow_up_required: 'yes' })).toEqual({
      follow_up_required: ['Follow-up required is yes or no.'],
    });
  });
});

describe('cancel', () => {
  it('accepts a reason alone', () => {
    expect(validate(cancelActivitySchema, { reason: 'Customer asked' }).ok).toBe(true);
  });
  it('reschedule=true needs reschedule_date', () => {
    expect(errorsOf(cancelActivitySchema, { reason: 'x', reschedule: true })).toEqual({
      reschedule_date: ['Pick the new date and time to reschedule to.'],
    });
  });
  it('reschedule=true with a date is fine', () => {
    expect(validate(cancelActivitySchema, { reschedule: true, reschedule_date: '2025-12-27T14:00:00Z' }).ok).toBe(true);
  });
  it('reschedule=false needs no date', () => {
    expect(validate(cancelActivitySchema, { reschedule: false }).ok).toBe(true);
  });
  it('reschedule_date must be an instant', () => {
    expect(errorsOf(cancelActivitySchema, { reschedule: true, reschedule_date: '2025-12-27' }).reschedule_date?.[0]).toMatch(
      /date and time with its time zone/,
    );
  });
  it('refuses a reason over 2000 characters', () => {
    expect(errorsOf(cancelActivitySchema, { reason: 'x'.repeat(2001) })).toEqual({ reason: ['Keep the reason under 2000 characters.'] });
  });
});

describe('reschedule', () => {
  it('needs new_due_at', () => {
    expect(errorsOf(rescheduleActivitySchema, { reason: 'x' })).toEqual({ new_due_at: ['New due time is required.'] });
  });
  it('accepts the guide body', () => {
    expect(validate(rescheduleActivitySchema, { new_due_at: '2025-12-27T14:00:00Z', reason: 'x', update_reminder: true }).ok).toBe(true);
  });
  it.each(PRIORITIES.map((p) => [p]))('accepts priority %s', (priority) => {
    expect(validate(rescheduleActivitySchema, { new_due_at: '2025-12-27T14:00:00Z', priority }).ok).toBe(true);
  });
  it('refuses a bad priority and a date-only new_due_at', () => {
    const errors = errorsOf(rescheduleActivitySchema, { new_due_at: '2025-12-27', priority: 'now' });
    expect(Object.keys(errors).sort()).toEqual(['new_due_at', 'priority']);
    expectReadable(errors);
  });
});

describe('bulk', () => {
  const ids = ['a1', 'a2'];
  it.each([
    ['cancel', { reason: 'Duplicate' }],
    ['complete', { outcome: 'Done' }],
    ['reschedule', { new_due_at: '2025-12-27T14:00:00Z', update_reminder: true }],
    ['delete', {}],
  ])('accepts %s with its parameters', (action, parameters) => {
    const r = validate(bulkActionSchema, { action, activity_ids: ids, parameters });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.parameters).toMatchObject(parameters);
  });

  it.each([['cancel'], ['complete'], ['delete']])('%s works without parameters', (action) => {
    expect(validate(bulkActionSchema, { action, activity_ids: ids }).ok).toBe(true);
  });

  it('reschedule needs parameters.new_due_at', () => {
    expect(errorsOf(bulkActionSchema, { action: 'reschedule', activity_ids: ids, parameters: {} })).toEqual({
      'parameters.new_due_at': ['New due time is required.'],
    });
  });

  it('cancel with reschedule needs parameters.reschedule_date', () => {
    expect(errorsOf(bulkActionSchema, { action: 'cancel', activity_ids: ids, parameters: { reschedule: true } })).toEqual({
      'parameters.reschedule_date': ['Pick the new date and time to reschedule to.'],
    });
  });

  it('complete parameters are checked like a single complete', () => {
    expect(errorsOf(bulkActionSchema, { action: 'complete', activity_ids: ids, parameters: { duration_minutes: -3 } })).toEqual({
      'parameters.duration_minutes': ['Duration cannot be negative.'],
    });
  });

  it('refuses an unknown action with the list of actions', () => {
    const errors = errorsOf(bulkActionSchema, { action: 'archive', activity_ids: ids });
    expect(errors.action?.[0]).toBe('Choose a bulk action (cancel, complete, reschedule, delete).');
  });

  it.each([
    [[], 'Pick at least one activity.'],
    ['a1', 'Pick the activities.'],
    [Array.from({ length: 501 }, (_, i) => `a${i}`), 'Pick at most 500 activities at once.'],
  ])('activity_ids %# → %s', (activity_ids, message) => {
    expect(errorsOf(bulkActionSchema, { action: 'delete', activity_ids })).toEqual({ activity_ids: [message] });
  });

  it('an empty id in the list is named by position', () => {
    expect(errorsOf(bulkActionSchema, { action: 'delete', activity_ids: ['a1', ' '] })).toEqual({
      'activity_ids.1': ['Choose an activity.'],
    });
  });
});

describe('search query', () => {
  it.each([['ab'], ['  pricing  ']])('%j is long enough', (q) => {
    expect(searchQuerySchema.safeParse(q).success).toBe(true);
  });
  it.each([[''], ['a'], [' a '], [undefined]])('%j is refused', (q) => {
    const r = searchQuerySchema.safeParse(q);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Type at least 2 characters to search.');
  });
  it('is trimmed', () => {
    expect(searchQuerySchema.parse('  acme ')).toBe('acme');
  });
});

describe('list query', () => {
  it('parses URL strings into typed values', () => {
    const q = listQuerySchema.parse({
      type: 'call', status: 'overdue', priority: 'high', assigned_user_id: 'u1', activityable_type: 'customer',
      activityable_id: 'c1', due_date_from: '2025-12-01', due_date_to: '2025-12-31', search: 'pricing', per_page: '50',
      page: '2', sort_by: 'priority', sort_direction: 'desc', includes: 'assignedUser, contact,activityable',
      updated_since: '2025-12-01T00:00:00Z',
    });
    expect(q).toMatchObject({ per_page: 50, page: 2, includes: ['assignedUser', 'contact', 'activityable'], status: 'overdue' });
  });

  it.each([
    ['1', 1], ['25', 25], ['100', MAX_PER_PAGE], ['101', MAX_PER_PAGE], ['5000', MAX_PER_PAGE],
  ])('per_page %s → %i (clamped to 100)', (per_page, expected) => {
    expect(listQuerySchema.parse({ per_page }).per_page).toBe(expected);
  });

  it.each([
    ['per_page', '0', 'Per page must be at least 1.'],
    ['per_page', 'ten', 'Per page must be a number.'],
    ['page', '1.5', 'Page must be a whole number.'],
    ['page', '0', 'Page must be at least 1.'],
  ])('%s=%s → %s', (field, value, message) => {
    expect(errorsOf(listQuerySchema, { [field]: value })).toEqual({ [field]: [message] });
  });

  it.each([...ACTIVITY_STATUSES, 'overdue'].map((s) => [s]))('status filter %s is accepted', (status) => {
    expect(listQuerySchema.parse({ status }).status).toBe(status);
  });
  it.each(SORT_FIELDS.map((s) => [s]))('sort_by %s is accepted', (sort_by) => {
    expect(listQuerySchema.parse({ sort_by }).sort_by).toBe(sort_by);
  });
  it.each(INCLUDES.map((s) => [s]))('includes %s is accepted', (includes) => {
    expect(listQuerySchema.parse({ includes }).includes).toEqual([includes]);
  });

  it.each([
    ['status', 'late'],
    ['sort_by', 'subject'],
    ['sort_direction', 'up'],
    ['type', 'lunch'],
    ['due_date_from', '2025-12-01T00:00:00Z'],
    ['includes', 'owner'],
    ['search', 'a'],
    ['updated_since', '2025-12-01'],
  ])('refuses %s=%s with a readable per-field message', (field, value) => {
    const errors = errorsOf(listQuerySchema, { [field]: value });
    expect(Object.keys(errors).every((k) => k.startsWith(field))).toBe(true);
    expectReadable(errors);
  });

  it('due_date_from must not be after due_date_to', () => {
    expect(errorsOf(listQuerySchema, { due_date_from: '2025-12-31', due_date_to: '2025-12-01' })).toEqual({
      due_date_to: ['The start date must be on or before the end date.'],
    });
    expect(listQuerySchema.safeParse({ due_date_from: '2025-12-01', due_date_to: '2025-12-01' }).success).toBe(true);
  });
});

describe('every message is readable, whatever is sent', () => {
  const weird = {
    type: 5, subject: 5, activityable_type: null, activityable_id: 5, description: 5, contact_id: '', assigned_user_id: 5, due_at: 5,
    location: 5, is_billable: 'y', follow_up_required: 1, tags: [5], custom_fields: null, status: 5, completed_at: 5, outcome: 5,
    priority: null, duration_minutes: null, billable_rate: Infinity, reminder_at: [],
  };
  it.each([
    ['create: not an object', createActivitySchema, 'str'],
    ['create: null', createActivitySchema, null],
    ['create: every field wrong', createActivitySchema, weird],
    ['update: null', updateActivitySchema, null],
    ['update: every field wrong', updateActivitySchema, weird],
    ['complete: wrong kinds', completeActivitySchema, { outcome: 5, tags: 'x', follow_up_date: 5, duration_minutes: '1' }],
    ['cancel: wrong kinds', cancelActivitySchema, { reason: 5, reschedule: 'y', reschedule_date: 5 }],
    ['reschedule: wrong kinds', rescheduleActivitySchema, { new_due_at: 5, update_reminder: 'y', reason: 5, priority: 1 }],
    ['bulk: parameters not an object', bulkActionSchema, { action: 'cancel', activity_ids: ['a'], parameters: 'x' }],
    ['bulk: null', bulkActionSchema, null],
    ['bulk: ids not strings', bulkActionSchema, { action: 'delete', activity_ids: [1, null] }],
    ['list: wrong kinds', listQuerySchema, { assigned_user_id: '', activityable_id: '', page: '', per_page: '-1', includes: 5, search: 5 }],
  ])('%s', (_name, schema, input) => {
    const errors = errorsOf(schema, input);
    expect(Object.keys(errors).length).toBeGreaterThan(0);
    expectReadable(errors);
  });

  it('a body that is not an object says so at the top level', () => {
    expect(errorsOf(createActivitySchema, null)).toEqual({ _: ['Send the fields as an object (JSON).'] });
  });

  it('an empty filter id is named', () => {
    expect(errorsOf(listQuerySchema, { assigned_user_id: '' })).toEqual({ assigned_user_id: ['Assigned user id cannot be empty.'] });
  });
});

/** Poison input (issue 18: 9): each gets a field error a rep can read, never a crash. */
describe('poison input', () => {
  const nested = (depth: number): Record<string, unknown> => {
    let v: Record<string, unknown> = {};
    for (let i = 1; i < depth; i++) v = { d: v };
    return v;
  };

  it('custom_fields nested 5 000 deep is a field error, not a stack overflow', () => {
    expect(errorsOf(createActivitySchema, { ...base, custom_fields: nested(5000) })).toEqual({
      custom_fields: ['Custom fields are nested too deeply: at most 8 levels.'],
    });
    const deepArray: unknown[] = [];
    let cur = deepArray;
    for (let i = 0; i < 5000; i++) { const next: unknown[] = []; cur.push(next); cur = next; }
    expect(errorsOf(updateActivitySchema, { custom_fields: { list: deepArray } })).toEqual({
      custom_fields: ['Custom fields are nested too deeply: at most 8 levels.'],
    });
  });

  it('custom_fields up to 8 levels deep pass; 9 do not', () => {
    expect(validate(createActivitySchema, { ...base, custom_fields: nested(8) }).ok).toBe(true);
    expect(validate(createActivitySchema, { ...base, custom_fields: nested(9) }).ok).toBe(false);
  });

  it('a cycle in custom_fields is too deep (never an endless walk)', () => {
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(errorsOf(createActivitySchema, { ...base, custom_fields: cyc })).toEqual({
      custom_fields: ['Custom fields are nested too deeply: at most 8 levels.'],
    });
  });

  it('custom_fields of 2 MB is refused; 64 KB as JSON is the bound, to the byte', () => {
    expect(errorsOf(createActivitySchema, { ...base, custom_fields: { notes: 'x'.repeat(2 * 1024 * 1024) } })).toEqual({
      custom_fields: ['Custom fields are too large: keep them under 64 KB.'],
    });
    // Multi-byte text counts in UTF-8 bytes, as it travels.
    const fill = (bytes: number) => ({ n: 'é'.repeat(Math.floor(bytes / 2)) + (bytes % 2 ? 'x' : '') });
    const overhead = JSON.stringify(fill(0)).length;
    const exact = fill(64 * 1024 - overhead);
    expect(new TextEncoder().encode(JSON.stringify(exact)).length).toBe(64 * 1024);
    expect(validate(createActivitySchema, { ...base, custom_fields: exact }).ok).toBe(true);
    expect(validate(createActivitySchema, { ...base, custom_fields: fill(64 * 1024 - overhead + 1) }).ok).toBe(false);
  });

  it('more than 200 named custom fields (nested ones count) are refused', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
    expect(validate(createActivitySchema, { ...base, custom_fields: many(200) }).ok).toBe(true);
    expect(errorsOf(createActivitySchema, { ...base, custom_fields: many(201) })).toEqual({
      custom_fields: ['Use at most 200 custom fields (nested ones count).'],
    });
    expect(validate(createActivitySchema, { ...base, custom_fields: { ...many(150), more: many(51) } }).ok).toBe(false);
  });

  it('custom_fields take JSON values only', () => {
    for (const bad of [{ a: () => 1 }, { a: new Date(0) }, { a: Number.NaN }, { a: 10n }, { a: undefined }, { a: new Map() }]) {
      const errors = errorsOf(createActivitySchema, { ...base, custom_fields: bad });
      expect(Object.keys(errors)).toEqual(['custom_fields']);
      expectReadable(errors);
    }
    expect(validate(createActivitySchema, { ...base, custom_fields: { a: null, b: [1, 'x', true], c: { d: -1.5 } } }).ok).toBe(true);
  });

  it.each(['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '2201-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])(
    'an instant in %s is refused with the window', (at) => {
      expect(errorsOf(isoInstantSchema, at)).toEqual({ _: ['Enter a date and time between the years 1900 and 2200.'] });
      expect(errorsOf(createActivitySchema, { ...base, due_at: at })).toEqual({ due_at: ['Enter a date and time between the years 1900 and 2200.'] });
    },
  );

  it('instants at the edges of the window pass; so do date-only fields, whose window is the same', () => {
    for (const at of ['1900-01-01T00:00:00Z', '2200-12-31T23:59:59Z']) expect(validate(isoInstantSchema, at).ok).toBe(true);
    expect(errorsOf(createActivitySchema, { ...base, follow_up_date: '0000-01-01' })).toEqual({
      follow_up_date: ['Enter a date between the years 1900 and 2200.'],
    });
    expect(validate(isoDateSchema, '2200-12-31').ok).toBe(true);
    expect(errorsOf(rescheduleActivitySchema, { new_due_at: '0000-06-01T10:00:00Z' })).toEqual({
      new_due_at: ['Enter a date and time between the years 1900 and 2200.'],
    });
  });

  it('a query bound (updated_since) is not a stored date: any year passes', () => {
    expect(validate(listQuerySchema, { updated_since: '2999-01-01T00:00:00Z' }).ok).toBe(true);
  });

  it.each([
    ['zero-width space', '\u200B'],
    ['zero-width non-joiner and joiner', '\u200C\u200D'],
    ['word joiner', '\u2060\u2060'],
    ['byte order mark', '\uFEFF'],
    ['a mix with whitespace', ' \u200B\t\u2060\n\uFEFF\u200D '],
  ])('a subject of only invisible characters (%s) is "Enter a subject."', (_name, subject) => {
    expect(errorsOf(createActivitySchema, { ...base, subject })).toEqual({ subject: ['Enter a subject.'] });
    expect(errorsOf(updateActivitySchema, { subject })).toEqual({ subject: ['Enter a subject.'] });
  });

  it('a subject with visible text among invisible characters passes', () => {
    const r = validate(createActivitySchema, { ...base, subject: '\u200BCall Jane\u200B' });
    expect(r.ok).toBe(true);
  });

  it('other required text: an id or a tag of only invisible characters is refused', () => {
    expect(errorsOf(createActivitySchema, { ...base, activityable_id: '\u200B\u2060' })).toEqual({ activityable_id: ['Choose the related record.'] });
    expect(errorsOf(createActivitySchema, { ...base, tags: ['ok', '\uFEFF'] })).toEqual({ 'tags.1': ['Tags cannot be empty.'] });
  });
});
