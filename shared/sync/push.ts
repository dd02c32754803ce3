/**
 * Push: send the outbox to the CRM.
 *
 * - Per activity (lid) strict order and at most one request in flight; up to `concurrency`
 *   activities at once, longest queues first so the run ends close to max(chain, requests/N).
 * - An op after a create waits until the row has a server id; the id is read from the row when
 *   the op is sent, never written into queued payloads.
 * - Not-yet-sent ops are coalesced first (merge.ts coalesceQueue).
 * - Ops of one bulk command go out as one bulk-actions request when every member is at the head
 *   of its queue and exists on the server; a member still working through earlier ops is waited
 *   for, a member that cannot get there (failed, blocked, conflict) sends the rest individually.
 * - Every write carries Idempotency-Key = op id (a bulk request: its group id plus a digest of
 *   its member op ids, so a different member set never reuses a key).
 * - An op is claimed (state 'inflight', lease_until) in a transaction before its request, so a
 *   sender that dies leaves evidence: the op is 'maybe_sent' when reclaimed.
 * - A 2xx is always applied: its answer, however few fields it has (the guide's shapes), is merged
 *   over base ⊕ the op (mergeAnswer), or the detail is fetched. No answer, or a 2xx that is not a
 *   success envelope (an HTML page), is an unknown outcome: without server idempotency the server's
 *   record is checked for the op's effect (applied / findCreated / findChild) before any resend, and
 *   again before a 409/422 after such an attempt becomes a conflict or a failure.
 */
import { Dexie } from 'dexie';
import { ApiError, classifyStatus, type PartialRemoteActivity } from '../api/client.ts';
import {
  applyCreate, applyOp, instantMs, isChangeKind, isPartialRemote, normalizeRemote,
  rescheduledCopy, toIsoInstant, utcDay,
  type Activity, type ActivityType, type BulkActionInput, type CancelActivityInput, type CreateActivityInput,
  type RemoteActivity, type RescheduleActivityInput,
} from '../domain/index.ts';
import { backoffDelay } from './backoff.ts';
import { assertAlive, sleep, type SyncContext } from './context.ts';
import { claimable, claimed as claimedOp, earlier, onFailure, readiness, reclaimInflight, refusalMessage, withoutLease } from './delivery.ts';
import { coalesceQueue } from './merge.ts';
import { fromLocalRow, toLocalRow } from './rows.ts';
import type { ConflictRecord, LocalActivity, OutboxOp } from './types.ts';

/** custom_fields key a create carries so its record can be recognised without server idempotency. */
export const CLIENT_MARKER = '_fb_op';

/**
 * Server id of a related record for the activity push (entity-push.ts entityIdResolver): records
 * created on this device have local ids until their create succeeds; null = not yet, keep waiting.
 */
export type EntityIdResolver = (type: string, id: string) => string | null;

const asIs: EntityIdResolver = (_type, id) => id;

export interface PushReport {
  requests: number;
  succeeded: number;
  failed: number;
  retried: number;
  conflicts: number;
  authRequired: boolean;
  /** Client time of the earliest retry still waiting when the run ended. */
  nextRetryAt: number | null;
  /** Client time the earliest undo window (hold_until) of a waiting op ends; the engine pushes then. */
  nextHoldAt: number | null;
}

type Step =
  | { kind: 'none' }
  | { kind: 'send'; op: OutboxOp; row: LocalActivity };

interface Success {
  remote: Activity | null;
  deleted?: boolean;
  child?: Activity | null;
}

type LidStep = Step & { claimed?: boolean };

class ClaimLost extends Error {}

export function opsOf(ctx: SyncContext, lid: string): Promise<OutboxOp[]> {
  return ctx.db.outbox.where('[lid+seq]').between([lid, Dexie.minKey], [lid, Dexie.maxKey]).toArray();
}

/** Most detail GETs one create lookup (findCreated) makes for list items without custom_fields. */
export const MAX_LOOKUP_DETAILS = 20;

/** Fields that place a row (lists, filters) and say whose it is: never guessed after a write. */
const PLACING_FIELDS = ['type', 'status', 'subject', 'activityable_type', 'activityable_id', 'assigned_user_id'] as const;

/** A list item's or answer's ids in either shape: `activityable_id` or only `activityable: {id}` (the guide's list example). */
function refIds(a: Partial<RemoteActivity>): Partial<Pick<Activity, 'activityable_id' | 'assigned_user_id' | 'contact_id'>> {
  const out: Partial<Pick<Activity, 'activityable_id' | 'assigned_user_id' | 'contact_id'>> = {};
  const ent = a.activityable_id ?? a.activityable?.id;
  if (ent !== undefined) out.activityable_id = ent;
  const user = a.assigned_user_id ?? a.assigned_user?.id;
  if (user !== undefined && user !== null) out.assigned_user_id = user;
  const contact = a.contact_id !== undefined ? a.contact_id : a.contact?.id;
  if (contact !== undefined) out.contact_id = contact;
  return out;
}

