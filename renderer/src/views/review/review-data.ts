/**
 * The rows the weekly review looks at, read from indexes rather than the whole store: open
 * overdue ones, everything due from the start of this week to two weeks ahead (next week's prep,
 * the load chart, prep tasks), and everything changed this week (completions, new follow-ups).
 */
import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { reviewWeeks, weeklyReview, type WeeklyReview } from '#shared/domain/index';
import type { FieldbookDB } from '#shared/sync/db';
import type { LocalActivity } from '#shared/sync/types';
import { useApp } from '../../app/context.tsx';

const DAY_MS = 86_400_000;

/** `userId`: the rep whose week it is (a colleague's activities on shared accounts are theirs to review). */
export async function reviewRows(db: FieldbookDB, nowMs: number, timeZone: string, userId?: string): Promise<LocalActivity[]> {
  const weeks = reviewWeeks(new Date(nowMs).toISOString(), timeZone);
  const weekStart = Date.parse(weeks.thisWeek.from);
  // A week before this week's start too: prep tasks for next week may be due early.
  const [lo, hi] = [weekStart - 7 * DAY_MS, Math.max(Date.parse(weeks.nextWeek.to), nowMs + 15 * DAY_MS)];
  const t = db.activities;
  // The rep's own rows from the per-assignee indexes (on a shared store, colleagues' rows are most).
  const [overdue, window, touched] = await Promise.all([
    userId === undefined
      ? t.where('[open+due_ms]').between([1, -Infinity], [1, nowMs], true, false).toArray()
      : t.where('[assigned_user_id+open+due_ms]').between([userId, 1, -Infinity], [userId, 1, nowMs], true, false).toArray(),
    userId === undefined
      ? t.where('due_ms').between(lo, hi).toArray()
      : t.where('[assigned_user_id+due_ms]').between([userId, lo], [userId, hi]).toArray(),
    // Completed this week and created this week (follow-ups) were both updated this week: one
    // index range instead of reading every completed activity.
    t.where('updated_at').aboveOrEqual(weeks.thisWeek.from).toArray(),
  ]);
  const byLid = new Map<string, LocalActivity>();
  for (const a of [...overdue, ...window, ...touched]) {
    if (a.deleted === 0 && (userId === undefined || a.assigned_user_id === userId)) byLid.set(a.lid, a);
  }
  return [...byLid.values()];
}

/** Re-evaluates every minute so "overdue" and "today" stay right while the view is open. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function useWeeklyReview(nowMs: number): WeeklyReview<LocalActivity> | undefined {
  const { db, settings, currentUser } = useApp();
  const zone = settings.timeZone;
  const userId = currentUser?.id;
  return useLiveQuery(async () => {
    const rows = await reviewRows(db, nowMs, zone, userId);
    return weeklyReview(rows, { now: new Date(nowMs).toISOString(), timeZone: zone });
  }, [db, nowMs, zone, userId]);
}
