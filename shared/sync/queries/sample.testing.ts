/** The ten activities the list, views and directory tests share: one row per case the filters and sorts must tell apart. */
import type { Activity } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import { toLocalRow } from '../rows.ts';
import { serverActivity } from '../store.testing.ts';

export const NOW = Date.parse('2025-12-10T12:00:00Z');

/** [lid, fields]: one row per case the filters and sorts must tell apart. a09 is deleted locally. */
export const DATA: [string, Partial<Activity>][] = [
  ['a01', { type: 'call', status: 'pending', priority: 'high', assigned_user_id: 'u-1', activityable_type: 'customer', activityable_id: 'cus-1', due_at: '2025-12-08T09:00:00Z', subject: 'Call Bob about the proposal', description: 'Discuss pricing', created_at: '2025-12-01T09:00:00Z' }],
  ['a02', { type: 'meeting', status: 'in_progress', priority: 'medium', assigned_user_id: 'u-2', activityable_type: 'lead', activityable_id: 'lead-1', due_at: '2025-12-10T15:00:00Z', subject: 'Proposal review meeting', created_at: '2025-12-02T09:00:00Z' }],
  ['a03', { type: 'task', status: 'completed', priority: 'low', assigned_user_id: 'u-1', activityable_type: 'customer', activityable_id: 'cus-1', due_at: '2025-12-05T10:00:00Z', subject: 'Send quote', outcome: 'Signed; wants a volume discount', completed_at: '2025-12-05T11:00:00Z', created_at: '2025-12-03T09:00:00Z' }],
  ['a04', { type: 'demo', status: 'cancelled', priority: 'urgent', assigned_user_id: 'u-1', activityable_type: 'opportunity', activityable_id: 'opp-1', due_at: '2025-12-09T10:00:00Z', subject: 'Product demo', cancelled_at: '2025-12-08T10:00:00Z', created_at: '2025-12-04T09:00:00Z' }],
  ['a05', { type: 'email', status: 'deferred', priority: 'critical', assigned_user_id: 'u-2', activityable_type: 'contact', activityable_id: 'con-1', due_at: '2025-12-01T10:00:00Z', subject: 'Email pricing sheet', description: 'Café owner wants the proposal', created_at: '2025-12-05T09:00:00Z' }],
  ['a06', { type: 'visit', status: 'waiting', priority: 'medium', assigned_user_id: 'u-1', activityable_type: 'customer', activityable_id: 'cus-2', due_at: null, subject: 'Visit warehouse', created_at: '2025-12-06T09:00:00Z' }],
  ['a07', { type: 'note', status: 'pending', priority: 'low', assigned_user_id: 'u-2', activityable_type: 'customer', activityable_id: 'cus-1', due_at: null, subject: 'Note on discussion', created_at: '2025-12-07T09:00:00Z' }],
  ['a08', { type: 'call', status: 'pending', priority: 'high', assigned_user_id: 'u-1', activityable_type: 'customer', activityable_id: 'cus-1', due_at: '2025-12-11T23:59:59Z', subject: 'Call back', created_at: '2025-12-08T09:00:00Z' }],
  ['a09', { type: 'call', status: 'pending', priority: 'medium', assigned_user_id: 'u-1', activityable_type: 'lead', activityable_id: 'lead-1', due_at: '2025-12-02T10:00:00Z', subject: 'Proposal call deleted', created_at: '2025-12-09T09:00:00Z' }],
  ['a10', { type: 'meeting', status: 'pending', priority: 'medium', assigned_user_id: 'u-1', activityable_type: 'customer', activityable_id: 'cus-1', due_at: '2025-12-10T00:00:00Z', subject: 'Standup', created_at: '2025-12-10T09:00:00Z' }],
];

/** Writes the sample rows (a09 deleted locally) into `db`. */
export async function seedSample(db: FieldbookDB): Promise<void> {
  await db.activities.bulkPut(DATA.map(([lid, f]) => {
    const a = serverActivity({ id: `srv-${lid}`, is_overdue: false, ...f });
    return toLocalRow(a, { lid, base: a, sync: 'synced', deleted: lid === 'a09' ? 1 : 0 });
  }));
}
