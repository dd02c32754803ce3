/**
 * Pull and reconcile.
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
import { ENTITY_COLLECTIONS, COLLECTION_OF, type EntityCollection, type PageMeta } from '../api/envelope.ts';
import { ApiError, type Page, type RemoteEntity } from '../api/client.ts';
import {
  instantMs, isOpen, isPartialRemote, MERGEABLE_FIELDS, normalizeRemote, type Activity, type DirectoryType, type RemoteActivity,
} from '../domain/index.ts';
import { backoffDelay } from './backoff.ts';
import { assertAlive, mapLimit, sleep, StoppedError, yieldToEventLoop, type SyncContext } from './context.ts';
import { pickMergeable, threeWayMerge } from './merge.ts';
import { CLIENT_MARKER, isRescheduledCopy } from './push.ts';
import { reindexed, toLocalRow } from './rows.ts';
import type { ConflictRecord, DirectoryEntity, LocalActivity, OutboxOp } from './types.ts';
import { reapplyPendingEntities } from './entity-commands.ts';
import { wordsOf } from './words.ts';

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

/** Tries per GET before a transient failure (5xx, 429, timeout) ends the pull. */
const GET_ATTEMPTS = 4;

/**
 * A GET is safe to repeat: a transient failure is retried in the run with backoff (honouring
 * Retry-After, within the run's wait limit), so one lost page on a poor network does not cost the
 * whole pull, and the push that follows a pull is not held back by it.
 */
export async function retryGet<T>(ctx: SyncContext, get: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await get();
    } catch (e) {
      if (!(e instanceof ApiError) || e.kind !== 'transient' || attempt >= GET_ATTEMPTS) throw e;
      const delay = backoffDelay(attempt, ctx.random, e.retryAfterMs, ctx.backoff);
      if (delay > ctx.maxInRunWaitMs) throw e;
      await sleep(ctx, delay);
    }
  }
}

/**
 * Hard cap on pages of one list: 2 000 pages is 100 000 records at the smallest per_page a CRM
 * is seen to use (50) — twenty times a big rep's book — and about an hour of requests at the
 * stand-in's latency. Past it something is wrong with the server's meta, not with the data.
 */
export const MAX_PAGES = 2_000;

/** How many pages a list has, from its first page: never more than total/per_page or MAX_PAGES, whatever last_page says. */
export function pageCount(meta: PageMeta, firstItems: number, askedPerPage: number): number {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const said = num(meta.per_page);
  const perPage = said !== null && said >= 1 ? Math.floor(said) : Math.max(1, firstItems || askedPerPage);
  const total = num(meta.total);
  const byTotal = total !== null && total >= 0 ? Math.ceil(total / perPage) : null;
  const last = num(meta.last_page);
  let n = last !== null && last >= 1 ? Math.floor(last) : (byTotal ?? 1);
  if (byTotal !== null) n = Math.min(n, byTotal);
  return Math.max(1, Math.min(n, MAX_PAGES));
}

/**
 * Fetch pages 2..count of a list CONCURRENCY at a time; stops asking once a page comes back empty
 * (a server whose meta overstates the list).
 */
async function restOfPages<T>(ctx: SyncContext, count: number, get: (page: number) => Promise<Page<T>>, handle: (page: Page<T>) => Promise<void>): Promise<void> {
  let exhausted = false;
  const pages = Array.from({ length: Math.max(0, count - 1) }, (_, i) => i + 2);
  await mapLimit(pages, ctx.concurrency, async (page) => {
    if (exhausted) return;
    const res = await retryGet(ctx, () => get(page));
    if (res.items.length === 0 && res.invalid === 0) { exhausted = true; return; }
    await handle(res);
  });
}

/** No answer at all (network down, timeout): the whole run cannot go on, unlike one bad row. */
function noAnswer(e: unknown): boolean {
  return e instanceof ApiError && e.noResponse;
}

