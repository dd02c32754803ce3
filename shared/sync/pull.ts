/**
 * Pull and reconcile: the modes and the order of one pull (this file), by stage in files of their
 * own: pull-pages.ts (fetching list pages, retries, which errors end a run), pull-compare.ts (is
 * a list item news?), pull-run.ts (one run: pages, confirmations), pull-writer.ts (rows stored
 * in as few transactions as the network allows), pull-write.ts (rows into the store: insert,
 * rebase, drop), pull-directory.ts (the offline directory).
 *
 * Scope: activities assigned to the rep, plus open activities on the entities the rep "follows" —
 * the related records of the rep's own open activities (nearest due first, capped), because those
 * are the accounts a rep works and a colleague's open call on them matters to the rep.
 *
 * Pages: the first page tells how many there are; the rest are fetched in parallel; each page is
 * written with one bulkPut in one transaction (with its outbox/conflict edits) and the engine
 * yields to the event loop between pages. The page count is bounded (pageCount): by
 * ceil(total / meta.per_page) — the per_page the server says it used, which may be lower than
 * asked — and by MAX_PAGES, whatever meta.last_page claims; paging stops at the first empty page.
 * The same server id twice in one scan (in a page, or shifted between pages by an unstable sort)
 * is taken once: ids are claimed synchronously before any await, so parallel pages cannot both
 * insert it.
 *
 * Deletions: mark-and-sweep. A complete scan of a scope collects every server id seen; local rows
 * of that scope whose id was not seen are confirmed one by one with GET /{id}: 404 → gone
 * (deleted locally, or a "deleted on the server" conflict when the rep has pending changes);
 * still there but out of scope and nothing pending → dropped; otherwise refreshed.
 *
 * One row never fails a pull: a detail GET (list completion, sweep confirmation, rolling refresh)
 * that fails for any reason but 401 or "no answer at all" (the network is gone for the whole run)
 * is counted in report.rowErrors and the row is kept as it is. The watermark does not move past
 * a list whose rows could not all be read.
 *
 * Rebase: a row with never-sent ops is merged three-way (base = last server snapshot, local,
 * remote); fields only the server changed are taken and stripped from the queued update payloads
 * (so pushing them later cannot undo the server's change); same-field clashes become conflicts.
 * Rows with an op that may already have reached the server are left alone until it settles.
 * Every pull but the edit run's quick look also re-reads the detail of each row with queued
 * changes (one GET per edited row), so a poll rebases them even on fields no list shows.
 *
 * ## Cost to the CRM (why the pull is shaped like this)
 *
 * The CRM's operators judge a client by requests and bytes per idle rep-hour. A plain CRM (no
 * updated_since, list items without description/tags/custom_fields/updated_at, per_page ≤ 50)
 * gives no cheap "what changed" query, so the design spends requests where a change matters to
 * the rep and nowhere else:
 *
 * 1. Detail GETs only for news. A list item is compared with the row's base (last server
 *    snapshot) on exactly the fields the item carries (listChanged). Equal → nothing is fetched
 *    and nothing written; a new id or a changed field → one GET /{id}. A full list item (the
 *    stand-in with its extensions) needs no GET at all. Within one run a record is handled once,
 *    so the followed-records scan never fetches again what the rep's own scan fetched, and its
 *    keep rule (a colleague's open activity) is decided on the list item before any GET.
 *    First sync of N on the plain shape: N/50 pages + N details + followed pages + directory.
 * 2. A hot scope on every poll: the rep's activities due from 7 days ago to 7 days ahead
 *    (due_date_from/due_date_to + assigned_user_id; the status filter is single-valued, so all
 *    statuses of the window come and the open ones are what matter). That is a few pages for a
 *    realistic rep, swept like a full scan (deletions in the window show too). A list-visible
 *    change (status, due, subject, priority, assignee, duration) in the window shows at the next
 *    poll.
 * 3. A full reconcile (everything of the rep + followed records + full sweep) on a slow cadence:
 *    hourly without updated_since (about N/50 + followed pages, no details when idle); with
 *    updated_since every poll is one incremental page, the window (swept: its deletions show
 *    within the hour) and the followed records are re-read hourly, and the full scan (the only
 *    way to see deletions elsewhere) runs daily — one full scan of 5 000 full items (≈2.4 KB each
 *    with their related records) is ≈12 MB, so even a 6-hourly one would break a 1 MB hour.
 * 4. A rolling detail refresh (plain servers only: their list items cannot show description,
 *    tags, custom fields, outcome, location, reminder): each hot poll re-reads the details of a
 *    slice of rows, the working window first (every window row about once an hour) and the rest
 *    in rotation with what is left of refreshPerHour (default 300 GETs/h, ≈0.5 MB). A row the rep
 *    opens is re-read at once (refreshActivity).
 * 5. The engine (engine.ts) polls every interval, backs off while nothing changes (to 4 intervals
 *    while the window is visible, 15 while hidden) and polls at once on focus, resume and
 *    reconnect. The explicit pull and "Sync now" keep the full-scan meaning they always had.
 *
 * Measured (BENCH_ONLY=cost; 5 000 activities of the rep due within ±365 days, virtual clock):
 *   plain CRM: first sync 5 219 requests / 11.1 MB (goal ≤ 5 300); idle hour visible 343 / 1.2 MB,
 *   hidden (with the hourly reconcile) 468 / 5.2 MB, 6 visible hours averaged 556 / 5.9 MB per
 *   hour (goal ≤ 900 / 18 MB). Extensions on: first sync 119 / 12.4 MB; idle hour visible 16 /
 *   39 KB, hidden 31 / 151 KB, a visible day averaged 46 / 0.69 MB per hour (goal ≤ 120 / 1 MB).
 *   The refresh budget is most of a plain idle hour (300 GETs); a denser window (say all 5 000
 *   within ±45 days, ≈800 in the window) would cost ≈17 pages a poll: by estimate (not measured)
 *   16 × 17 + 300 + one reconcile ≈ 770 requests an hour, under 900 thanks to the backoff.
 *
 * Conditional requests (If-None-Match → 304) would cut bytes further, but the stand-in does not
 * honour If-None-Match and the plain CRM sends no ETag, so they are not used.
 *
 * updated_since is used only after the server echoed it (meta.updated_since). The watermark is
 * the largest updated_at the rep's own complete scan (full or incremental) read: server time,
 * never the client clock; hot, followed and refresh reads never move it.
 */
