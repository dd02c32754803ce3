/** Live reads of activities for the views (Dexie liveQuery through the shared queries). */
import { useDeferredValue, useRef } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { MIN_SEARCH_LENGTH, type ListQueryInput } from '#shared/domain/index';
import type { Page } from '#shared/sync/queries';
import type { LocalActivity, OutboxOp, ConflictRecord } from '#shared/sync/types';
import { useApp } from '../app/context.tsx';
import type { ActivityFilters } from '../state/store.ts';

export interface ActivityListResult {
  page: Page<LocalActivity> | undefined;
  /** A message when the filters can't be applied (e.g. from after to). */
  error: string | null;
  /** True while typing outran the last result. */
  stale: boolean;
  /** The search text the shown page answers (it lags the box while a newer query runs). */
  search: string | undefined;
}

/** The filters as a list query: search only from MIN_SEARCH_LENGTH characters (the guide's rule). */
export function toListQuery(f: ActivityFilters): ListQueryInput {
  const q: ListQueryInput = { sort_by: f.sort_by, sort_direction: f.sort_direction, page: f.page, per_page: f.per_page };
  if (f.type) q.type = f.type;
  if (f.status) q.status = f.status;
  if (f.priority) q.priority = f.priority;
  if (f.assigned_user_id) q.assigned_user_id = f.assigned_user_id;
  if (f.activityable_type) q.activityable_type = f.activityable_type;
  if (f.activityable_id) q.activityable_id = f.activityable_id;
  if (f.due_date_from) q.due_date_from = f.due_date_from;
  if (f.due_date_to) q.due_date_to = f.due_date_to;
  const s = f.search.trim();
  if (s.length >= MIN_SEARCH_LENGTH) q.search = s;
  return q;
}

export function useActivityList(filters: ActivityFilters): ActivityListResult {
  const { queries } = useApp();
  // Typing stays responsive: the list re-queries with the deferred value.
  const deferred = useDeferredValue(filters);
  // The query of the filters before: once the rep has typed past them, it stops between reads
  // instead of competing with the newest one (its result would not be shown anyway).
  const running = useRef<{ filters: ActivityFilters; abort: AbortController } | null>(null);
  const result = useLiveQuery(async () => {
    if (running.current && running.current.filters !== deferred) running.current.abort.abort();
    const abort = new AbortController();
    running.current = { filters: deferred, abort };
    try {
      return { page: await queries.list(toListQuery(deferred), { signal: abort.signal }), error: null, search: deferred.search };
    } catch (e) {
      // Superseded: this subscription is already gone; nothing is shown from it.
      if (abort.signal.aborted) return { page: undefined, error: null, search: deferred.search };
      const errors = (e as { errors?: Record<string, string[]> }).errors;
      const msg = errors ? Object.values(errors).flat().join(' ') : e instanceof Error ? e.message : String(e);
      return { page: undefined, error: msg, search: deferred.search };
    }
  }, [queries, deferred]);
  return { page: result?.page, error: result?.error ?? null, stale: deferred !== filters, search: result?.search };
}

/** One activity by lid (undefined while loading, null when gone). */
export function useActivity(lid: string | null): LocalActivity | null | undefined {
  const { queries } = useApp();
  return useLiveQuery(async () => (lid ? ((await queries.detail(lid)) ?? null) : null), [queries, lid]);
}

/** The outbox ops of one activity (sync state and the failed op's message). */
export function useActivityOps(lid: string | null): OutboxOp[] | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => (lid ? db.outbox.where('lid').equals(lid).sortBy('seq') : []), [db, lid]);
}

export function useActivityConflicts(lid: string | null): ConflictRecord[] | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => (lid ? db.conflicts.where('lid').equals(lid).toArray() : []), [db, lid]);
}

/** Every failed op and conflict, with the subject of its activity, for the Sync view. */
export interface SyncIssues {
  failed: (OutboxOp & { subject: string })[];
  conflicts: (ConflictRecord & { subject: string })[];
}

export function useSyncIssues(): SyncIssues | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => {
    const [failed, conflicts] = await Promise.all([
      db.outbox.where('state').equals('failed').sortBy('seq'),
      db.conflicts.toArray(),
    ]);
    const lids = [...new Set([...failed.map((o) => o.lid), ...conflicts.map((c) => c.lid)])];
    const rows = await db.activities.bulkGet(lids);
    const subjects = new Map(rows.filter((r): r is LocalActivity => !!r).map((r) => [r.lid, r.subject]));
    const subject = (lid: string) => subjects.get(lid) ?? '(activity no longer on this device)';
    return {
      failed: failed.map((o) => ({ ...o, subject: subject(o.lid) })),
      conflicts: conflicts.sort((a, b) => a.created_at - b.created_at).map((c) => ({ ...c, subject: subject(c.lid) })),
    };
  }, [db]);
}
