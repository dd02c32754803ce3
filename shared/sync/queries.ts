/**
 * Reads of the local store for the UI (wrap them in liveQuery/useLiveQuery) and the tray, one
 * file per job under queries/:
 * - criteria.ts: what a list query asks, the row filter, the sorts, the index reads a filter can use;
 * - list.ts: the list planner (GET /activities locally) and exact totals;
 * - search.ts: search as the rep types; search-cache.ts: its memory of the last search
 *   (watchStoreWrites, called by whoever opens the store for the UI, keeps it honest);
 * - views.ts: the views' named reads (overdue, calendar, billable, review, reminders, ...);
 * - directory.ts: the entities directory;
 * - sync-state.ts: the queues as the rep sees them (an activity's ops and conflicts, the Sync view's issues).
 * createQueries binds them to one database and clock. Rows deleted locally never appear.
 */
import type { ActivityableType, DirectoryType, ListQueryInput } from '../domain/index.ts';
import type { FieldbookDB } from './db.ts';
import type { ListOptions, Paging } from './queries/criteria.ts';
import { getEntity, searchEntities, upsertEntities, type EntityInput } from './queries/directory.ts';
import { listActivities, searchActivities, totalActivities } from './queries/list.ts';
import {
  activitiesForEntity, activityByServerId, activityDetail, calendarRange, overdueQueue, trayCounts,
  type OverdueOptions, type RangeOptions,
} from './queries/views.ts';

export { compareActivities, type ListOptions, type Page, type PageMeta, type Paging } from './queries/criteria.ts';
export { listActivities, searchActivities, totalActivities } from './queries/list.ts';
export { forgetKnownMatches, watchStoreWrites } from './queries/search-cache.ts';
export {
  activitiesForEntity, activityByServerId, activityDetail, billableCompletions, calendarRange, overdueCount, overdueQueue, remindersDue,
  seriesOf, trayCounts, type OverdueOptions, type RangeOptions, type ReminderSource, type TrayCounts, type WithDirectory,
} from './queries/views.ts';
export { rememberedReview, REVIEW_OVERDUE_SHOWN, reviewRows, weeklyReviewOf } from './queries/review.ts';
export {
  directoryUsers, entitiesByRef, entityFollowingMoves, entityKey, getEntity, searchEntities, upsertEntities, type EntityInput,
} from './queries/directory.ts';
export {
  conflictsOfActivity, entityIssues, entityWithEdits, opsOfActivity, syncIssues, type EntityIssue, type EntityWithEdits, type SyncIssues,
} from './queries/sync-state.ts';

/** The queries bound to one database and clock, for the UI. */
export function createQueries(db: FieldbookDB, clock: { now?: () => number } = {}) {
  const now = clock.now ?? Date.now;
  return {
    list: (query: ListQueryInput = {}, opts: ListOptions = {}) => listActivities(db, query, now(), opts),
    total: (query: ListQueryInput = {}, opts: Pick<ListOptions, 'signal' | 'timeZone'> = {}) => totalActivities(db, query, now(), opts.signal, opts.timeZone),
    search: (q: string, paging: Paging = {}) => searchActivities(db, q, paging, now()),
    overdueQueue: (nowMs: number = now(), opts: OverdueOptions = {}) => overdueQueue(db, nowMs, opts),
    calendarRange: (fromMs: number, toMs: number, opts: RangeOptions = {}) => calendarRange(db, fromMs, toMs, opts, now()),
    byEntity: (type: ActivityableType, id: string) => activitiesForEntity(db, type, id, now()),
    detail: (lid: string) => activityDetail(db, lid, now()),
    byServerId: (serverId: string) => activityByServerId(db, serverId, now()),
    counts: (nowMs: number = now(), day?: { startMs: number; endMs: number }) => trayCounts(db, nowMs, day),
    upsertEntities: (entities: readonly EntityInput[]) => upsertEntities(db, entities),
    getEntity: (type: DirectoryType, id: string) => getEntity(db, type, id),
    searchEntities: (type: DirectoryType, prefix: string, limit?: number) => searchEntities(db, type, prefix, limit),
  };
}
export type Queries = ReturnType<typeof createQueries>;