import { instantMs, isOpen } from '../domain/index.ts';
import { deferKeysOfFirstSync, fillDeferredKeys } from './activity-keys.ts';
import { assertAlive, mapLimit, type SyncContext } from './context.ts';
import type { FieldbookDB } from './db.ts';
import { startRun, type Run } from './pull-run.ts';
import type { LocalActivity } from './types.ts';

// The stages, for the code and tests that use them by name.
export { listChanged } from './pull-compare.ts';
export { pullDirectory, toDirectoryEntity } from './pull-directory.ts';
export { MAX_PAGES, pageCount, retryGet } from './pull-pages.ts';

export interface PullOptions {
  /** Force a full scan (with mark-and-sweep) even where updated_since would do. */
  full?: boolean;
  /** Also pull open activities on followed entities (default true). */
  followEntities?: boolean;
  /** At most this many followed entities per pull. */
  maxFollowed?: number;
  /** Full scan every Nth pull (incremental in between, when the server honours updated_since). */
  fullEvery?: number;
  /**
   * Only an incremental pull (the quick look before pushing a local edit); where the server does
   * not honour updated_since, or nothing was pulled yet, nothing is fetched. Does not count
   * towards the full-scan rhythm.
   */
  incrementalOnly?: boolean;
  /**
   * A scheduled poll (timer, focus, resume, reconnect): the hot scope (or one incremental page),
   * and the full reconcile only when its cadence is due (see the header).
   */
  poll?: boolean;
  /** Polls: full reconcile at most this often (default 1 h; 24 h where updated_since is honoured). */
  reconcileEveryMs?: number;
  /** Half-width of the working window in days (default 7). */
  windowDays?: number;
  /** Detail GETs per hour for what list items cannot show (default 300; plain servers only). */
  refreshPerHour?: number;
}

export type PullMode = 'full' | 'incremental' | 'hot';

