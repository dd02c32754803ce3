import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../state/store.ts';
import { toListQuery } from './activities.ts';

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
