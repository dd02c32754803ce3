/**
 * Pull stage: one run (a pull, or one refresh) and what it does with each list page and each
 * confirmation GET. The run's state (what was seen, fetched, the server id → lid map) is one
 * object, RunState, handed to the stage functions here and in pull-write.ts.
 */
import { ApiError, type Page } from '../api/client.ts';
import { isOpen, isPartialRemote, normalizeRemote, type Activity, type RemoteActivity } from '../domain/index.ts';
import { mapLimit, yieldToEventLoop, type SyncContext } from './context.ts';
import { COMPARED, listChanged, sameValue } from './pull-compare.ts';
import { endsRun, pageCount, restOfPages, retryGet } from './pull-pages.ts';
import { awaitedCopies, dropGone, writeRows } from './pull-write.ts';
import { createWriter, type Writer } from './pull-writer.ts';
import type { PullReport } from './pull.ts';
import type { LocalActivity } from './types.ts';

export interface RunState {
  ctx: SyncContext;
  report: PullReport;
  /** server id → lid of the local rows (loaded by ensureKnown, kept current as the run inserts). */
  known: Map<string, string>;
  ensureKnown: () => Promise<void>;
  /** Written into every row this run stores (seen_in_pull). */
  generation: string;
  /** Every server id handled in this run (claimed synchronously, before any await). */
  seen: Set<string>;
  /** Server ids whose detail was read in this run (a refresh skips them). */
  fetched: Set<string>;
  partialSeen: boolean;
  /** Records not to store yet (pull-write.ts awaitedCopies). */
  awaited: (a: Activity) => boolean;
  writer: Writer<Activity>;
  /** A first sync into an empty store: rows are written without their keys rows (activity-keys.ts deferKeysOfFirstSync). */
  deferKeys: boolean;
}

export interface Run {
  sawPartial(): boolean;
  /** From now on, rows are written with (false) or without (true) their keys rows. */
  deferKeys(on: boolean): void;
  ensureKnown(): Promise<void>;
  /** Every page of one list; `onItem` hears of each kept item (ok = it could be read in full). */
  scanList(query: Record<string, string | undefined>, keep: (a: Activity) => boolean, onItem?: (a: Activity, ok: boolean) => void): Promise<void>;
  /**
   * Confirm the rows of a completed scope that the scan did not see, one GET each: 404 → gone;
   * out of scope with nothing pending → dropped; otherwise refreshed.
   */
  sweep(user: string | null, candidates: string[]): Promise<void>;
  /** Re-read these rows' details and merge what changed (rolling refresh, refresh-on-open). */
  refreshDetails(ids: string[], user: string | null): Promise<void>;
}

/** The state and helpers of one pull (or one refresh): what was seen, fetched and written. */
export async function startRun(ctx: SyncContext, report: PullReport, known: Map<string, string>, load?: () => Promise<void>): Promise<Run> {
  let loading: Promise<void> | null = null;
  const run: RunState = {
    ctx, report, known,
    ensureKnown: () => (loading ??= load ? load() : Promise.resolve()),
    generation: ctx.newId(),
    seen: new Set(),
    fetched: new Set(),
    partialSeen: false,
    awaited: await awaitedCopies(ctx.db),
    writer: createWriter((rows: Activity[]) => writeRows(run, rows)),
    deferKeys: false,
  };
  const { seen, fetched } = run;
  return {
    sawPartial: () => run.partialSeen,
    deferKeys: (on) => { run.deferKeys = on; },
    ensureKnown: run.ensureKnown,
    async scanList(query, keep, onItem) {
      const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const get = (page: number) => ctx.client.listActivities({ ...q, page, per_page: ctx.pageSize });
      const first = await retryGet(ctx, () => get(1));
      await handlePage(run, first, keep, onItem);
      await restOfPages(ctx, pageCount(first.meta, first.items.length, ctx.pageSize), get, (p) => handlePage(run, p, keep, onItem));
      // Every row of the list is stored before the caller goes on (the sweep reads them).
      await run.writer.flush();
    },
    async sweep(user, candidates) {
      await run.ensureKnown();
      const missing = [...new Set(candidates)].filter((id) => !seen.has(id) && known.has(id));
      if (!missing.length) return;
      for (const id of missing) seen.add(id);
      await confirm(run, missing, user, false);
    },
    async refreshDetails(ids, user) {
      await run.ensureKnown();
      const todo = ids.filter((id) => known.has(id) && !fetched.has(id));
      for (const id of todo) seen.add(id);
      await confirm(run, todo, user, true);
    },
  };
}