export interface PullReport {
  full: boolean;
  mode: PullMode;
  pages: number;
  items: number;
  /** Items the server sent that did not parse (left untouched locally). */
  invalid: number;
  detailFetches: number;
  inserted: number;
  replaced: number;
  rebased: number;
  conflicts: number;
  deleted: number;
  followed: number;
  /** The same server id again in one pull (same page or another page): taken once. */
  duplicates: number;
  /** Rows whose GET failed (not 401, not a lost network): counted, kept as they were. */
  rowErrors: number;
  /** Server ids of the first few rowErrors. */
  rowErrorIds: string[];
  /** Details re-read by the rolling refresh. */
  refreshed: number;
}

const META_WATERMARK = 'pull.watermark';
const META_COUNT = 'pull.count';
/** Client ms of the last full reconcile / hourly window+followed read / rolling refresh state. */
const META_FULL_AT = 'pull.fullAt';
const META_HOURLY_AT = 'pull.hourlyAt';
const META_REFRESH = 'pull.refresh';
const DEFAULT_FULL_EVERY = 6;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 7;
const DEFAULT_REFRESH_PER_HOUR = 300;

interface RefreshState {
  at: number;
  windowCursor: string;
  restCursor: string;
  /** The last full scan's list items lacked detail fields (a plain server): refresh in rotation. */
  partial: boolean;
}