/**
 * The server's record after a 2xx write answered with some fields (the guide's PATCH answer is
 * `{id, <some changed fields>, updated_at}`; complete, cancel and reschedule answer a few fields;
 * create lacks tags, custom_fields, location, updated_at): `expected ⊕ answer`, where `expected` is
 * base ⊕ the op applied (the domain rule on what the server had, with the request as sent — the
 * same rules the CRM applies) and every field the answer carries goes on top (the server's word
 * wins). Returns null when the row needs the detail endpoint instead, which is exactly when:
 * - there is no `expected` (no base to apply the op to, or the rule refuses the op on our base,
 *   e.g. base says waiting but the server took the update: our base is stale, the merge a guess);
 * - a field that places the row or says whose it is (PLACING_FIELDS) is still unknown after the merge.
 * Everything else the answer lacks (description, tags, custom_fields, reminders, billing, follow-up,
 * counters) is what the rule computed from base and request. Timestamps the server sets and did
 * not send (updated_at, completed_at, cancelled_at) are the rep's action time; the next pull
 * corrects them, and no local decision depends on them.
 */
export function mergeAnswer(expected: Activity | null, answer: PartialRemoteActivity): Activity | null {
  if (!expected) return null;
  // The answer holds only fields of the activity record (readWriteAnswer drops the rest).
  const merged: Record<string, unknown> = { ...expected };
  for (const [k, v] of Object.entries(answer)) if (v !== undefined) merged[k] = v;
  Object.assign(merged, refIds(answer), { id: answer.id });
  const out = normalizeRemote(merged as RemoteActivity);
  return PLACING_FIELDS.every((f) => typeof out[f] === 'string' && out[f] !== '') ? out : null;
}

/** The domain rule of `op` applied to `base` with the request as sent; null when it refuses (our base is stale) or there is no base. */
export function expectedAfter(op: OutboxOp, base: Activity | null, sent: Record<string, unknown>, at: string, newId?: string): Activity | null {
  try {
    if (op.kind === 'create') {
      const body = sent as CreateActivityInput;
      const a = applyCreate(body, { id: newId ?? '', now: at, currentUser: { id: body.assigned_user_id ?? '', name: '' }, reminderDefaults: false });
      return a;
    }
    if (!base || !isChangeKind(op.kind)) return null;
    return applyOp(base, op.kind, sent, at);
  } catch {
    // The rule refused: see mergeAnswer.
  }
  return null;
}

