/**
 * The calendar account and run state as stored in sync_meta, and which activities belong in the
 * calendar (the account's filter and done mode).
 */
import type { FieldbookDB } from '../sync/db.ts';
import type { LocalActivity } from '../sync/types.ts';
import { isOpen } from '../domain/rules.ts';
import {
  ACCOUNT_META_KEY, DEFAULT_CALENDAR_FILTER, INITIAL_CALENDAR_STATE, STATE_META_KEY,
  type CalendarAccount, type CalendarSyncState,
} from './types.ts';

export async function readCalendarAccount(db: FieldbookDB): Promise<CalendarAccount | null> {
  const value = (await db.sync_meta.get(ACCOUNT_META_KEY))?.value as Partial<CalendarAccount> | undefined;
  if (!value?.serverUrl || !value.calendarHref || !value.username) return null;
  return { ...value, filter: value.filter ?? DEFAULT_CALENDAR_FILTER, doneMode: value.doneMode ?? 'keep' } as CalendarAccount;
}

export async function writeCalendarAccount(db: FieldbookDB, account: CalendarAccount): Promise<void> {
  await db.sync_meta.put({ key: ACCOUNT_META_KEY, value: account });
}

export async function readCalendarState(db: FieldbookDB): Promise<CalendarSyncState> {
  const value = (await db.sync_meta.get(STATE_META_KEY))?.value as Partial<CalendarSyncState> | undefined;
  return { ...INITIAL_CALENDAR_STATE, ...value };
}

export async function updateCalendarState(db: FieldbookDB, patch: Partial<CalendarSyncState>): Promise<CalendarSyncState> {
  return db.transaction('rw', db.sync_meta, async () => {
    const next = { ...(await readCalendarState(db)), ...patch };
    await db.sync_meta.put({ key: STATE_META_KEY, value: next });
    return next;
  });
}

/**
 * Whether an activity has an event in the calendar: it has a due time, is not deleted, is the
 * rep's (unless the filter says all), and is open — or closed with the done mode 'keep' and either
 * the filter taking closed ones or an event already there (completing an activity updates its
 * event rather than removing it; with 'remove' a closed one's event goes).
 */
export function belongsInCalendar(
  row: Pick<LocalActivity, 'deleted' | 'due_at' | 'assigned_user_id' | 'status'>,
  account: Pick<CalendarAccount, 'filter' | 'doneMode'>,
  currentUserId: string | null,
  linked: boolean,
): boolean {
  if (row.deleted === 1 || !row.due_at) return false;
  if (account.filter.owner === 'mine' && (currentUserId === null || row.assigned_user_id !== currentUserId)) return false;
  if (isOpen(row.status)) return true;
  if (account.doneMode === 'remove') return false;
  return account.filter.statuses === 'all' || linked;
}