/** UTC calendar day of an epoch ms, as the list's due_date_from/due_date_to take it. */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function pullActivities(ctx: SyncContext, opts: PullOptions = {}): Promise<PullReport> {
  const { db, client } = ctx;
  const me = ctx.currentUserId();
  const nowMs = ctx.now();
  const report = emptyReport();
  const meta = new Map((await db.sync_meta.bulkGet([META_COUNT, META_WATERMARK, META_FULL_AT, META_HOURLY_AT, META_REFRESH]))
    .filter((r) => r !== undefined).map((r) => [r.key, r.value]));
  const count = Number(meta.get(META_COUNT) ?? 0);
  const watermark = meta.get(META_WATERMARK) as string | undefined;
  const fullAt = typeof meta.get(META_FULL_AT) === 'number' ? meta.get(META_FULL_AT) as number : null;
  const hourlyAt = typeof meta.get(META_HOURLY_AT) === 'number' ? meta.get(META_HOURLY_AT) as number : null;
  const sinceOk = !!watermark && client.extensions().updatedSince;
  const due = (at: number | null, every: number) => at === null || nowMs - at >= every || nowMs < at;

  let mode: PullMode;
  if (opts.full) mode = 'full';
  else if (opts.poll) mode = due(fullAt, opts.reconcileEveryMs ?? (sinceOk ? DAY_MS : HOUR_MS)) ? 'full' : sinceOk ? 'incremental' : 'hot';
  else mode = sinceOk && count % (opts.fullEvery ?? DEFAULT_FULL_EVERY) !== 0 ? 'incremental' : 'full';
  report.mode = mode;
  report.full = mode === 'full';
  if (opts.incrementalOnly && mode !== 'incremental') return { ...report, full: false };

  // server id → lid of every local row, read once (one index scan) when the first item arrives:
  // an idle incremental poll (nothing changed) reads no rows at all. Per-page index lookups
  // (anyOf) cost far more on large stores; nothing else gives rows a server id while we hold the
  // sender lock, and this pull keeps the map current as it inserts.
  const known = new Map<string, string>();
  const run = await startRun(ctx, report, known, () =>
    db.activities.orderBy('server_id').eachKey((key, cursor) => { known.set(key as string, cursor.primaryKey); }));
  let maxUpdated: string | undefined = watermark;
  let watermarkHeld = false;

  const scope: Record<string, string> = me ? { assigned_user_id: me } : {};
  const hourly = opts.poll && mode === 'incremental' && due(hourlyAt, HOUR_MS);
  const followed = opts.followEntities !== false && me && (mode === 'full' || (mode === 'incremental' && (!opts.poll || hourly)));

  if (mode === 'full' || mode === 'incremental') {
    // On a full scan, send updated_since=epoch: a server that honours it echoes it (and still returns everything).
    const since = mode === 'incremental' ? watermark : '1970-01-01T00:00:00Z';
    // A first sync (nothing stored yet): each activity is one put, its keys row (activity-keys.ts)
    // is written by the background backfill once the list is in, off the pages' critical path.
    const deferKeys = mode === 'full' && await deferKeysOfFirstSync(db);
    run.deferKeys(deferKeys);
    try {
      await run.scanList({ ...scope, updated_since: since }, () => true, (a, ok) => {
        if (!ok) { watermarkHeld = true; return; }
        if (a.updated_at && (!maxUpdated || instantMs(a.updated_at) > instantMs(maxUpdated))) maxUpdated = a.updated_at;
      });
    } finally {
      run.deferKeys(false);
      if (deferKeys) void fillDeferredKeys(db);
    }
  }
  if (followed && me) {
    const list = await followedEntities(db, me, opts.maxFollowed ?? 25);
    report.followed = list.length;
    await mapLimit(list, Math.max(1, Math.floor(ctx.concurrency / 2)), async ([type, id]) => {
      await run.scanList({ activityable_type: type, activityable_id: id, ...(mode === 'incremental' ? { updated_since: watermark } : {}) },
        (a) => a.assigned_user_id !== me && isOpen(a.status));
    });
  }
  if (mode === 'full') {
    await run.ensureKnown();
    await run.sweep(me, [...known.keys()]);
  }

  const prevRefresh = meta.get(META_REFRESH) as RefreshState | undefined;
  let refresh: RefreshState | null = mode === 'full' && report.items > 0
    ? { ...(prevRefresh ?? { at: nowMs, windowCursor: '', restCursor: '' }), partial: run.sawPartial() }
    : null;
  if (mode === 'hot' || hourly) {
    const days = opts.windowDays ?? DEFAULT_WINDOW_DAYS;
    const from = utcDay(nowMs - days * DAY_MS);
    const to = utcDay(nowMs + days * DAY_MS);
    const inWindow = await windowRows(db, me, Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`) + DAY_MS);
    await run.scanList({ ...scope, due_date_from: from, due_date_to: to }, () => true);
    await run.sweep(me, inWindow);
    if (mode === 'hot' && (run.sawPartial() || prevRefresh?.partial)) {
      refresh = await rollingRefresh({ run, known, me, nowMs, fullAt }, prevRefresh, inWindow, opts.refreshPerHour ?? DEFAULT_REFRESH_PER_HOUR);
    }
  }

  // Rows with queued changes are rebased on their current server record before the push that
  // follows, whatever the lists could show (a plain list has no description): one GET each.
  if (!opts.incrementalOnly) {
    const queued = await db.outbox.where('state').equals('queued').toArray();
    const lids = [...new Set(queued.filter((o) => !o.maybe_sent && o.kind !== 'create').map((o) => o.lid))];
    if (lids.length) {
      const rows = await db.activities.bulkGet(lids);
      await run.refreshDetails(rows.filter((r): r is LocalActivity => !!r?.server_id && !!r.base).map((r) => r.server_id as string), null);
    }
  }

  assertAlive(ctx);
  await db.sync_meta.bulkPut([
    { key: META_COUNT, value: opts.incrementalOnly ? count : count + 1 },
    ...(maxUpdated && !watermarkHeld && mode !== 'hot' ? [{ key: META_WATERMARK, value: maxUpdated }] : []),
    ...(mode === 'full' ? [{ key: META_FULL_AT, value: nowMs }, { key: META_HOURLY_AT, value: nowMs }] : []),
    ...(hourly ? [{ key: META_HOURLY_AT, value: nowMs }] : []),
    ...(refresh ? [{ key: META_REFRESH, value: refresh }] : []),
  ]);
  return report;
}

// ---------------------------------------------------------------------------------------------
/** What the rolling refresh needs of the pull it runs in. */
interface RefreshAt { run: Run; known: Map<string, string>; me: string | null; nowMs: number; fullAt: number | null }

/** The records of the rep's open activities, nearest due first: whose open activities the rep follows. */
async function followedEntities(db: FieldbookDB, user: string, max: number): Promise<[string, string][]> {
  const out = new Map<string, [string, string]>();
  await db.activities
    .where('[open+due_ms]').between([1, -Infinity], [1, Infinity])
    .until(() => out.size >= max)
    .each((r) => {
      if (r.assigned_user_id === user && r.deleted === 0 && r.activityable_id) {
        out.set(`${r.activityable_type}|${r.activityable_id}`, [r.activityable_type, r.activityable_id]);
      }
    });
  return [...out.values()];
}

/**
 * Server ids of the rows the window scan must see: by their server snapshot (base) the rep's and
 * due in [fromMs, toMs). The due index narrows the read; the base decides (a local edit that
 * moved the due date does not make the row look deleted on the server).
 */
async function windowRows(db: FieldbookDB, user: string | null, fromMs: number, toMs: number): Promise<string[]> {
  const rows = await db.activities.where('due_ms').between(fromMs - 31 * DAY_MS, toMs + 31 * DAY_MS, true, false).toArray();
  return rows.filter((r) => {
    if (r.server_id === null || !r.base?.due_at) return false;
    const d = Date.parse(r.base.due_at);
    return d >= fromMs && d < toMs && (!user || r.base.assigned_user_id === user);
  }).map((r) => r.server_id as string);
}

/**
 * Re-read a slice of details the lists cannot show (plain servers): the window rows about once an
 * hour, then the rest in rotation with what is left of the hourly budget.
 */
async function rollingRefresh(at: RefreshAt, state: RefreshState | undefined, inWindow: string[], perHour: number): Promise<RefreshState> {
  const { run, known, me, nowMs, fullAt } = at;
  await run.ensureKnown();
  const last = state?.at ?? fullAt ?? nowMs;
  const elapsed = Math.max(0, Math.min(HOUR_MS, nowMs - last));
  const windowIds = [...new Set(inWindow)].sort();
  const windowSet = new Set(windowIds);
  const rest = [...known.keys()].filter((id) => !windowSet.has(id)).sort();
  const budget = Math.floor((perHour * elapsed) / HOUR_MS);
  // The window's share aims at a full round in 45 minutes, so every window row is re-read within the hour.
  const forWindow = Math.min(budget, Math.ceil((Math.min(windowIds.length, perHour) * elapsed) / (0.75 * HOUR_MS)));
  const a = rotate(windowIds, state?.windowCursor ?? '', forWindow);
  const b = rotate(rest, state?.restCursor ?? '', budget - a.ids.length);
  await run.refreshDetails([...a.ids, ...b.ids], me);
  // Nothing spent (too little time since the last poll): keep the clock where it was so the time adds up.
  return { at: budget > 0 ? nowMs : last, windowCursor: a.cursor ?? state?.windowCursor ?? '', restCursor: b.cursor ?? state?.restCursor ?? '', partial: true };
}

/** The next `n` ids after `cursor` in sorted `ids`, wrapping around. */
function rotate(ids: string[], cursor: string, n: number): { ids: string[]; cursor: string | undefined } {
  if (n <= 0 || ids.length === 0) return { ids: [], cursor: undefined };
  let start = ids.findIndex((id) => id > cursor);
  if (start < 0) start = 0;
  const out: string[] = [];
  for (let i = 0; i < Math.min(n, ids.length); i++) out.push(ids[(start + i) % ids.length] as string);
  return { ids: out, cursor: out[out.length - 1] };
}

function emptyReport(): PullReport {
  return {
    full: true, mode: 'full', pages: 0, items: 0, invalid: 0, detailFetches: 0, inserted: 0, replaced: 0, rebased: 0, conflicts: 0,
    deleted: 0, followed: 0, duplicates: 0, rowErrors: 0, rowErrorIds: [], refreshed: 0,
  };
}

export type RefreshOutcome = 'refreshed' | 'unchanged' | 'gone' | 'skipped';

/**
 * GET one activity now (the rep opened it) and merge it like a pull row: three-way with pending
 * changes, conflicts, deletion on 404. Rows the server does not know yet are skipped.
 */
export async function refreshActivity(ctx: SyncContext, lid: string): Promise<RefreshOutcome> {
  const row = await ctx.db.activities.get(lid);
  if (!row?.server_id) return 'skipped';
  const report = emptyReport();
  const run = await startRun(ctx, report, new Map([[row.server_id, lid]]));
  // No scope rule here: the rep is looking at it, so it is updated, never dropped (the sweep decides that).
  await run.refreshDetails([row.server_id], null);
  if (report.replaced || report.rebased) return 'refreshed';
  return report.deleted || report.conflicts ? 'gone' : 'unchanged';
}
