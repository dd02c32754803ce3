import { describe, expect, it } from 'vitest';
import { DETAIL_FIELDS, isPartialRemote, MERGEABLE_FIELDS, normalizeRemote, remoteActivitySchema } from './activity.ts';
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, PRIORITIES } from './enums.ts';

/** The guide's detail response. */
const detail = {
  id: '01hwxyzB23abc456def789ghi0', type: 'call', status: 'pending', priority: 'high',
  subject: 'Follow-up Call - Proposal Discussion', description: 'Discuss pricing',
  activityable_type: 'opportunity', activityable_id: '01hwxyz823abc456def789ghi0',
  activityable: { id: '01hwxyz823abc456def789ghi0', name: 'Enterprise Software License - Q1 2026', value: 125000, stage: 'proposal' },
  contact_id: '01hwxyz323abc456def789ghi0', contact: { id: '01hwxyz323abc456def789ghi0', name: 'Jane Smith', email: 'jane@acme.com' },
  assigned_user_id: '01hwxyz423abc456def789ghi0', assigned_user: { id: '01hwxyz423abc456def789ghi0', name: 'Sales Rep' },
  created_by: { id: '01hwxyz423abc456def789ghi0', name: 'Sales Rep' },
  due_at: '2025-12-20T14:00:00Z', duration_minutes: 30, location: 'Phone call', reminder_at: '2025-12-20T13:45:00Z',
  follow_up_required: true, follow_up_date: '2025-12-23', is_overdue: false, is_billable: true, billable_rate: 150.0,
  tags: ['proposal', 'pricing'], custom_fields: { call_purpose: 'proposal_follow_up' }, outcome: null, completed_at: null,
  cancelled_at: null, cancellation_reason: null, previous_due_at: null, rescheduled_count: 0,
  created_at: '2025-12-18T10:00:00Z', updated_at: '2025-12-18T10:00:00Z',
};