/** Errors that end a pull; anything else about one row is counted and the row kept. */
function endsRun(e: unknown): boolean {
  return e instanceof StoppedError || (e instanceof ApiError && e.kind === 'auth') || noAnswer(e);
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

/** The fields compared between a list item and the stored snapshot (when the item carries them). */
const COMPARED = [...MERGEABLE_FIELDS, 'created_at', 'updated_at'] as const;

function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'string' && typeof b === 'string' && field.endsWith('_at')) {
    const x = Date.parse(a);
    const y = Date.parse(b);
    return !Number.isNaN(x) && x === y;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return stable(a) === stable(b);
  return false;
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Does the list item say something the snapshot does not? Only the fields the item carries are
 * compared (ids also from `activityable`/`assigned_user`/`contact`); is_overdue is derived from
 * the clock and ignored, as are fields this version does not know.
 */
export function listChanged(item: RemoteActivity, base: Activity): boolean {
  const a = normalizeRemote(item);
  const has = (f: string) =>
    f in item || (f === 'activityable_id' && !!item.activityable) || (f === 'assigned_user_id' && !!item.assigned_user) || (f === 'contact_id' && 'contact' in item);
  return COMPARED.some((f) => has(f) && !sameValue(f, a[f], base[f]));
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
    await run.scanList({ ...scope, updated_since: since }, () => true, (a, ok) => {
      if (!ok) { watermarkHeld = true; return; }
      if (a.updated_at && (!maxUpdated || instantMs(a.updated_at) > instantMs(maxUpdated))) maxUpdated = a.updated_at;
    });
  }
  if (followed && me) {
    const list = await followedEntities(me, opts.maxFollowed ?? 25);
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
    const inWindow = await windowRows(me, Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`) + DAY_MS);
    await run.scanList({ ...scope, due_date_from: from, due_date_to: to }, () => true);
    await run.sweep(me, inWindow);
    if (mode === 'hot' && (run.sawPartial() || prevRefresh?.partial)) {
      refresh = await rollingRefresh(prevRefresh, inWindow, opts.refreshPerHour ?? DEFAULT_REFRESH_PER_HOUR);
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

  // ---------------------------------------------------------------------------------------------
  async function followedEntities(user: string, max: number): Promise<[string, string][]> {
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
  async function windowRows(user: string | null, fromMs: number, toMs: number): Promise<string[]> {
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
  async function rollingRefresh(state: RefreshState | undefined, inWindow: string[], perHour: number): Promise<RefreshState> {
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

/** The state and helpers of one pull (or one refresh): what was seen, fetched and written. */
async function startRun(ctx: SyncContext, report: PullReport, known: Map<string, string>, load?: () => Promise<void>) {
  const { db, client } = ctx;
  let loading: Promise<void> | null = null;
  const ensureKnown = () => (loading ??= load ? load() : Promise.resolve());
  const generation = ctx.newId();
  /** Every server id handled in this run (claimed synchronously, before any await). */
  const seen = new Set<string>();
  /** Server ids whose detail was read in this run (a refresh skips them). */
  const fetched = new Set<string>();
  let partialSeen = false;
  const awaited = await awaitedCopies();

  return {
    sawPartial: () => partialSeen,
    ensureKnown,

    /** Every page of one list; `onItem` hears of each kept item (ok = it could be read in full). */
    async scanList(query: Record<string, string | undefined>, keep: (a: Activity) => boolean, onItem?: (a: Activity, ok: boolean) => void): Promise<void> {
      const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const get = (page: number) => client.listActivities({ ...q, page, per_page: ctx.pageSize });
      const first = await retryGet(ctx, () => get(1));
      await handlePage(first, keep, onItem);
      await restOfPages(ctx, pageCount(first.meta, first.items.length, ctx.pageSize), get, (p) => handlePage(p, keep, onItem));
    },

    /**
     * Confirm the rows of a completed scope that the scan did not see, one GET each: 404 → gone;
     * out of scope with nothing pending → dropped; otherwise refreshed.
     */
    async sweep(user: string | null, candidates: string[]): Promise<void> {
      await ensureKnown();
      const missing = [...new Set(candidates)].filter((id) => !seen.has(id) && known.has(id));
      if (!missing.length) return;
      for (const id of missing) seen.add(id);
      await confirm(missing, user, false);
    },

    /** Re-read these rows' details and merge what changed (rolling refresh, refresh-on-open). */
    async refreshDetails(ids: string[], user: string | null): Promise<void> {
      await ensureKnown();
      const todo = ids.filter((id) => known.has(id) && !fetched.has(id));
      for (const id of todo) seen.add(id);
      await confirm(todo, user, true);
    },
  };

  async function handlePage(page: Page<RemoteActivity>, keep: (a: Activity) => boolean, onItem?: (a: Activity, ok: boolean) => void): Promise<void> {
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
    if (fresh.some(isPartialRemote)) partialSeen = true;
    if (fresh.length) await ensureKnown();
    const lids = fresh.map((i) => known.get(i.id)).filter((l): l is string => l !== undefined);
    const rows = lids.length ? await db.activities.bulkGet(lids) : [];
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
      details.set(item.id, await detail(item.id));
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
    if (acts.length) await writePage(acts);
    await yieldToEventLoop(ctx);
  }

  /** GET /{id}; null (counted) when that one row cannot be read. */
  async function detail(id: string): Promise<Activity | null> {
    fetched.add(id);
    try {
      return normalizeRemote((await retryGet(ctx, () => client.getActivity(id))).data);
    } catch (e) {
      if (endsRun(e)) throw e;
      rowError(id);
      return null;
    }
  }

  function rowError(id: string): void {
    report.rowErrors++;
    if (report.rowErrorIds.length < 20) report.rowErrorIds.push(id);
  }

  /** GET each id: 404 → gone; out of the rep's scope → dropped; changed → merged. */
  async function confirm(ids: string[], user: string | null, isRefresh: boolean): Promise<void> {
    if (!ids.length) return;
    const rows = (await db.activities.bulkGet(ids.map((id) => known.get(id) as string)))
      .filter((r): r is LocalActivity => r !== undefined && r.server_id !== null);
    const gone: LocalActivity[] = [];
    const refresh: Activity[] = [];
    const leftScope: LocalActivity[] = [];
    await mapLimit(rows, ctx.concurrency, async (row) => {
      const id = row.server_id as string;
      fetched.add(id);
      try {
        const a = normalizeRemote((await retryGet(ctx, () => client.getActivity(id))).data);
        if (isRefresh) report.refreshed++;
        if (user && a.assigned_user_id !== user && !isOpen(a.status)) leftScope.push(row);
        else if (!row.base || COMPARED.some((f) => !sameValue(f, a[f], row.base?.[f]))) refresh.push(a);
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'not_found') gone.push(row);
        else if (endsRun(e)) throw e;
        else rowError(id);
      }
    });
    if (refresh.length) await writePage(refresh);
    await dropGone(gone, leftScope);
  }

  async function dropGone(gone: LocalActivity[], leftScope: LocalActivity[]): Promise<void> {
    if (!gone.length && !leftScope.length) return;
    assertAlive(ctx);
    await db.transaction('rw', db.activities, db.outbox, db.conflicts, async () => {
      for (const row of [...gone, ...leftScope]) {
        const ops = await db.outbox.where('lid').equals(row.lid).toArray();
        const isGone = gone.includes(row);
        if (ops.length === 0 || (isGone && ops.every((o) => o.kind === 'delete'))) {
          await db.outbox.bulkDelete(ops.map((o) => o.seq as number));
          await db.activities.delete(row.lid);
          await db.conflicts.where('lid').equals(row.lid).delete();
          if (row.server_id) known.delete(row.server_id);
          report.deleted++;
        } else if (isGone) {
          await db.conflicts.put({
            id: `${row.lid}|*`, lid: row.lid, kind: 'deleted_remote', field: '*', base: row.base, local: null, remote: null, created_at: ctx.now(),
          });
          await db.activities.update(row.lid, { sync: 'conflict' });
          report.conflicts++;
        }
      }
    });
  }

  async function writePage(acts: Activity[]): Promise<void> {
    assertAlive(ctx);
    await db.transaction('rw', db.activities, db.outbox, db.conflicts, async () => {
      const lids0 = acts.map((a) => known.get(a.id)).filter((l): l is string => l !== undefined);
      const existing = lids0.length ? (await db.activities.bulkGet(lids0)).filter((r): r is LocalActivity => r !== undefined) : [];
      const byServer = new Map(existing.filter((r) => r.server_id !== null).map((r) => [r.server_id as string, r]));
      // Our own creates whose answer was lost: recognised by the client marker.
      const markers = acts.filter((a) => !byServer.has(a.id) && typeof a.custom_fields[CLIENT_MARKER] === 'string');
      if (markers.length) {
        const creates = await db.outbox.where('op_id').anyOf(markers.map((a) => a.custom_fields[CLIENT_MARKER] as string)).toArray();
        for (const op of creates) {
          const a = markers.find((m) => m.custom_fields[CLIENT_MARKER] === op.op_id);
          const row = a ? await db.activities.get(op.lid) : undefined;
          if (!a || !row || op.kind !== 'create' || op.state === 'inflight') continue;
          await db.outbox.delete(op.seq);
          known.set(a.id, row.lid);
          byServer.set(a.id, { ...row, server_id: a.id, base: a });
        }
      }
      const lids = [...byServer.values()].map((r) => r.lid);
      const ops = lids.length ? await db.outbox.where('lid').anyOf(lids).toArray() : [];
      const opsByLid = new Map<string, OutboxOp[]>();
      for (const op of ops.sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0))) {
        const list = opsByLid.get(op.lid);
        if (list) list.push(op); else opsByLid.set(op.lid, [op]);
      }
      const rows: LocalActivity[] = [];
      const conflicts: ConflictRecord[] = [];
      for (const a of acts) {
        const e = byServer.get(a.id);
        if (!e) {
          if (awaited(a) || known.has(a.id)) continue;
          const lid = ctx.newId();
          known.set(a.id, lid);
          rows.push(toLocalRow(a, { lid, base: a, sync: 'synced', seen_in_pull: generation }));
          report.inserted++;
          continue;
        }
        const pending = opsByLid.get(e.lid) ?? [];
        if (pending.length === 0 && e.sync !== 'conflict') {
          rows.push(toLocalRow(a, { lid: e.lid, base: a, sync: 'synced', seen_in_pull: generation }));
          report.replaced++;
          continue;
        }
        if (e.sync === 'conflict' || e.deleted === 1 || pending.some((o) => o.maybe_sent || o.state === 'inflight') || !e.base) {
          rows.push({ ...e, seen_in_pull: generation, ...(e.base ? {} : { base: a }) });
          continue;
        }
        const m = threeWayMerge(pickMergeable(e.base), pickMergeable(e), pickMergeable(a));
        report.rebased++;
        await stripTaken(pending, m.tookRemote, m.merged.custom_fields);
        for (const c of m.conflicts) {
          conflicts.push({ id: `${e.lid}|${c.field}`, lid: e.lid, kind: c.kind, field: c.field, base: c.base, local: c.local, remote: c.remote, created_at: ctx.now() });
        }
        const merged = { ...e, ...m.merged };
        rows.push({
          ...reindexed(merged), base: a, seen_in_pull: generation,
          sync: m.conflicts.length ? 'conflict' : e.sync,
        });
      }
      await db.activities.bulkPut(rows);
      if (conflicts.length) {
        report.conflicts += conflicts.length;
        await db.conflicts.bulkPut(conflicts);
      }
    });
  }

  /**
   * The copies a cancel-with-reschedule of unknown outcome (maybe sent, or in flight for a sender
   * that died) may have made on the server. When that cancel settles, the push maps its copy to
   * the local child row (push.ts findChild, same rule: isRescheduledCopy); inserted here as a row of its own,
   * the copy would look taken and the child's queued changes would wait for ever. So such a record
   * is not stored until then.
   */
  async function awaitedCopies(): Promise<(a: Activity) => boolean> {
    const cancels = (await db.outbox.toArray()).filter((o) =>
      o.kind === 'cancel' && o.child_lid && (o.maybe_sent === true || o.state === 'inflight') &&
      o.payload.reschedule === true && typeof o.payload.reschedule_date === 'string');
    const matchers: ((a: Activity) => boolean)[] = [];
    for (const op of cancels) {
      const [parent, child] = await db.activities.bulkGet([op.lid, op.child_lid as string]);
      if (!parent || !child || child.server_id) continue;
      const date = op.payload.reschedule_date as string;
      matchers.push((a) => isRescheduledCopy(a, parent, date));
    }
    return (a) => matchers.some((m) => m(a));
  }

  /** Queued updates must not send back values the server has since changed and the rep did not. */
  async function stripTaken(pending: OutboxOp[], taken: string[], mergedCustom: Record<string, unknown>): Promise<void> {
    if (!taken.length) return;
    const top = taken.filter((f) => !f.startsWith('custom_fields.'));
    const custom = taken.length !== top.length;
    for (const op of pending) {
      if (op.kind !== 'update' || op.maybe_sent || op.state !== 'queued') continue;
      const payload = { ...op.payload };
      for (const f of top) delete payload[f];
      if (custom && 'custom_fields' in payload) payload.custom_fields = mergedCustom;
      if (Object.keys(payload).length === 0) await db.outbox.delete(op.seq);
      else await db.outbox.update(op.seq, { payload });
    }
  }
}

// -----------------------------------------------------------------------------------------------
// Directory

const TYPE_OF: Record<EntityCollection, DirectoryType> = Object.fromEntries(
  Object.entries(COLLECTION_OF).map(([t, c]) => [c, t]),
) as Record<EntityCollection, DirectoryType>;

export function toDirectoryEntity(type: DirectoryType, e: RemoteEntity): DirectoryEntity {
  return {
    type, id: e.id, name: e.name, email: e.email ?? null, phone: e.phone ?? null, value: e.value ?? null,
    stage: e.stage ?? null, status: e.status ?? null, customer_id: e.customer_id ?? null, time_zone: e.time_zone ?? null,
    words: wordsOf(e.name),
    // Every field the server sent, for the opportunity/customer edit forms (offline too).
    details: { ...e },
  };
}

/** Refresh the offline directory (leads, customers, opportunities, contacts, users); entries gone from the server are dropped. */
export async function pullDirectory(ctx: SyncContext): Promise<Record<DirectoryType, number>> {
  const counts = {} as Record<DirectoryType, number>;
  for (const collection of ENTITY_COLLECTIONS) {
    const type = TYPE_OF[collection];
    const seen = new Set<string>();
    const write = async (page: Page<RemoteEntity>) => {
      assertAlive(ctx);
      const rows = page.items.map((e) => toDirectoryEntity(type, e));
      for (const r of rows) seen.add(r.id);
      await ctx.db.entities.bulkPut(rows);
      await yieldToEventLoop(ctx);
    };
    const get = (page: number) => ctx.client.listEntities(collection, { page, per_page: ctx.pageSize });
    const first = await retryGet(ctx, () => get(1));
    await write(first);
    await restOfPages(ctx, pageCount(first.meta, first.items.length, ctx.pageSize), get, write);
    assertAlive(ctx);
    const stale = (await ctx.db.entities.where('type').equals(type).primaryKeys()).filter(([, id]) => !seen.has(id));
    if (stale.length) await ctx.db.entities.bulkDelete(stale);
    counts[type] = seen.size;
  }
  // Records created or edited here and not yet sent show as the rep left them.
  await reapplyPendingEntities(ctx.db);
  return counts;
}
