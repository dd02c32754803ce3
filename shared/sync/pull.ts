/**
 * Pull and reconcile.
 *
 * Scope: activities assigned to the rep, plus open activities on the entities the rep "follows" —
 * the related records of the rep's own open activities (nearest due first, capped), because those
 * are the accounts a rep works and a colleague's open call on them matters to the rep.
 *
 * Pages: the first page tells last_page; the rest are fetched in parallel; each page is written
 * with one bulkPut in one transaction (with its outbox/conflict edits) and the engine yields to
 * the event loop between pages. List items missing detail fields are completed from GET /{id}.
 *
 * Deletions: mark-and-sweep. A full scan collects every server id seen; local rows whose id was
 * not seen are confirmed one by one with GET /{id}: 404 → gone (deleted locally, or a
 * "deleted on the server" conflict when the rep has pending changes); still there but out of
 * scope and nothing pending → dropped; otherwise refreshed.
 *
 * Rebase: a row with never-sent ops is merged three-way (base = last server snapshot, local,
 * remote); fields only the server changed are taken and stripped from the queued update payloads
 * (so pushing them later cannot undo the server's change); same-field clashes become conflicts.
 * Rows with an op that may already have reached the server are left alone until it settles.
 *
 * updated_since is used only after the server echoed it (meta.updated_since); every few pulls and
 * whenever asked a full scan runs anyway, since an incremental list cannot show deletions. The
 * watermark is the largest updated_at the server sent: server time, never the client clock.
 */
import { ENTITY_COLLECTIONS, COLLECTION_OF, type EntityCollection } from '../api/envelope.ts';
import { ApiError, type Page, type RemoteEntity } from '../api/client.ts';
import {
  instantMs, isOpen, isPartialRemote, normalizeRemote, type Activity, type DirectoryType, type RemoteActivity,
} from '../domain/index.ts';
import { backoffDelay } from './backoff.ts';
import { assertAlive, mapLimit, sleep, yieldToEventLoop, type SyncContext } from './context.ts';
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
}

