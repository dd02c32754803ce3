/**
 * The weekly review's data in the view: the rows come from shared/sync's named query
 * (weeklyReviewOf, queries/review.ts), live; the clock here re-runs it every minute.
 */
import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { WeeklyReview } from '#shared/domain/index';
import { REVIEW_OVERDUE_SHOWN, weeklyReviewOf, type LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';

/** Overdue rows the review draws at most (oldest first); the Overdue queue works the rest. */
export const OVERDUE_SHOWN = REVIEW_OVERDUE_SHOWN;

/** Re-evaluates every minute so "overdue" and "today" stay right while the view is open. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** The review with `overdue` cut to the OVERDUE_SHOWN oldest (and recent ones), and how many are overdue in all. */
export function useWeeklyReview(nowMs: number): (WeeklyReview<LocalActivity> & { overdueTotal: number }) | undefined {
  const { db, settings, currentUser } = useApp();
  const zone = settings.timeZone;
  const userId = currentUser?.id;
  return useLiveQuery(() => weeklyReviewOf(db, nowMs, zone, userId), [db, nowMs, zone, userId]);
}
