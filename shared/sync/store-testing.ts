/**
 * Test fixtures for the local store: a fresh database per test and full activity records.
 * Used only by *.test.ts (and benches); nothing in the app imports it.
 */
import type { DexieOptions } from 'dexie';
import type { Activity } from '../domain/index.ts';
import { FieldbookDB } from './db.ts';
import { toLocalRow } from './rows.ts';
import type { LocalActivity, SyncState } from './types.ts';

let dbCounter = 0;

/** A database no other test uses (IndexedDB is shared within a test file's process). */
export function freshDb(label = 'test', options?: DexieOptions): FieldbookDB {
  dbCounter += 1;
  return new FieldbookDB(`${label}-${dbCounter}-${Math.random().toString(36).slice(2)}`, options);
}

/** Sequential ids that sort in creation order, like ULIDs do. */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}${String(n++).padStart(6, '0')}`;
}

/** A complete server record with the guide's defaults; override what the test cares about. */
export function serverActivity(overrides: Partial<Activity> = {}): Activity {
  return {
    id: 'srv-1',
    type: 'call',
    status: 'pending',
    priority: 'medium',
    subject: 'Follow-up call',
    description: null,
    activityable_type: 'customer',
    activityable_id: 'cus-1',
    contact_id: null,
    assigned_user_id: 'u-1',
    due_at: '2025-12-20T14:00:00Z',
    duration_minutes: 30,
    location: null,
    reminder_at: '2025-12-20T13:45:00Z',
    follow_up_required: false,
    follow_up_date: null,
    is_overdue: false,
    is_billable: false,
    billable_rate: null,
    tags: [],
    custom_fields: {},
    outcome: null,
    completed_at: null,
    cancelled_at: null,
    cancellation_reason: null,
    previous_due_at: null,
    rescheduled_count: 0,
    created_at: '2025-12-01T09:00:00Z',
    updated_at: '2025-12-01T09:00:00Z',
    ...overrides,
  };
}

/** Store a server record as a synced row (base = the record), as a pull would. */
export async function seedSynced(db: FieldbookDB, lid: string, overrides: Partial<Activity> = {}, sync: SyncState = 'synced'): Promise<LocalActivity> {
  const a = serverActivity({ id: `srv-${lid}`, ...overrides });
  const row = toLocalRow(a, { lid, base: a, sync });
  await db.activities.put(row);
  return row;
}

/** Everything in the activities and outbox tables, for "nothing was written" checks. */
export async function snapshot(db: FieldbookDB): Promise<{ activities: LocalActivity[]; outbox: unknown[] }> {
  return db.transaction('r', db.activities, db.outbox, async () => ({
    activities: await db.activities.toArray(),
    outbox: await db.outbox.toArray(),
  }));
}