function bulkDigest(ids: readonly string[]): string {
  // FNV-1a over the member ids: short, stable, different for a different set.
  let h = 0x811c9dc5;
  for (const ch of ids.join(',')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export async function pushOutbox(ctx: SyncContext, exclusive: boolean, onProgress: () => void = () => {}, resolveEntityId: EntityIdResolver = asIs): Promise<PushReport> {
  const { db, client } = ctx;
  const report: PushReport = { requests: 0, succeeded: 0, failed: 0, retried: 0, conflicts: 0, authRequired: false, nextRetryAt: null, nextHoldAt: null };
  const parked = new Map<string, Set<string>>();
  const individual = new Set<string>();
  const active = new Set<string>();
  let queue: string[] = [];
  /**
   * Lids tried without progress since the last pass that moved something. They are not tried again
   * until something moves, so passes that move nothing cannot spin; a lid outside the set (its
   * retry time came while a pass moved nothing) still goes, rather than being dropped until the
   * next sync.
   */
  const stalled = new Set<string>();

  await reclaim(ctx, exclusive);
  await coalesceAll(ctx);

  const idempotent = () => client.extensions().idempotency;

  // ------------------------------------------------------------------ scheduling
  for (;;) {
    if (report.authRequired || !ctx.alive()) break;
    const { ready, earliest, held } = await scan();
    report.nextHoldAt = held;
    const parkedLids = new Set([...parked.values()].flatMap((s) => [...s]));
    queue = ready.filter((l) => !parkedLids.has(l) && !stalled.has(l));
    if (queue.length === 0) {
      report.nextRetryAt = earliest;
      if (earliest !== null && earliest - ctx.now() <= ctx.maxInRunWaitMs) {
        await sleep(ctx, Math.max(0, earliest - ctx.now()));
        // Time moved: every lid may be tried again.
        stalled.clear();
        continue;
      }
      if (parked.size > 0) {
        // Nothing else can move: members still missing will not arrive in this run.
        for (const g of parked.keys()) individual.add(g);
        parked.clear();
        continue;
      }
      break;
    }
    let progress = false;
    const tried: string[] = [];
    const workers = Array.from({ length: ctx.concurrency }, async () => {
      for (;;) {
        const lid = queue.shift();
        if (lid === undefined || report.authRequired || !ctx.alive()) return;
        if (active.has(lid)) continue;
        active.add(lid);
        tried.push(lid);
        try {
          if (await processLid(lid)) progress = true;
        } finally {
          active.delete(lid);
        }
      }
    });
    // Wait for every worker even when one fails: the run (and the sender lock) must outlive its
    // requests, or a new sender could resend an op whose request is still on the wire.
    const settled = await Promise.allSettled(workers);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    // A pass that moved nothing must not spin: its lids wait until something moves (see stalled).
    if (progress) stalled.clear();
    else for (const l of tried) stalled.add(l);
  }
  return report;

  /**
   * Lids whose head op can go now, longest queue first; the earliest retry time of the rest; and
   * the earliest end of a hold (not waited for in the run: the engine's timer pushes then).
   */
  async function scan(): Promise<{ ready: string[]; earliest: number | null; held: number | null }> {
    const all = await db.outbox.orderBy('seq').toArray();
    const byLid = new Map<string, OutboxOp[]>();
    for (const op of all) {
      const list = byLid.get(op.lid);
      if (list) list.push(op); else byLid.set(op.lid, [op]);
    }
    const now = ctx.now();
    let earliest: number | null = null;
    let held: number | null = null;
    const ready: [string, number][] = [];
    for (const [lid, ops] of byLid) {
      const head = ops[0];
      if (!head) continue;
      const r = readiness(head, now);
      if (r.kind === 'held') held = earlier(held, r.until);
      else if (r.kind === 'backoff') earliest = earlier(earliest, r.until);
      else if (r.kind === 'ready') ready.push([lid, ops.length]);
    }
    ready.sort((a, b) => b[1] - a[1]);
    return { ready: ready.map(([l]) => l), earliest, held };
  }

  // ------------------------------------------------------------------ one activity
  /** Work one activity's queue as far as it goes now; returns whether anything was attempted. */
  async function processLid(lid: string): Promise<boolean> {
    let progress = false;
    let carried: LidStep | null = null;
    for (;;) {
      if (report.authRequired || !ctx.alive()) return progress;
      const step: LidStep = carried ?? await nextStep(lid);
      carried = null;
      if (step.kind !== 'send') return progress;
      progress = true;
      const { op, row } = step;
      // An op that went out alone stays alone (bulk_members = []): in a bulk it would carry another
      // key, and a server could apply it twice. Without server idempotency a bulk of unknown
      // outcome is not resent as a whole either: its members go alone, each checked first.
      if (!step.claimed) {
        const r = await tryBulk(op, lid);
        if (r === 'sent') continue;
        if (r === 'parked') return progress;
      }
      const next = await sendOne(op, row, step.claimed === true);
      if (!next) return progress;
      carried = next;
    }
  }

  /** The payload with its related record's server id (resolved when sent, never stored); null = not yet known. */
  function withServerRefs(p: Record<string, unknown>): Record<string, unknown> | null {
    if (typeof p.activityable_id !== 'string') return p;
    const id = resolveEntityId(typeof p.activityable_type === 'string' ? p.activityable_type : '', p.activityable_id);
    return id === null ? null : id === p.activityable_id ? p : { ...p, activityable_id: id };
  }

  /** An op that went out alone stays alone; see processLid. */
  function goesAlone(op: OutboxOp): boolean {
    return !op.bulk_group || individual.has(op.bulk_group) || op.bulk_members?.length === 0 ||
      (op.maybe_sent === true && (!op.bulk_key || !idempotent()));
  }

  /**
   * The lid's next op, read and (unless it may join a bulk request) claimed in one transaction:
   * one round of local I/O per op keeps the sender close to the network's floor.
   */
  async function nextStep(lid: string): Promise<LidStep> {
    assertAlive(ctx);
    return db.transaction('rw', db.outbox, db.activities, () => stepIn(lid));
  }

  /** Body of nextStep; runs inside a caller's rw transaction over outbox and activities. */
  async function stepIn(lid: string): Promise<LidStep> {
    {
      const ops = await opsOf(ctx, lid);
      const head = ops[0];
      if (!head) return { kind: 'none' };
      if (head.state === 'failed') {
        await blockFollowers(lid, head);
        return { kind: 'none' };
      }
      const now = ctx.now();
      // Blocked, another sender's, in its undo window or backing off: it and the lid's later ops
      // wait (scan reports when a hold or a backoff ends).
      if (readiness(head, now).kind !== 'ready') return { kind: 'none' };
      const row = await db.activities.get(lid);
      if (!row) return { kind: 'none' };
      if (row.sync === 'conflict') return { kind: 'none' };
      // Every op but a create needs the server id: wait for the create (same lid) or, for the copy a
      // cancel-with-reschedule makes, for the parent's cancel (which maps it and re-queues it).
      if (head.kind !== 'create' && !row.server_id) return { kind: 'none' };
      // An activity on a record created here waits until that record's create has succeeded.
      if (withServerRefs(head.payload) === null) return { kind: 'none' };
      if (!goesAlone(head)) return { kind: 'send', op: head, row };
      const claimed: OutboxOp = { ...claimFields(head, now), ...singleExtra(head, row) };
      await db.outbox.put(claimed);
      return { kind: 'send', op: claimed, row, claimed: true };
    }
  }

  function claimFields(cur: OutboxOp, now: number): OutboxOp {
    return claimedOp(cur, now, ctx.leaseMs);
  }

  function singleExtra(cur: OutboxOp, row: LocalActivity): Partial<OutboxOp> {
    return {
      ...(cur.kind === 'reschedule' && cur.sent_count === undefined ? { sent_count: row.base?.rescheduled_count ?? 0 } : {}),
      ...(cur.bulk_group ? { bulk_members: [] } : {}),
    };
  }

  async function claim(ops: OutboxOp[], extra: (op: OutboxOp) => Partial<OutboxOp> = () => ({})): Promise<OutboxOp[]> {
    assertAlive(ctx);
    const now = ctx.now();
    try {
      return await db.transaction('rw', db.outbox, async () => {
        const out: OutboxOp[] = [];
        for (const op of ops) {
          const cur = await db.outbox.get(op.seq as number);
          if (!cur || !claimable(cur, now)) throw new ClaimLost();
          const next: OutboxOp = { ...claimFields(cur, now), ...extra(cur) };
          await db.outbox.put(next);
          out.push(next);
        }
        return out;
      });
    } catch (e) {
      if (e instanceof ClaimLost) return [];
      throw e;
    }
  }

  // ------------------------------------------------------------------ single op
  /** Returns whether the lid may continue with its next op at once. */
  /** Returns the lid's next step (read, and claimed, in the same transaction as this result), or null to stop. */
  async function sendOne(op0: OutboxOp, row: LocalActivity, claimed = false): Promise<LidStep | null> {
    const [op] = claimed ? [op0] : await claim([op0], (cur) => singleExtra(cur, row));
    if (!op) return null;
    let ok: Success;
    try {
      ok = await execute(op, row);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return (await handleFailure(op, row, e)) ? nextStep(op.lid) : null;
    }
    const next = await applySuccess([op], new Map([[op.lid, ok]]), op.child_lid ?? null, op.lid);
    report.succeeded++;
    onProgress();
    return next;
  }

  async function execute(op: OutboxOp, row: LocalActivity): Promise<Success> {
    const sid = row.server_id;
    const known = row.base;
    // Check the server before resending when its idempotency cannot recognise the earlier attempt:
    // it has none, or the earlier attempt went out in a bulk request under the bulk's key.
    const verify = op.maybe_sent === true && (!idempotent() || op.bulk_key !== undefined);
    const p = op.payload;
    const at = toIsoInstant(op.created_at);
    if (op.kind === 'create') {
      const body = withMarker(withServerRefs(p) as CreateActivityInput, op.op_id);
      if (verify) {
        const found = await findCreated(op, body);
        if (found) return { remote: found };
      }
      report.requests++;
      const res = await client.createActivity(body, op.op_id);
      const expected = expectedAfter(op, null, body, at, res.data.id);
      return { remote: await completed(expected && { ...expected, created_by: row.created_by ?? null }, res.data) };
    }
    if (!sid) throw new Error('push: op without server id');
    if (op.kind === 'delete') {
      if (verify) {
        const cur = await getOrNull(sid);
        if (!cur) return { remote: null, deleted: true };
      }
      try {
        report.requests++;
        await client.deleteActivity(sid, op.op_id);
      } catch (e) {
        // 404 on delete: already gone, which is what we wanted.
        if (e instanceof ApiError && e.kind === 'not_found') return { remote: null, deleted: true };
        throw e;
      }
      return { remote: null, deleted: true };
    }
    const sent = op.kind === 'update' ? withServerRefs(p) ?? p : p;
    // Our first attempt may have applied: a resend could be refused because of it (a PATCH to
    // waiting, then "A waiting activity cannot be updated") or apply it twice (reschedule).
    if (verify) {
      const cur = await getOrNull(sid);
      if (cur && applied(op, cur, sent)) return { remote: cur, child: await findChild(op, row, cur) };
    }
    try {
      report.requests++;
      if (op.kind === 'update') {
        const res = await client.updateActivity(sid, sent, op.op_id);
        return { remote: await completed(expectedAfter(op, known, sent, at), res.data) };
      }
      if (op.kind === 'complete') {
        const res = await client.completeActivity(sid, p, op.op_id);
        return { remote: await completed(expectedAfter(op, known, p, at), res.data) };
      }
      if (op.kind === 'reschedule') {
        const res = await client.rescheduleActivity(sid, p as RescheduleActivityInput, op.op_id);
        return { remote: await completed(expectedAfter(op, known, p, at), res.data) };
      }
      const res = await client.cancelActivity(sid, p, op.op_id);
      const cancelled = await completed(expectedAfter(op, known, p, at), res.data.cancelled);
      const input = p as CancelActivityInput;
      let child: Activity | null = null;
      if (res.data.rescheduled && known && input.reschedule_date) {
        child = await completed(rescheduledCopy(known, input.reschedule_date, res.data.rescheduled.id, at), res.data.rescheduled);
      } else if (res.data.rescheduled) {
        child = await completed(null, res.data.rescheduled);
      } else {
        // The guide's cancel answer does not show the copy it made: look it up like after a lost answer.
        child = await findChild(op, row, cancelled);
      }
      return { remote: cancelled, child };
    } catch (e) {
      // 409/422 after a maybe-sent attempt: our earlier request may be what changed the status.
      if (e instanceof ApiError && op.maybe_sent === true && (e.kind === 'conflict' || e.status === 422)) {
        const cur = await getOrNull(sid);
        if (cur && applied(op, cur, sent)) return { remote: cur, child: await findChild(op, row, cur) };
      }
      throw e;
    }
  }

  /** A 2xx answer as the full record: merged over what we expected (mergeAnswer), else the detail endpoint. */
  async function completed(expected: Activity | null, answer: PartialRemoteActivity): Promise<Activity> {
    const merged = mergeAnswer(expected, answer);
    if (merged) return merged;
    // Applied (a 2xx) but not enough to show the row: fetch it. A failure here is a failed read:
    // the op is resent only after the check against the server (maybe_sent; see execute).
    let cur: Activity | null;
    try {
      cur = await getOrNull(answer.id);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      throw new ApiError(e.status, e.kind === 'auth' ? 'auth' : 'transient', e.message, e.errors, e.retryAfterMs, true);
    }
    // Gone right after our write: someone deleted it; the row says so (a "deleted on the server" conflict).
    if (!cur) throw new ApiError(404, 'not_found', 'The CRM no longer has this activity');
    return cur;
  }

  async function getOrNull(id: string): Promise<Activity | null> {
    try {
      report.requests++;
      return normalizeRemote((await client.getActivity(id)).data);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  /**
   * Matching rule for a create of unknown outcome on a server without idempotency: the create
   * body carries custom_fields._fb_op = op id (a client marker nobody else writes). Candidates are
   * listed narrowly (same related record, type and, when due, the UTC due day) and a candidate is
   * ours only if its marker equals this op id; list items without custom fields are completed from
   * the detail endpoint first. No marker match → the create did not happen and is sent again.
   */
  async function findCreated(op: OutboxOp, body: CreateActivityInput): Promise<Activity | null> {
    const query: Record<string, string | number> = {
      activityable_type: body.activityable_type, activityable_id: body.activityable_id, type: body.type, per_page: 100,
      // Newest first: ours is among the last created.
      sort_by: 'created_at', sort_direction: 'desc',
    };
    if (body.due_at) { query.due_date_from = utcDay(body.due_at); query.due_date_to = utcDay(body.due_at); }
    let details = 0;
    for (let page = 1; page <= 50; page++) {
      report.requests++;
      const res = await client.listActivities({ ...query, page });
      for (const item of res.items) {
        if (item.subject !== body.subject) continue;
        // Both list shapes: a server that ignored the filter is caught here.
        const ref = refIds(item);
        if (ref.activityable_id !== undefined && ref.activityable_id !== body.activityable_id) continue;
        let full = item;
        if (!item.custom_fields) {
          // Bounded: past it, which record is ours cannot be told cheaply, and a resend could
          // duplicate it; the op waits for the rep (failed, with this reason) instead.
          if (++details > MAX_LOOKUP_DETAILS) {
            throw new ApiError(0, 'rejected', `Could not tell whether this activity reached the CRM: more than ${MAX_LOOKUP_DETAILS} look-alike records to check`);
          }
          report.requests++;
          full = (await client.getActivity(item.id)).data;
        }
        if (full.custom_fields?.[CLIENT_MARKER] === op.op_id) return normalizeRemote(full);
      }
      if (page >= res.meta.last_page) break;
    }
    return null;
  }

  /**
   * The copy a cancel-with-reschedule made, when the cancel's answer was lost: same related record,
   * type and subject, due at reschedule_date, pending, and not already some local row's record.
   */
  async function findChild(op: OutboxOp, row: LocalActivity, cancelled: Activity): Promise<Activity | null> {
    const input = op.payload as CancelActivityInput;
    if (op.kind !== 'cancel' || !input.reschedule || !input.reschedule_date || !op.child_lid) return null;
    const day = utcDay(input.reschedule_date);
    const parent = { activityable_type: cancelled.activityable_type, activityable_id: cancelled.activityable_id, type: cancelled.type, subject: row.subject };
    for (let page = 1; page <= 50; page++) {
      report.requests++;
      const res = await client.listActivities({
        // A type this version does not know is still the server's own value to filter by.
        activityable_type: cancelled.activityable_type, activityable_id: cancelled.activityable_id, type: cancelled.type as ActivityType,
        due_date_from: day, due_date_to: day, per_page: 100, page,
      });
      for (const item of res.items) {
        if (!isRescheduledCopy(item, parent, input.reschedule_date)) continue;
        const taken = await db.activities.where('server_id').equals(item.id).count();
        if (taken > 0) continue;
        if (!isPartialRemote(item)) return normalizeRemote(item);
        report.requests++;
        return normalizeRemote((await client.getActivity(item.id)).data);
      }
      if (page >= res.meta.last_page) break;
    }
    return null;
  }

  // ------------------------------------------------------------------ bulk
  async function tryBulk(head: OutboxOp, lid: string): Promise<'sent' | 'parked' | 'individual'> {
    const group = head.bulk_group as string;
    const members = (await db.outbox.where('bulk_group').equals(group).toArray()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const now = ctx.now();
    const ready: { op: OutboxOp; row: LocalActivity }[] = [];
    let waiting = false;
    let fixedSet: string[] | null = null;
    if (head.bulk_key && head.bulk_members) fixedSet = head.bulk_members;
    let leader: OutboxOp | null = null;
    for (const m of members) {
      if (fixedSet && !fixedSet.includes(m.op_id)) continue;
      const ops = await opsOf(ctx, m.lid);
      const row = await db.activities.get(m.lid);
      const isHead = ops[0]?.op_id === m.op_id;
      const blocked = !row || row.sync === 'conflict' || m.bulk_members?.length === 0 ||
        ops.some((o) => (o.seq ?? 0) <= (m.seq ?? 0) && (o.state === 'failed' || o.state === 'blocked'));
      if (blocked) continue;
      leader ??= m;
      if (isHead && row.server_id && readiness(m, now).kind === 'ready') {
        ready.push({ op: m, row });
      } else {
        waiting = true;
      }
    }
    // Only the group's first live member (the leader) sends the bulk; the others wait parked and
    // wake the leader as they arrive, so workers racing on one group never split it.
    if (leader && leader.lid !== lid && !individual.has(group)) {
      const set = parked.get(group) ?? new Set<string>();
      set.add(lid);
      parked.set(group, set);
      if (set.has(leader.lid)) {
        set.delete(leader.lid);
        queue.push(leader.lid);
      }
      return 'parked';
    }
    if (fixedSet && !waiting && ready.length !== fixedSet.length) {
      // A set that may already have been applied is resent exactly, with the same key, or its
      // members go alone (and are checked against the server first, see execute). A member that
      // has since left the outbox (it went alone and succeeded) makes the exact resend impossible:
      // the same key with fewer ids is a different request, which the server refuses (422).
      return 'individual';
    }
    if (waiting) {
      const set = parked.get(group) ?? new Set<string>();
      set.add(lid);
      parked.set(group, set);
      return 'parked';
    }
    if (ready.length < 2) return 'individual';
    const ids = ready.map((r) => r.op.op_id);
    const key = head.bulk_key ?? `${group}.${bulkDigest(ids)}`;
    const rows = new Map(ready.map((r) => [r.op.lid, r.row]));
    const claimed = await claim(ready.map((r) => r.op), (cur) => ({
      bulk_key: key, bulk_members: ids,
      ...(cur.kind === 'reschedule' && cur.sent_count === undefined ? { sent_count: rows.get(cur.lid)?.base?.rescheduled_count ?? 0 } : {}),
    }));
    if (claimed.length === 0) return 'individual';
    const sidToOp = new Map<string, OutboxOp>();
    for (const op of claimed) sidToOp.set(rows.get(op.lid)?.server_id as string, op);
    const first = claimed[0] as OutboxOp;
    const body = { action: first.bulk_action ?? first.kind, activity_ids: [...sidToOp.keys()], parameters: first.payload } as BulkActionInput;
    let result;
    try {
      report.requests++;
      result = (await client.bulkAction(body, key)).data;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      for (const op of claimed) await handleFailure(op, rows.get(op.lid) as LocalActivity, e);
      requeueGroup(group, lid);
      return 'parked';
    }
    const done = new Map<string, Success>();
    const doneOps: OutboxOp[] = [];
    for (const sid of result.succeeded) {
      const op = sidToOp.get(sid);
      const row = op ? rows.get(op.lid) : undefined;
      if (!op || !row) continue;
      done.set(op.lid, { remote: op.kind === 'delete' ? null : bulkBase(op, row), deleted: op.kind === 'delete' });
      doneOps.push(op);
    }
    for (const f of result.failed) {
      const op = sidToOp.get(f.id);
      const row = op ? rows.get(op.lid) : undefined;
      if (!op || !row) continue;
      const kind = classifyStatus(f.status);
      if (kind === 'not_found' && op.kind === 'delete') {
        done.set(op.lid, { remote: null, deleted: true });
        doneOps.push(op);
        continue;
      }
      // Per-item failures go through the same rules as a single request; 409 is checked against
      // the server (our earlier attempt may be what changed the status).
      if (kind === 'conflict') {
        const cur = await getOrNull(f.id).catch(() => null);
        if (cur && applied(op, cur)) { done.set(op.lid, { remote: cur }); doneOps.push(op); continue; }
      }
      // Answered: from now on this op goes alone (bulk_members = []), under its own key.
      await handleFailure({ ...op, bulk_key: undefined, bulk_members: [] }, row, new ApiError(f.status, kind, f.message));
    }
    if (doneOps.length) {
      await applySuccess(doneOps, done, null);
      report.succeeded += doneOps.length;
      onProgress();
    }
    // Whatever did not succeed goes on individually; the other members' lids continue.
    individual.add(group);
    requeueGroup(group, lid);
    return 'sent';
  }

  function requeueGroup(group: string, self: string): void {
    const lids = parked.get(group);
    parked.delete(group);
    for (const l of lids ?? []) if (l !== self) queue.push(l);
  }

  /** The server snapshot after a bulk action (the bulk answer has no records): the rule applied to base. */
  function bulkBase(op: OutboxOp, row: LocalActivity): Activity {
    const base = row.base ?? fromLocalRow(row);
    // Stamped with the rep's action time as the row shows it.
    const at = op.kind === 'complete' ? row.completed_at ?? base.updated_at : op.kind === 'cancel' ? row.cancelled_at ?? base.updated_at : row.updated_at;
    try {
      if (op.kind === 'complete' || op.kind === 'cancel' || op.kind === 'reschedule') return applyOp(base, op.kind, op.payload, at);
    } catch {
      // The base did not allow it locally but the server did: take our view until the next pull.
    }
    return { ...fromLocalRow(row), id: row.server_id ?? row.lid };
  }

  // ------------------------------------------------------------------ results
  async function applySuccess(ops: OutboxOp[], results: Map<string, Success>, childLid: string | null, thenLid?: string): Promise<LidStep | null> {
    assertAlive(ctx);
    return db.transaction('rw', db.activities, db.outbox, db.conflicts, async () => {
      for (const op of ops) await db.outbox.delete(op.seq);
      for (const [lid, s] of results) {
        const row = await db.activities.get(lid);
        if (!row) continue;
        const remaining = await db.outbox.where('lid').equals(lid).count();
        if (s.deleted) {
          if (remaining === 0) {
            await db.activities.delete(lid);
            await db.conflicts.where('lid').equals(lid).delete();
          }
          continue;
        }
        if (s.remote) await adopt(row, s.remote, remaining);
      }
      if (childLid) {
        const s = results.values().next().value;
        const child = await db.activities.get(childLid);
        if (child && s?.child) {
          await adopt(child, s.child, await db.outbox.where('lid').equals(childLid).count());
          queue.push(childLid);
        }
      }
      // The lid's next op is read and claimed in this same transaction (one local round per op).
      return thenLid ? stepIn(thenLid) : null;
    });
  }

  /** The server knows this row as `remote`: set server id and base; with nothing pending, show the server's record. */
  async function adopt(row: LocalActivity, remote: Activity, remaining: number): Promise<void> {
    // A pull may have stored the same server record under another lid before our answer came:
    // keep ours (it holds the rep's ops and references), drop the copy if it has nothing pending.
    const dupes = row.server_id === remote.id ? [] : await db.activities.where('server_id').equals(remote.id).toArray();
    for (const d of dupes) {
      if (d.lid !== row.lid && (await db.outbox.where('lid').equals(d.lid).count()) === 0) await db.activities.delete(d.lid);
    }
    const next = remaining === 0 && row.sync !== 'conflict'
      ? toLocalRow(remote, { lid: row.lid, base: remote, sync: 'synced', server_id: remote.id, ...(row.seen_in_pull ? { seen_in_pull: row.seen_in_pull } : {}) })
      : { ...row, base: remote, server_id: remote.id };
    await db.activities.put(next);
  }

  /** Returns whether the lid may continue at once (never after a failure). */
  async function handleFailure(op: OutboxOp, row: LocalActivity, e: ApiError): Promise<boolean> {
    assertAlive(ctx);
    const now = ctx.now();
    const verdict = onFailure(op, e, ctx, idempotent());
    if (verdict.kind === 'auth') {
      report.authRequired = true;
      await putOp(verdict.next);
      return false;
    }
    if (verdict.kind === 'retry') {
      report.retried++;
      await putOp(verdict.next);
      return false;
    }
    if (verdict.kind === 'give_up') {
      report.failed++;
      await fail(op, verdict.message, e.status, { maybe_sent: verdict.maybe_sent });
      return false;
    }
    if (e.kind === 'not_found') {
      if (op.kind === 'delete') {
        await applySuccess([op], new Map([[op.lid, { remote: null, deleted: true }]]), null);
        return true;
      }
      if (op.kind === 'create') {
        report.failed++;
        await fail(op, e.message, e.status);
        return false;
      }
      await raiseConflict(op, row, { kind: 'deleted_remote', field: '*', remote: null }, e);
      return false;
    }
    if (e.kind === 'conflict' || e.kind === 'precondition') {
      // Second refusal after the rep chose "keep mine": the server will not take it; say so.
      const last = typeof op.last_status === 'number' ? classifyStatus(op.last_status) : null;
      if (last === 'conflict' || last === 'precondition' || !row.server_id) {
        report.failed++;
        await fail(op, e.message, e.status);
        return false;
      }
      let remote: Activity | null;
      try {
        remote = await getOrNull(row.server_id);
      } catch (ge) {
        if (!(ge instanceof ApiError)) throw ge;
        await putOp({ ...op, state: 'queued', next_attempt_at: now + backoffDelay(op.attempts, ctx.random, null, ctx.backoff), last_error: e.message, last_status: null });
        return false;
      }
      if (!remote) {
        await raiseConflict(op, row, { kind: 'deleted_remote', field: '*', remote: null }, e);
        return false;
      }
      await raiseConflict(op, row, { kind: 'status', field: 'status', remote: remote.status, snapshot: remote }, e);
      return false;
    }
    report.failed++;
    await fail(op, refusalMessage(e), e.status);
    return false;
  }

  async function putOp(op: OutboxOp): Promise<void> {
    assertAlive(ctx);
    await db.outbox.put(withoutLease(op));
  }

  async function fail(op: OutboxOp, message: string, status: number, extra: Partial<OutboxOp> = {}): Promise<void> {
    assertAlive(ctx);
    await db.transaction('rw', db.outbox, db.activities, async () => {
      await db.outbox.put({ ...withoutLease(op), ...extra, state: 'failed', last_error: message, last_status: status });
      await blockFollowers(op.lid, op);
      await db.activities.update(op.lid, { sync: 'failed' });
    });
  }

  /** Later ops of the lid (and the ops of a child a failed cancel would have made) wait for the rep. */
  async function blockFollowers(lid: string, failed: OutboxOp): Promise<void> {
    assertAlive(ctx);
    await db.transaction('rw', db.outbox, db.activities, async () => {
      const lids = failed.child_lid ? [lid, failed.child_lid] : [lid];
      for (const l of lids) {
        const ops = await opsOf(ctx, l);
        for (const o of ops) {
          if (o.op_id !== failed.op_id && o.state === 'queued') await db.outbox.update(o.seq, { state: 'blocked' });
        }
        if (l !== lid && ops.length) await db.activities.update(l, { sync: 'failed' });
      }
    });
  }

  async function raiseConflict(
    op: OutboxOp, row: LocalActivity,
    c: { kind: ConflictRecord['kind']; field: string; remote: unknown; snapshot?: Activity }, e: ApiError,
  ): Promise<void> {
    assertAlive(ctx);
    report.conflicts++;
    await db.transaction('rw', db.outbox, db.activities, db.conflicts, async () => {
      const record: ConflictRecord = {
        id: `${row.lid}|${c.field}`, lid: row.lid, kind: c.kind, field: c.field,
        base: c.field === '*' ? row.base : (row.base as Record<string, unknown> | null)?.[c.field] ?? null,
        local: c.field === '*' ? fromLocalRow(row) : (row as unknown as Record<string, unknown>)[c.field],
        remote: c.remote, created_at: ctx.now(),
      };
      await db.conflicts.put(record);
      // The op stays queued but held: the lid is in conflict until the rep decides.
      await db.outbox.put({ ...withoutLease(op), state: 'queued', last_error: e.message, last_status: e.status });
      const cur = await db.activities.get(row.lid);
      if (cur) await db.activities.put({ ...cur, sync: 'conflict', ...(c.snapshot ? { base: c.snapshot } : {}) });
    });
  }
}

function withMarker(body: CreateActivityInput, opId: string): CreateActivityInput {
  return { ...body, custom_fields: { ...(body.custom_fields ?? {}), [CLIENT_MARKER]: opId } };
}

type CopyFields = 'activityable_type' | 'activityable_id' | 'type' | 'subject';

/**
 * The matching rule for the copy a cancel-with-reschedule made on the server (its answer lost):
 * same related record, type and subject as the cancelled activity, pending, due at reschedule_date.
 * Used by the push (findChild) and by the pull, which leaves such a copy alone until the cancel settles.
 */
export function isRescheduledCopy(
  a: Partial<Pick<Activity, CopyFields | 'status' | 'due_at'>> & { activityable?: { id: string } | null },
  parent: Pick<Activity, CopyFields>, rescheduleDate: string,
): boolean {
  // Both list shapes: `activityable_id`, or only `activityable: {id, name}` (the guide's list example).
  const entityId = a.activityable_id ?? a.activityable?.id;
  return a.status === 'pending' && a.activityable_type === parent.activityable_type && entityId === parent.activityable_id &&
    a.type === parent.type && a.subject === parent.subject && !!a.due_at && instantMs(a.due_at) === instantMs(rescheduleDate);
}

/**
 * Does the server record already show this op's effect? (Only asked after an attempt of unknown
 * outcome.) `sent` is the body as sent (an update's related record resolved to its server id).
 * An update: every field it sets has the server's value (instants compared as instants, tags as a
 * set, custom_fields by value whatever the key order). Creates are found by their marker (findCreated).
 */
export function applied(op: OutboxOp, cur: Activity, sent: Record<string, unknown> = op.payload): boolean {
  const p = op.kind === 'update' ? sent : op.payload;
  switch (op.kind) {
    case 'update':
      return Object.entries(p).every(([k, v]) => v === undefined || sameField(k, v, (cur as unknown as Record<string, unknown>)[k]));
    case 'complete':
      return cur.status === 'completed' && (p.outcome === undefined || cur.outcome === p.outcome);
    case 'cancel':
      return cur.status === 'cancelled' && (p.reason === undefined || cur.cancellation_reason === p.reason);
    case 'reschedule':
      return cur.rescheduled_count > (op.sent_count ?? Number.POSITIVE_INFINITY) && !!cur.due_at &&
        instantMs(cur.due_at) === instantMs(String(p.new_due_at));
    default:
      return false;
  }
}

const INSTANT_FIELDS = new Set(['due_at', 'reminder_at', 'completed_at', 'cancelled_at', 'previous_due_at']);

/** One field of an update against the server's value (see applied). */
function sameField(field: string, mine: unknown, theirs: unknown): boolean {
  if (mine === null || theirs === null || theirs === undefined) return (mine ?? null) === (theirs ?? null);
  if (INSTANT_FIELDS.has(field) && typeof mine === 'string' && typeof theirs === 'string') {
    const a = instantMs(mine);
    const b = instantMs(theirs);
    return Number.isFinite(a) ? a === b : mine === theirs;
  }
  if (field === 'follow_up_date' && typeof mine === 'string' && typeof theirs === 'string') return mine.slice(0, 10) === theirs.slice(0, 10);
  if (field === 'tags' && Array.isArray(mine) && Array.isArray(theirs)) {
    const a = new Set(mine);
    const b = new Set(theirs);
    return a.size === b.size && [...a].every((t) => b.has(t));
  }
  return deepEqual(mine, theirs);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ob = b as Record<string, unknown>;
  const oa = a as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && deepEqual(oa[k], ob[k]));
}

/** After a restart: ops a dead sender left 'inflight' go back to the queue, flagged maybe-sent. */
async function reclaim(ctx: SyncContext, exclusive: boolean): Promise<void> {
  assertAlive(ctx);
  await reclaimInflight(ctx.db.outbox, exclusive, ctx.now());
}

/** Coalesce every activity's not-yet-sent ops (one transaction, so a command cannot interleave). */
export async function coalesceAll(ctx: SyncContext): Promise<number> {
  assertAlive(ctx);
  const now = ctx.now();
  return ctx.db.transaction('rw', ctx.db.outbox, ctx.db.activities, async () => {
    const all = await ctx.db.outbox.orderBy('seq').toArray();
    const byLid = new Map<string, OutboxOp[]>();
    for (const op of all) {
      const list = byLid.get(op.lid);
      if (list) list.push(op); else byLid.set(op.lid, [op]);
    }
    let removed = 0;
    const seqOf = new Map(all.map((o) => [o.op_id, o.seq as number]));
    for (const [lid, ops] of byLid) {
      if (ops.length < 2) continue;
      const plan = coalesceQueue(ops, now);
      for (const w of plan.rewrite) await ctx.db.outbox.update(seqOf.get(w.op_id), { payload: w.payload });
      if (plan.remove.length) {
        await ctx.db.outbox.bulkDelete(plan.remove.map((id) => seqOf.get(id) as number));
        removed += plan.remove.length;
      }
      if (plan.dropActivity) await ctx.db.activities.delete(lid);
    }
    return removed;
  });
}
