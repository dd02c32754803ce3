/**
 * Push, bulk: ops of one bulk command go out as one bulk-actions request when every member is at
 * the head of its queue and on the server; per-item answers go through the single-op rules.
 */
import { ApiError, classifyStatus } from '../../api/client.ts';
import type { BulkResult } from '../../api/envelope.ts';
import { type Activity, applyOp, type BulkActionInput } from '../../domain/index.ts';
import { readiness } from '../delivery.ts';
import { fromLocalRow } from '../rows.ts';
import type { LocalActivity, OutboxOp } from '../types.ts';
import { handleFailure, settle } from './answer.ts';
import { claim } from './claim.ts';
import { applied, bulkDigest, opsOf } from './rules.ts';
import type { PushRun, Success } from './run.ts';
import { getOrNull } from './send.ts';

// ------------------------------------------------------------------ bulk
type BulkOutcome = 'sent' | 'parked' | 'individual';
interface Ready { op: OutboxOp; row: LocalActivity }
/** The live members of a bulk group as this worker sees them. */
interface GroupView {
  group: string;
  /** Members at the head of their queue, on the server and due: the ones a bulk request can carry. */
  ready: Ready[];
  /** Some live member is not ready yet (not at its head, not on the server, or held). */
  waiting: boolean;
  /** The exact set an earlier attempt sent under its key (it may have been applied), or null. */
  fixedSet: string[] | null;
  /** The group's first live member: only it sends the bulk. */
  leader: OutboxOp | null;
}

export async function tryBulk(run: PushRun, head: OutboxOp, lid: string): Promise<BulkOutcome> {
  const view = await viewGroup(run, head);
  const decision = waitOrGoAlone(run, view, lid);
  if (decision) return decision;
  return sendBulk(run, head, lid, view);
}

async function viewGroup(run: PushRun, head: OutboxOp): Promise<GroupView> {
  const group = head.bulk_group as string;
  const members = (await run.db.outbox.where('bulk_group').equals(group).toArray()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const now = run.ctx.now();
  const view: GroupView = { group, ready: [], waiting: false, fixedSet: null, leader: null };
  if (head.bulk_key && head.bulk_members) view.fixedSet = head.bulk_members;
  for (const m of members) {
    if (view.fixedSet && !view.fixedSet.includes(m.op_id)) continue;
    const ops = await opsOf(run.ctx, m.lid);
    const row = await run.db.activities.get(m.lid);
    const isHead = ops[0]?.op_id === m.op_id;
    const blocked = !row || row.sync === 'conflict' || m.bulk_members?.length === 0 ||
      ops.some((o) => (o.seq ?? 0) <= (m.seq ?? 0) && (o.state === 'failed' || o.state === 'blocked'));
    if (blocked) continue;
    view.leader ??= m;
    if (isHead && row.server_id && readiness(m, now).kind === 'ready') {
      view.ready.push({ op: m, row });
    } else {
      view.waiting = true;
    }
  }
  return view;
}

/** 'parked' or 'individual' when this worker must not send the bulk now; null when it sends it. */
function waitOrGoAlone(run: PushRun, view: GroupView, lid: string): BulkOutcome | null {
  const { group, leader, fixedSet, waiting, ready } = view;
  // Only the group's first live member (the leader) sends the bulk; the others wait parked and
  // wake the leader as they arrive, so workers racing on one group never split it.
  if (leader && leader.lid !== lid && !run.individual.has(group)) {
    const set = run.parked.get(group) ?? new Set<string>();
    set.add(lid);
    run.parked.set(group, set);
    if (set.has(leader.lid)) {
      set.delete(leader.lid);
      run.queue.push(leader.lid);
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
    const set = run.parked.get(group) ?? new Set<string>();
    set.add(lid);
    run.parked.set(group, set);
    return 'parked';
  }
  if (ready.length < 2) return 'individual';
  return null;
}

/** Claims the ready members under the bulk's key, sends the one bulk-actions request and settles its answer. */
async function sendBulk(run: PushRun, head: OutboxOp, lid: string, { group, ready }: GroupView): Promise<BulkOutcome> {
  const ids = ready.map((r) => r.op.op_id);
  const key = head.bulk_key ?? `${group}.${bulkDigest(ids)}`;
  const rows = new Map(ready.map((r) => [r.op.lid, r.row]));
  const claimed = await claim(run, ready.map((r) => r.op), (cur) => ({
    bulk_key: key, bulk_members: ids,
    ...(cur.kind === 'reschedule' && cur.sent_count === undefined ? { sent_count: rows.get(cur.lid)?.base?.rescheduled_count ?? 0 } : {}),
  }));
  if (claimed.length === 0) return 'individual';
  const sidToOp = new Map<string, OutboxOp>();
  for (const op of claimed) sidToOp.set(rows.get(op.lid)?.server_id as string, op);
  const first = claimed[0] as OutboxOp;
  const body = { action: first.bulk_action ?? first.kind, activity_ids: [...sidToOp.keys()], parameters: first.payload } as BulkActionInput;
  let result: BulkResult;
  try {
    run.report.requests++;
    result = (await run.client.bulkAction(body, key)).data;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    for (const op of claimed) await handleFailure(run, op, rows.get(op.lid) as LocalActivity, e);
    requeueGroup(run, group, lid);
    return 'parked';
  }
  await settleBulkAnswer(run, result, sidToOp, rows);
  // Whatever did not succeed goes on individually; the other members' lids continue.
  run.individual.add(group);
  requeueGroup(run, group, lid);
  return 'sent';
}

/** Per-item answers of a bulk request, through the single-op rules. */
async function settleBulkAnswer(run: PushRun, result: BulkResult, sidToOp: Map<string, OutboxOp>, rows: Map<string, LocalActivity>): Promise<void> {
  const done = new Map<string, Success>();
  const doneOps: OutboxOp[] = [];
  for (const sid of result.succeeded) {
    const op = sidToOp.get(sid);
    const row = op ? rows.get(op.lid) : undefined;
    if (!op || !row) continue;
    done.set(op.lid, { remote: op.kind === 'delete' ? null : bulkBase(run, op, row), deleted: op.kind === 'delete' });
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
      const cur = await getOrNull(run, f.id).catch(() => null);
      if (cur && applied(op, cur)) { done.set(op.lid, { remote: cur }); doneOps.push(op); continue; }
    }
    // Answered: from now on this op goes alone (bulk_members = []), under its own key.
    await handleFailure(run, { ...op, bulk_key: undefined, bulk_members: [] }, row, new ApiError(f.status, kind, f.message));
  }
  if (doneOps.length) {
    await settle(run, doneOps, done, null);
    run.report.succeeded += doneOps.length;
    run.onProgress();
  }
}

export function requeueGroup(run: PushRun, group: string, self: string): void {
  const lids = run.parked.get(group);
  run.parked.delete(group);
  for (const l of lids ?? []) if (l !== self) run.queue.push(l);
}

/** The server snapshot after a bulk action (the bulk answer has no records): the rule applied to base. */
export function bulkBase(run: PushRun, op: OutboxOp, row: LocalActivity): Activity {
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
