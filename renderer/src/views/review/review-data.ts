/**
 * The weekly review's data in the view: the rows come from shared/sync's named query
 * (weeklyReviewOf, queries/review.ts), live; the clock here re-runs it every minute.
 */
import { useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { WeeklyReview } from '#shared/domain/index';
import { overdueCount, rememberedReview, REVIEW_OVERDUE_SHOWN, weeklyReviewOf, type LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';

/** Overdue rows the review draws at most (oldest first); the Overdue queue works the rest. */
export const OVERDUE_SHOWN = REVIEW_OVERDUE_SHOWN;

const MINUTE_MS = 60_000;
const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/**
 * The current minute (epoch ms, to the minute), moving on as each minute starts: "overdue" and
 * "today" stay right while the view is open, and the view opened again within the minute asks
 * the same question (rememberedReview can answer it at once).
 */
export function useMinuteClock(): number {
  const [minute, setMinute] = useState(() => minuteOf(Date.now()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      timer = setTimeout(() => { setMinute(minuteOf(Date.now())); next(); }, MINUTE_MS - (Date.now() % MINUTE_MS) + 5);
    };
    next();
    return () => clearTimeout(timer);
  }, []);
  return minute;
}

/**
 * The review with `overdue` cut to the OVERDUE_SHOWN oldest (and recent ones), and how many are
 * overdue in all: that count (a walk of every overdue entry) is read once the review is in, so
 * the two reads don't hold each other up; `overdueTotal` is undefined until it comes. Opened
 * again with nothing written since, the last answer is drawn at once while the store is read.
 */
export function useWeeklyReview(nowMs: number): (WeeklyReview<LocalActivity> & { overdueTotal: number | undefined }) | undefined {
  const { db, settings, currentUser } = useApp();
  const zone = settings.timeZone;
  const userId = currentUser?.id;
  const review = useLiveQuery(() => weeklyReviewOf(db, nowMs, zone, userId), [db, nowMs, zone, userId], rememberedReview(db, nowMs, zone, userId));
  const reviewIn = review !== undefined;
  const overdueTotal = useLiveQuery(() => (reviewIn ? overdueCount(db, nowMs, userId) : undefined), [db, nowMs, userId, reviewIn]);
  return useMemo(() => review && { ...review, overdueTotal }, [review, overdueTotal]);
}
