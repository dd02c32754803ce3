/** Live reads of activities for the views (Dexie liveQuery through the shared queries). */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { TZDate } from '@date-fns/tz';
import { MIN_SEARCH_LENGTH, type ListQueryInput } from '#shared/domain/index';
import { conflictsOfActivity, opsOfActivity, syncIssues, type ConflictRecord, type LocalActivity, type OutboxOp, type Page, type SyncIssues } from '#shared/sync/index';
import { useApp } from '../app/context.tsx';
import { MY_ACTIVITIES, type ActivityFilters } from '../state/store.ts';
import { useLatestLiveQuery } from './latest-live-query.ts';

export interface ActivityListResult {
  page: Page<LocalActivity> | undefined;
  /** A message when the filters can't be applied (e.g. from after to). */
  error: string | null;
  /** True while typing outran the last result. */
  stale: boolean;
  /** The search text the shown page answers (it lags the box while a newer query runs). */
  search: string | undefined;
}

/**
 * The filters with "my activities" as the rep's user id (everyone's while who the rep is isn't
 * known). The same object when there is nothing to resolve, so it can key a live query.
 */
export function withMe(f: ActivityFilters, myId: string | undefined): ActivityFilters {
  return f.assigned_user_id === MY_ACTIVITIES ? { ...f, assigned_user_id: myId } : f;
}

/** When the rep's day (in `timeZone`) began: upcoming-first lists start there. */
export function startOfToday(timeZone: string, nowMs: number = Date.now()): number {
  const d = new TZDate(nowMs, timeZone);
  return new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), timeZone).getTime();
}

/** The filters as a list query: search only from MIN_SEARCH_LENGTH characters (the guide's rule). */
export function toListQuery(f: ActivityFilters): ListQueryInput {
  const q: ListQueryInput = { sort_by: f.sort_by, sort_direction: f.sort_direction, page: f.page, per_page: f.per_page };
  if (f.type) q.type = f.type;
  if (f.status) q.status = f.status;
  if (f.priority) q.priority = f.priority;
  // Unresolved "mine" (who the rep is isn't known yet) lists everyone's.
  if (f.assigned_user_id && f.assigned_user_id !== MY_ACTIVITIES) q.assigned_user_id = f.assigned_user_id;
  if (f.activityable_type) q.activityable_type = f.activityable_type;
  if (f.activityable_id) q.activityable_id = f.activityable_id;
  if (f.due_date_from) q.due_date_from = f.due_date_from;
  if (f.due_date_to) q.due_date_to = f.due_date_to;
  const s = f.search.trim();
  if (s.length >= MIN_SEARCH_LENGTH) q.search = s;
  return q;
}

/**
 * A signal per query key: asking for a new key aborts the query of the key before (once the rep
 * has typed past it, it stops between reads instead of competing with the newest one; its result
 * would not be shown anyway). Re-runs of the same key (the store changed) are left alone.
 */
function useSupersede<K>(): { signal: (key: K) => AbortSignal; cancel: () => void } {
  const running = useRef<{ key: K; abort: AbortController } | null>(null);
  const signal = useCallback((key: K) => {
    if (running.current && running.current.key !== key) running.current.abort.abort();
    const abort = new AbortController();
    running.current = { key, abort };
    return abort.signal;
  }, []);
  const cancel = useCallback(() => running.current?.abort.abort(), []);
  return useMemo(() => ({ signal, cancel }), [signal, cancel]);
}

function errorMessage(e: unknown): string {
  const errors = (e as { errors?: Record<string, string[]> }).errors;
  return errors ? Object.values(errors).flat().join(' ') : e instanceof Error ? e.message : String(e);
}

/** How long the filters stay unchanged before an expensive exact total is counted. */
const TOTAL_AFTER_MS = 400;

/** `value` once it has not changed for `ms` (until then, the value before). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function useActivityList(filters: ActivityFilters): ActivityListResult {
  const { queries, settings } = useApp();
  // Due from/to are the rep's calendar days.
  const timeZone = settings.timeZone;
  // One query at a time, the newest input next: typing never starves the list (see LatestLiveQuery).
  const result = useLatestLiveQuery(filters, async (f, signal) => {
    try {
      // lazyTotal: a common word's page comes without counting every match (see below).
      const upcoming = f.upcoming && f.sort_by === 'due_at' && f.sort_direction === 'asc' ? { upcomingFrom: startOfToday(timeZone) } : {};
      return { page: await queries.list(toListQuery(f), { signal, lazyTotal: true, timeZone, ...upcoming }), error: null };
    } catch (e) {
      // Aborted: this input was replaced; nothing is shown from it.
      return { page: undefined, error: signal.aborted ? null : errorMessage(e) };
    }
  });
  const { signal: totalSignal, cancel: cancelTotal } = useSupersede<ActivityFilters>();
  // A count still walking keys for the filters before stops as soon as they change.
  useEffect(() => cancelTotal, [filters, cancelTotal]);
  const settled = useSettled(filters, TOTAL_AFTER_MS);
  const pending = result?.value.page?.meta.total_pending === true && result.key === filters && settled === filters;
  // The exact total, once the page is on screen and the rep stopped typing: only the pager shows
  // it, and its reads (every match's key) would otherwise hold up the next keystroke's page.
  const total = useLiveQuery(async () => {
    if (!pending) return undefined;
    const signal = totalSignal(filters);
    try {
      return { of: filters, total: await queries.total(toListQuery(filters), { signal, timeZone }) };
    } catch {
      return undefined;
    }
  }, [queries, filters, pending, timeZone]);
  let page = result?.value.page;
  if (page?.meta.total_pending && total && total.of === result?.key) {
    const { total_pending: _counted, ...meta } = page.meta;
    page = { ...page, meta: { ...meta, total: total.total, last_page: Math.max(1, Math.ceil(total.total / meta.per_page)) } };
  }
  return { page, error: result?.value.error ?? null, stale: result?.key !== filters, search: result?.key.search };
}

/** One activity by lid (undefined while loading, null when gone). */
export function useActivity(lid: string | null): LocalActivity | null | undefined {
  const { queries } = useApp();
  return useLiveQuery(async () => (lid ? ((await queries.detail(lid)) ?? null) : null), [queries, lid]);
}

/** The outbox ops of one activity (sync state and the failed op's message). */
export function useActivityOps(lid: string | null): OutboxOp[] | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => (lid ? opsOfActivity(db, lid) : []), [db, lid]);
}

export function useActivityConflicts(lid: string | null): ConflictRecord[] | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => (lid ? conflictsOfActivity(db, lid) : []), [db, lid]);
}

/** Every failed op and conflict, with the subject of its activity, for the Sync view. */
export type { SyncIssues };

export function useSyncIssues(): SyncIssues | undefined {
  const { db } = useApp();
  return useLiveQuery(() => syncIssues(db), [db]);
}
