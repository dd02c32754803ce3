import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, MY_ACTIVITIES } from '../state/store.ts';
import { startOfToday, toListQuery, withMe } from './activities.ts';

describe('toListQuery', () => {
  it('sends search only from 2 characters (the guide rule), trimmed', () => {
    expect(toListQuery({ ...DEFAULT_FILTERS, search: ' Q ' }).search).toBeUndefined();
    expect(toListQuery({ ...DEFAULT_FILTERS, search: ' QB ' }).search).toBe('QB');
  });

  it('passes every filter, sort and page, and leaves unset ones out', () => {
    const q = toListQuery({
      ...DEFAULT_FILTERS, type: 'demo', status: 'overdue', priority: 'high', assigned_user_id: 'u1',
      activityable_type: 'customer', activityable_id: 'c1', due_date_from: '2025-12-01', due_date_to: '2025-12-31',
      sort_by: 'priority', sort_direction: 'desc', page: 3, per_page: 50,
    });
    expect(q).toEqual({
      type: 'demo', status: 'overdue', priority: 'high', assigned_user_id: 'u1', activityable_type: 'customer',
      activityable_id: 'c1', due_date_from: '2025-12-01', due_date_to: '2025-12-31', sort_by: 'priority',
      sort_direction: 'desc', page: 3, per_page: 50,
    });
    expect(toListQuery(DEFAULT_FILTERS)).toEqual({ sort_by: 'due_at', sort_direction: 'asc', page: 1, per_page: 25 });
  });
});

describe('the default list: mine, upcoming first', () => {
  it('"mine" is the signed-in rep once known, everyone\'s until then', () => {
    expect(DEFAULT_FILTERS).toMatchObject({ assigned_user_id: MY_ACTIVITIES, sort_by: 'due_at', sort_direction: 'asc', upcoming: true });
    expect(toListQuery(withMe(DEFAULT_FILTERS, 'u-7')).assigned_user_id).toBe('u-7');
    expect(toListQuery(withMe(DEFAULT_FILTERS, undefined))).not.toHaveProperty('assigned_user_id');
    const anyone = { ...DEFAULT_FILTERS, assigned_user_id: undefined };
    expect(withMe(anyone, 'u-7')).toBe(anyone);
  });

  it('upcoming first starts at the rep\'s midnight', () => {
    const now = Date.parse('2025-12-10T03:30:00Z');
    expect(startOfToday('UTC', now)).toBe(Date.parse('2025-12-10T00:00:00Z'));
    // 03:30 UTC is still the 9th in New York.
    expect(startOfToday('America/New_York', now)).toBe(Date.parse('2025-12-09T05:00:00Z'));
  });
});