async function handlePage(run: RunState, page: Page<RemoteActivity>, keep: (a: Activity) => boolean, onItem?: (a: Activity, ok: boolean) => void): Promise<void> {
  const { ctx, report, known, seen } = run;
  report.pages++;
  report.invalid += page.invalid;
  // Claimed before the first await: the same id in this page, an earlier page or a parallel one is taken once.
  const fresh: RemoteActivity[] = [];
  for (const item of page.items) {
    if (seen.has(item.id)) { report.duplicates++; continue; }
    if (!keep(normalizeRemote(item))) continue;
    seen.add(item.id);
    fresh.push(item);
  }
  if (fresh.some(isPartialRemote)) run.partialSeen = true;
  if (fresh.length) await run.ensureKnown();
  const lids = fresh.map((i) => known.get(i.id)).filter((l): l is string => l !== undefined);
  const rows = lids.length ? await ctx.db.activities.bulkGet(lids) : [];
  const baseOf = new Map(rows.filter((r): r is LocalActivity => !!r?.server_id).map((r) => [r.server_id as string, r.base]));
  // A list item equal to the snapshot on every field it carries changes nothing: no GET, no write.
  const changed = fresh.filter((item) => {
    const base = baseOf.get(item.id);
    return !base || listChanged(item, base);
  });
  const partial = changed.filter(isPartialRemote);
  report.detailFetches += partial.length;
  const details = new Map<string, Activity | null>();
  await mapLimit(partial, ctx.concurrency, async (item) => {
    details.set(item.id, await detail(run, item.id));
  });
  const acts: Activity[] = [];
  for (const item of fresh) {
    const isChanged = changed.includes(item);
    const a = !isChanged ? normalizeRemote(item) : isPartialRemote(item) ? details.get(item.id) ?? null : normalizeRemote(item);
    if (!a) { onItem?.(normalizeRemote(item), false); continue; }
    onItem?.(a, true);
    if (!isChanged || !keep(a)) continue;
    acts.push(a);
  }
  report.items += fresh.length;
  // Queued for the writer, which stores what arrived meanwhile in one transaction: the next
  // pages are fetched while these are written (a transaction per page made the first sync as
  // slow as the writes, not the network).
  if (acts.length) await run.writer.add(acts);
  await yieldToEventLoop(ctx);
}

/** GET /{id}; null (counted) when that one row cannot be read. */
async function detail(run: RunState, id: string): Promise<Activity | null> {
  run.fetched.add(id);
  try {
    return normalizeRemote((await retryGet(run.ctx, () => run.ctx.client.getActivity(id))).data);
  } catch (e) {
    if (endsRun(e)) throw e;
    rowError(run.report, id);
    return null;
  }
}

function rowError(report: PullReport, id: string): void {
  report.rowErrors++;
  if (report.rowErrorIds.length < 20) report.rowErrorIds.push(id);
}

/** GET each id: 404 → gone; out of the rep's scope → dropped; changed → merged. */
async function confirm(run: RunState, ids: string[], user: string | null, isRefresh: boolean): Promise<void> {
  if (!ids.length) return;
  const { ctx, report, known } = run;
  const rows = (await ctx.db.activities.bulkGet(ids.map((id) => known.get(id) as string)))
    .filter((r): r is LocalActivity => r !== undefined && r.server_id !== null);
  const gone: LocalActivity[] = [];
  const refresh: Activity[] = [];
  const leftScope: LocalActivity[] = [];
  await mapLimit(rows, ctx.concurrency, async (row) => {
    const id = row.server_id as string;
    run.fetched.add(id);
    try {
      const a = normalizeRemote((await retryGet(ctx, () => ctx.client.getActivity(id))).data);
      if (isRefresh) report.refreshed++;
      if (user && a.assigned_user_id !== user && !isOpen(a.status)) leftScope.push(row);
      else if (!row.base || COMPARED.some((f) => !sameValue(f, a[f], row.base?.[f]))) refresh.push(a);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not_found') gone.push(row);
      else if (endsRun(e)) throw e;
      else rowError(report, id);
    }
  });
  if (refresh.length) await writeRows(run, refresh);
  await dropGone(run, gone, leftScope);
}