describe('remoteActivitySchema + normalizeRemote', () => {
  it('takes the full detail response as is', () => {
    const a = normalizeRemote(remoteActivitySchema.parse(detail));
    expect(a).toEqual(detail);
    expect(isPartialRemote(remoteActivitySchema.parse(detail))).toBe(false);
  });

  it('fills a minimal list item with the guide defaults', () => {
    const r = remoteActivitySchema.parse({ id: 'a1', type: 'email', status: 'waiting', subject: 'Send pricing sheet' });
    expect(isPartialRemote(r)).toBe(true);
    expect(normalizeRemote(r)).toEqual({
      id: 'a1', type: 'email', status: 'waiting', priority: 'medium', subject: 'Send pricing sheet', description: null,
      activityable_type: 'customer', activityable_id: '', activityable: null, contact_id: null, contact: null,
      assigned_user_id: '', assigned_user: null, created_by: null, due_at: null, duration_minutes: null, location: null,
      reminder_at: null, follow_up_required: false, follow_up_date: null, is_overdue: false, is_billable: false,
      billable_rate: null, tags: [], custom_fields: {}, outcome: null, completed_at: null, cancelled_at: null,
      cancellation_reason: null, previous_due_at: null, rescheduled_count: 0, created_at: '', updated_at: '',
    });
  });

  it('takes ids from embedded relations when the plain id is missing', () => {
    const a = normalizeRemote(remoteActivitySchema.parse({
      id: 'a1', type: 'call', status: 'pending', subject: 'x y',
      activityable: { id: 'cus_9', name: 'ACME' }, contact: { id: 'con_9', name: 'Jo' }, assigned_user: { id: 'u9', name: 'Rep' },
    }));
    expect(a).toMatchObject({ activityable_id: 'cus_9', contact_id: 'con_9', assigned_user_id: 'u9' });
  });

  it('turns nulls where the app wants values into the defaults', () => {
    const a = normalizeRemote(remoteActivitySchema.parse({ ...detail, tags: null, custom_fields: null, rescheduled_count: null, follow_up_required: null, is_billable: null }));
    expect(a).toMatchObject({ tags: [], custom_fields: {}, rescheduled_count: 0, follow_up_required: false, is_billable: false });
  });

  it('keeps unknown fields (tolerant of servers with more)', () => {
    const r = remoteActivitySchema.parse({ ...detail, sentiment: 'positive' });
    expect(r).toHaveProperty('sentiment', 'positive');
  });

  it.each(ACTIVITY_TYPES.map((t) => [t]))('accepts type %s', (type) => {
    expect(remoteActivitySchema.safeParse({ ...detail, type }).success).toBe(true);
  });
  it.each(ACTIVITY_STATUSES.map((s) => [s]))('accepts status %s', (status) => {
    expect(remoteActivitySchema.safeParse({ ...detail, status }).success).toBe(true);
  });
  it.each(PRIORITIES.map((p) => [p]))('accepts priority %s', (priority) => {
    expect(remoteActivitySchema.safeParse({ ...detail, priority }).success).toBe(true);
  });

  it.each([['id'], ['type'], ['status'], ['subject']])('refuses a record without %s', (field) => {
    const rest: Record<string, unknown> = { ...detail };
    delete rest[field];
    expect(remoteActivitySchema.safeParse(rest).success).toBe(false);
  });

  it('keeps a status the guide does not list with its raw value (a newer CRM\'s), and refuses a blank one', () => {
    expect(normalizeRemote(remoteActivitySchema.parse({ ...detail, status: 'archived' })).status).toBe('archived');
    expect(remoteActivitySchema.safeParse({ ...detail, status: '  ' }).success).toBe(false);
    expect(remoteActivitySchema.safeParse({ ...detail, status: 7 }).success).toBe(false);
  });

  it.each(DETAIL_FIELDS.map((f) => [f]))('a list item without %s is partial', (field) => {
    const rest: Record<string, unknown> = { ...detail };
    delete rest[field];
    expect(isPartialRemote(remoteActivitySchema.parse(rest))).toBe(true);
  });

  it('every mergeable field exists on a normalized activity', () => {
    const a = normalizeRemote(remoteActivitySchema.parse(detail));
    for (const f of MERGEABLE_FIELDS) expect(a).toHaveProperty(f);
  });
});

describe('tolerant of other server dialects', () => {
  it('accepts integer ids and numeric strings, giving the app strings and numbers', () => {
    const a = normalizeRemote(remoteActivitySchema.parse({
      ...detail, id: 42, activityable_id: 7, contact_id: 9, assigned_user_id: 3,
      activityable: { id: 7, name: 'ACME', value: '125000.00' }, assigned_user: { id: 3, name: 'Rep' },
      billable_rate: '150.00', duration_minutes: '30', rescheduled_count: '2',
    }));
    expect(a).toMatchObject({
      id: '42', activityable_id: '7', contact_id: '9', assigned_user_id: '3', billable_rate: 150, duration_minutes: 30, rescheduled_count: 2,
    });
    expect(a.activityable).toMatchObject({ id: '7', value: 125000 });
    expect(a.assigned_user?.id).toBe('3');
  });

  it.each([
    ['2025-12-23', '2025-12-23'],
    ['2025-12-23T00:00:00.000000Z', '2025-12-23'],
    ['2025-12-23T00:00:00+00:00', '2025-12-23'],
  ])('follow_up_date %s is kept as the date %s (never shifted)', (sent, kept) => {
    expect(normalizeRemote(remoteActivitySchema.parse({ ...detail, follow_up_date: sent })).follow_up_date).toBe(kept);
  });

  it('still refuses non-numeric strings for numbers', () => {
    expect(remoteActivitySchema.safeParse({ ...detail, billable_rate: 'lots' }).success).toBe(false);
    expect(remoteActivitySchema.safeParse({ ...detail, duration_minutes: '' }).success).toBe(false);
  });
});