export interface PullReport {
  full: boolean;
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

const META_WATERMARK = 'pull.watermark';
const META_COUNT = 'pull.count';
const DEFAULT_FULL_EVERY = 6;

export async function pullActivities(ctx: SyncContext, opts: PullOptions = {}): Promise<PullReport> {
  const { db, client } = ctx;
  const me = ctx.currentUserId();
  const report: PullReport = { full: true, pages: 0, items: 0, invalid: 0, detailFetches: 0, inserted: 0, replaced: 0, rebased: 0, conflicts: 0, deleted: 0, followed: 0 };
  const count = Number((await db.sync_meta.get(META_COUNT))?.value ?? 0);
  const watermark = (await db.sync_meta.get(META_WATERMARK))?.value as string | undefined;
  const incremental = !opts.full && !!watermark && client.extensions().updatedSince && count % (opts.fullEvery ?? DEFAULT_FULL_EVERY) !== 0;
  report.full = !incremental;
  if (opts.incrementalOnly && !incremental) return { ...report, full: false };
  const generation = ctx.newId();
  const seen = new Set<string>();
  // server id → lid of every local row, read once (one index scan). Per-page index lookups
  // (anyOf) cost far more on large stores; nothing else gives rows a server id while we hold the
  // sender lock, and this pull keeps the map current as it inserts.
  const known = new Map<string, string>();
  await db.activities.orderBy('server_id').eachKey((key, cursor) => { known.set(key as string, cursor.primaryKey); });
  let maxUpdated: string | undefined = watermark;
  const awaited = await awaitedCopies();

  const scope: Record<string, string> = me ? { assigned_user_id: me } : {};
  // On a full scan, send updated_since=epoch: a server that honours it echoes it (and still returns everything).
  const since = incremental ? { updated_since: watermark } : { updated_since: '1970-01-01T00:00:00Z' };
  await scanList({ ...scope, ...since }, () => true);

  if (me && opts.followEntities !== false) {
    const followed = await followedEntities(me, opts.maxFollowed ?? 25);
    report.followed = followed.length;
    await mapLimit(followed, Math.max(1, Math.floor(ctx.concurrency / 2)), async ([type, id]) => {
      await scanList({ activityable_type: type, activityable_id: id, ...(incremental ? since : {}) }, (a) => a.assigned_user_id !== me && isOpen(a.status));
    });
  }

  if (!incremental) await sweep(me);

  assertAlive(ctx);
  await db.sync_meta.bulkPut([
    { key: META_COUNT, value: opts.incrementalOnly ? count : count + 1 },
    ...(maxUpdated ? [{ key: META_WATERMARK, value: maxUpdated }] : []),
  ]);
  return report;

  // ---------------------------------------------------------------------------------------------
  async function scanList(query: Record<string, string | undefined>, keep: (a: Activity) => boolean): Promise<void> {
    const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const first = await retryGet(ctx, () => client.listActivities({ ...q, page: 1, per_page: ctx.pageSize }));
    await handlePage(first, keep);
    const pages = Array.from({ length: Math.max(0, first.meta.last_page - 1) }, (_, i) => i + 2);
    await mapLimit(pages, ctx.concurrency, async (page) => {
      const res = await retryGet(ctx, () => client.listActivities({ ...q, page, per_page: ctx.pageSize }));
      await handlePage(res, keep);
    });
  }

  async function handlePage(page: Page<RemoteActivity>, keep: (a: Activity) => boolean): Promise<void> {
    report.pages++;
    report.invalid += page.invalid;
    const partial = page.items.filter(isPartialRemote);
    report.detailFetches += partial.length;
    const details = new Map<string, RemoteActivity>();
    await mapLimit(partial, ctx.concurrency, async (item) => {
      details.set(item.id, (await retryGet(ctx, () => client.getActivity(item.id))).data);
    });
    const acts: Activity[] = [];
    for (const item of page.items) {
      const a = normalizeRemote(details.get(item.id) ?? item);
      if (!keep(a)) continue;
      acts.push(a);
      seen.add(a.id);
      if (a.updated_at && (!maxUpdated || instantMs(a.updated_at) > instantMs(maxUpdated))) maxUpdated = a.updated_at;
    }
    report.items += acts.length;
    if (acts.length) await writePage(acts);
    await yieldToEventLoop(ctx);
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
          if (awaited(a)) continue;
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

  async function sweep(user: string | null): Promise<void> {
    const missing = [...known.keys()].filter((id) => !seen.has(id));
    if (!missing.length) return;
    const rows = (await db.activities.bulkGet(missing.map((id) => known.get(id) as string)))
      .filter((r): r is LocalActivity => r !== undefined && r.server_id !== null && !seen.has(r.server_id));
    const gone: LocalActivity[] = [];
    const refresh: Activity[] = [];
    const leftScope: LocalActivity[] = [];
    await mapLimit(rows, ctx.concurrency, async (row) => {
      try {
        const a = normalizeRemote((await retryGet(ctx, () => client.getActivity(row.server_id as string))).data);
        if (user && a.assigned_user_id !== user && !isOpen(a.status)) leftScope.push(row);
        else refresh.push(a);
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'not_found') gone.push(row);
        else throw e;
      }
    });
    if (refresh.length) await writePage(refresh);
    assertAlive(ctx);
    await db.transaction('rw', db.activities, db.outbox, db.conflicts, async () => {
      for (const row of [...gone, ...leftScope]) {
        const ops = await db.outbox.where('lid').equals(row.lid).toArray();
        const isGone = gone.includes(row);
        if (ops.length === 0 || (isGone && ops.every((o) => o.kind === 'delete'))) {
          await db.outbox.bulkDelete(ops.map((o) => o.seq as number));
          await db.activities.delete(row.lid);
          await db.conflicts.where('lid').equals(row.lid).delete();
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
    const first = await retryGet(ctx, () => ctx.client.listEntities(collection, { page: 1, per_page: ctx.pageSize }));
    await write(first);
    const pages = Array.from({ length: Math.max(0, first.meta.last_page - 1) }, (_, i) => i + 2);
    await mapLimit(pages, ctx.concurrency, async (page) => write(await retryGet(ctx, () => ctx.client.listEntities(collection, { page, per_page: ctx.pageSize }))));
    assertAlive(ctx);
    const stale = (await ctx.db.entities.where('type').equals(type).primaryKeys()).filter(([, id]) => !seen.has(id));
    if (stale.length) await ctx.db.entities.bulkDelete(stale);
    counts[type] = seen.size;
  }
  // Records created or edited here and not yet sent show as the rep left them.
  await reapplyPendingEntities(ctx.db);
  return counts;
}
