/**
 * The rows the weekly review looks at, read from indexes rather than the whole store: open
 * overdue ones, everything due from a week before this week to two weeks ahead (next week's
 * prep, the load chart, prep tasks), this week's completions, and the evidence that decides the
 * rest: for each completion still lacking a follow-up and each next-week demo lacking prep, the
 * activities that link to it, the first prep task on its record that prepares it, and the first
 * activity created on its record since the completion. What is read does not grow with the store
 * or the week's edits.
 */
import {
  activityRefs, followUpsMissing, hasFollowUp, isPrepFor, needsPreparation, reviewWeeks, weeklyReview, type WeeklyReview,
} from '../../domain/index.ts';
import { busyBlocks } from '../../caldav/busy.ts';
import type { FieldbookDB } from '../db.ts';
import { activitiesLinkedTo, firstLinkedTo, firstOnRecordSince } from '../activity-keys.ts';
import { prepTaskKey } from '../rows.ts';
import type { LocalActivity } from '../types.ts';
import { writesNow, writesSoFar } from './search-cache.ts';
import { overdueQueue } from './views.ts';

const DAY_MS = 86_400_000;

/**
 * Overdue rows the review draws at most (oldest first). A rep far behind works the rest in the
 * Overdue queue, which is virtualized: thousands of rows here took seconds to open.
 */
export const REVIEW_OVERDUE_SHOWN = 200;

/**
 * `userId`: the rep whose week it is (a colleague's activities on shared accounts are theirs to
 * review). `overdueLimit`: at most this many of the oldest overdue rows (the rest of the window
 * is read whole, so recent overdue ones may come too).
 */
export async function reviewRows(
  db: FieldbookDB, nowMs: number, timeZone: string, userId?: string, overdueLimit = Infinity,
): Promise<LocalActivity[]> {
  const weeks = reviewWeeks(new Date(nowMs).toISOString(), timeZone);
  const weekStart = Date.parse(weeks.thisWeek.from);
  // A week before this week's start too: prep tasks for next week may be due early.
  const [lo, hi] = [weekStart - 7 * DAY_MS, Math.max(Date.parse(weeks.nextWeek.to), nowMs + 15 * DAY_MS)];
  const t = db.activities;
  const mine = (a: LocalActivity) => a.deleted === 0 && (userId === undefined || a.assigned_user_id === userId);
  // The rep's own rows from the per-assignee indexes (on a shared store, colleagues' rows are most).
  const [overdue, window, completed] = await Promise.all([
    overdueQueue(db, nowMs, {
      ...(userId === undefined ? {} : { assigned_user_id: userId }),
      ...(overdueLimit === Infinity ? {} : { limit: overdueLimit }),
    }),
    userId === undefined
      ? t.where('due_ms').between(lo, hi).toArray()
      : t.where('[assigned_user_id+due_ms]').between([userId, lo], [userId, hi]).toArray(),
    t.where('completed_ms').between(weekStart, Date.parse(weeks.thisWeek.to), true, false).toArray(),
  ]);
  const byLid = new Map<string, LocalActivity>();
  const keep = (rows: readonly (LocalActivity | undefined)[]) => {
    for (const a of rows) if (a && mine(a)) byLid.set(a.lid, a);
  };
  keep(overdue);
  keep(window);
  keep(completed);

  // What the rows so far leave unanswered. Evidence found below only removes items from these
  // two lists; every other part of the review is already decided by the rows above.
  const rows = [...byLid.values()];
  const noFollowUp = followUpsMissing(rows, weeks.thisWeek);
  const unprepared = needsPreparation(rows, weeks.nextWeek);
  const keys = new Set<string>();
  for (const a of [...noFollowUp, ...unprepared]) for (const ref of activityRefs(a)) keys.add(ref);
  const [linked, prepared, later] = await Promise.all([
    activitiesLinkedTo(db, [...keys]),
    // A prep task on the record: the first that prepares the activity is enough (a record may hold
    // hundreds over the years, and reading them all was most of the review's time).
    Promise.all(unprepared.map((a) => firstLinkedTo(db, prepTaskKey(a.activityable_type, a.activityable_id), (x) => mine(x) && isPrepFor(x, a)))),
    // A follow-up is also any activity on the record created since the completion: the first one
    // is enough, found by creation time on that record (a second earlier for differently
    // written instants), not by reading the record.
    Promise.all(noFollowUp.map((s) => {
      const since = new Date(Date.parse(s.completed_at ?? s.created_at) - 1000).toISOString();
      return firstOnRecordSince(db, s.activityable_type, s.activityable_id, since, (x) => mine(x) && hasFollowUp(s, [x]));
    })),
  ]);
  keep(linked);
  keep(prepared);
  keep(later);
  return [...byLid.values()];
}

/** The last review weeklyReviewOf answered, per store: its arguments and the write count before its reads. */
const lastReview = new WeakMap<FieldbookDB, { key: string; writes: number; review: WeeklyReview<LocalActivity> }>();
const reviewKey = (nowMs: number, timeZone: string, userId?: string) => `${nowMs}|${timeZone}|${userId ?? ''}`;

/**
 * The weekly review of `userId`'s week (everyone's without one), its overdue list cut to the
 * REVIEW_OVERDUE_SHOWN oldest (and recent ones). How many are overdue in all is overdueCount's,
 * read apart: a count walks every overdue entry, and the view draws the review without waiting.
 */
export async function weeklyReviewOf(
  db: FieldbookDB, nowMs: number, timeZone: string, userId?: string,
): Promise<WeeklyReview<LocalActivity>> {
  // Noted before any read: a write during the reads leaves this answer unremembered.
  const writes = await writesNow();
  const [rows, busy] = await Promise.all([
    reviewRows(db, nowMs, timeZone, userId, REVIEW_OVERDUE_SHOWN),
    // The rep's other calendar events (issue #14) over the load chart's two weeks (a day either side for the zone).
    busyBlocks(db, nowMs - DAY_MS, nowMs + 15 * DAY_MS),
  ]);
  const review = weeklyReview(rows, { now: new Date(nowMs).toISOString(), timeZone, busy });
  if (writes !== undefined) lastReview.set(db, { key: reviewKey(nowMs, timeZone, userId), writes, review });
  return review;
}

/**
 * The review weeklyReviewOf last answered for the same arguments, when nothing was written to
 * any store since its reads began (watchStoreWrites counts them): exactly what it would answer
 * again. A view opened again draws it at once while its live query reads the store; undefined
 * otherwise (and always while writes are not watched).
 */
export function rememberedReview(db: FieldbookDB, nowMs: number, timeZone: string, userId?: string): WeeklyReview<LocalActivity> | undefined {
  const last = lastReview.get(db);
  const writes = writesSoFar();
  return last && writes !== undefined && last.writes === writes && last.key === reviewKey(nowMs, timeZone, userId) ? last.review : undefined;
}
