/**
 * Push, answer: what the server said, written down: a success adopted into the row (and the lid's
 * next op claimed in the same transaction), a failure as delivery.ts rules it, a refusal kept for
 * the rep, a conflict raised.
 */
import { ApiError, classifyStatus } from '../../api/client.ts';
import type { Activity } from '../../domain/index.ts';
import { backoffDelay } from '../backoff.ts';
import { assertAlive } from '../context.ts';
import { onFailure, refusalMessage, withoutLease } from '../delivery.ts';
import { fromLocalRow, toLocalRow } from '../rows.ts';
import type { ConflictRecord, LocalActivity, OutboxOp } from '../types.ts';
import { stepIn } from './claim.ts';
import { opsOf } from './rules.ts';
import type { LidStep, PushRun, Success } from './run.ts';
import { getOrNull } from './send.ts';

// ------------------------------------------------------------------ results
/**
 * Successes written down in one transaction: the ops leave the outbox, each lid's row adopts the
 * server's record (or is gone after a delete), and a cancel's rescheduled copy (childLid) adopts
 * its record and is queued for its own ops. Used by bulk answers and by a 404 on delete.
 */
export async function settle(run: PushRun, ops: OutboxOp[], results: Map<string, Success>, childLid: string | null): Promise<void> {
  assertAlive(run.ctx);
  await run.db.transaction('rw', run.db.activities, run.db.outbox, run.db.conflicts, () => settleIn(run, ops, results, childLid));
}

/**
 * One op's success written down (as settle) and, in the same transaction, the lid's next op read
 * and claimed (claim.ts stepIn): one local round per op keeps a long queue close to the network's
 * floor. Returns that next step for the lid's worker (send.ts sendOne) to carry on with.
 */
export async function settleThenNext(run: PushRun, op: OutboxOp, result: Success): Promise<LidStep> {
  assertAlive(run.ctx);
  return run.db.transaction('rw', run.db.activities, run.db.outbox, run.db.conflicts, async () => {
    await settleIn(run, [op], new Map([[op.lid, result]]), op.child_lid ?? null);
    return stepIn(run, op.lid);
  });
}

/** Body of settle; runs inside a caller's rw transaction over activities, outbox and conflicts. */
async function settleIn(run: PushRun, ops: OutboxOp[], results: Map<string, Success>, childLid: string | null): Promise<void> {
  for (const op of ops) await run.db.outbox.delete(op.seq);
  for (const [lid, s] of results) {
    const row = await run.db.activities.get(lid);
    if (!row) continue;
    const remaining = await run.db.outbox.where('lid').equals(lid).count();
    if (s.deleted) {
      if (remaining === 0) {
        await run.db.activities.delete(lid);
        await run.db.conflicts.where('lid').equals(lid).delete();
      }
      continue;
    }
    if (s.remote) await adopt(run, row, s.remote, remaining);
  }
  if (childLid) {
    const s = results.values().next().value;
    const child = await run.db.activities.get(childLid);
    if (child && s?.child) {
      await adopt(run, child, s.child, await run.db.outbox.where('lid').equals(childLid).count());
      run.queue.push(childLid);
    }
  }
}

/** The server knows this row as `remote`: set server id and base; with nothing pending, show the server's record. */
export async function adopt(run: PushRun, row: LocalActivity, remote: Activity, remaining: number): Promise<void> {
  // A pull may have stored the same server record under another lid before our answer came:
  // keep ours (it holds the rep's ops and references), drop the copy if it has nothing pending.
  const dupes = row.server_id === remote.id ? [] : await run.db.activities.where('server_id').equals(remote.id).toArray();
  for (const d of dupes) {
    if (d.lid !== row.lid && (await run.db.outbox.where('lid').equals(d.lid).count()) === 0) await run.db.activities.delete(d.lid);
  }
  const next = remaining === 0 && row.sync !== 'conflict'
    ? toLocalRow(remote, { lid: row.lid, base: remote, sync: 'synced', server_id: remote.id, ...(row.seen_in_pull ? { seen_in_pull: row.seen_in_pull } : {}) })
    : { ...row, base: remote, server_id: remote.id };
  await run.db.activities.put(next);
}

/** Returns whether the lid may continue at once (never after a failure). */
export async function handleFailure(run: PushRun, op: OutboxOp, row: LocalActivity, e: ApiError): Promise<boolean> {
  assertAlive(run.ctx);
  const now = run.ctx.now();
  const verdict = onFailure(op, e, run.ctx, run.idempotent());
  if (verdict.kind === 'auth') {
    run.report.authRequired = true;
    await putOp(run, verdict.next);
    return false;
  }
  if (verdict.kind === 'retry') {
    run.report.retried++;
    await putOp(run, verdict.next);
    return false;
  }
  if (verdict.kind === 'give_up') {
    run.report.failed++;
    await fail(run, op, verdict.message, e.status, { maybe_sent: verdict.maybe_sent });
    return false;
  }
  if (e.kind === 'not_found') {
    if (op.kind === 'delete') {
      await settle(run, [op], new Map([[op.lid, { remote: null, deleted: true }]]), null);
      return true;
    }
    if (op.kind === 'create') {
      run.report.failed++;
      await fail(run, op, e.message, e.status);
      return false;
    }
    await raiseConflict(run, op, row, { kind: 'deleted_remote', field: '*', remote: null }, e);
    return false;
  }
  if (e.kind === 'conflict' || e.kind === 'precondition') {
    // Second refusal after the rep chose "keep mine": the server will not take it; say so.
    const last = typeof op.last_status === 'number' ? classifyStatus(op.last_status) : null;
    if (last === 'conflict' || last === 'precondition' || !row.server_id) {
      run.report.failed++;
      await fail(run, op, e.message, e.status);
      return false;
    }
    let remote: Activity | null;
    try {
      remote = await getOrNull(run, row.server_id);
    } catch (ge) {
      if (!(ge instanceof ApiError)) throw ge;
      await putOp(run, { ...op, state: 'queued', next_attempt_at: now + backoffDelay(op.attempts, run.ctx.random, null, run.ctx.backoff), last_error: e.message, last_status: null });
      return false;
    }
    if (!remote) {
      await raiseConflict(run, op, row, { kind: 'deleted_remote', field: '*', remote: null }, e);
      return false;
    }
    await raiseConflict(run, op, row, { kind: 'status', field: 'status', remote: remote.status, snapshot: remote }, e);
    return false;
  }
  run.report.failed++;
  await fail(run, op, refusalMessage(e), e.status);
  return false;
}

export async function putOp(run: PushRun, op: OutboxOp): Promise<void> {
  assertAlive(run.ctx);
  await run.db.outbox.put(withoutLease(op));
}

export async function fail(run: PushRun, op: OutboxOp, message: string, status: number, extra: Partial<OutboxOp> = {}): Promise<void> {
  assertAlive(run.ctx);
  await run.db.transaction('rw', run.db.outbox, run.db.activities, async () => {
    await run.db.outbox.put({ ...withoutLease(op), ...extra, state: 'failed', last_error: message, last_status: status });
    await blockFollowers(run, op.lid, op);
    await run.db.activities.update(op.lid, { sync: 'failed' });
  });
}

/** Later ops of the lid (and the ops of a child a failed cancel would have made) wait for the rep. */
export async function blockFollowers(run: PushRun, lid: string, failed: OutboxOp): Promise<void> {
  assertAlive(run.ctx);
  await run.db.transaction('rw', run.db.outbox, run.db.activities, async () => {
    const lids = failed.child_lid ? [lid, failed.child_lid] : [lid];
    for (const l of lids) {
      const ops = await opsOf(run.ctx, l);
      for (const o of ops) {
        if (o.op_id !== failed.op_id && o.state === 'queued') await run.db.outbox.update(o.seq, { state: 'blocked' });
      }
      if (l !== lid && ops.length) await run.db.activities.update(l, { sync: 'failed' });
    }
  });
}

export async function raiseConflict(run: PushRun, 
  op: OutboxOp, row: LocalActivity,
  c: { kind: ConflictRecord['kind']; field: string; remote: unknown; snapshot?: Activity }, e: ApiError,
): Promise<void> {
  assertAlive(run.ctx);
  run.report.conflicts++;
  await run.db.transaction('rw', run.db.outbox, run.db.activities, run.db.conflicts, async () => {
    const record: ConflictRecord = {
      id: `${row.lid}|${c.field}`, lid: row.lid, kind: c.kind, field: c.field,
      base: c.field === '*' ? row.base : (row.base as Record<string, unknown> | null)?.[c.field] ?? null,
      local: c.field === '*' ? fromLocalRow(row) : (row as unknown as Record<string, unknown>)[c.field],
      remote: c.remote, created_at: run.ctx.now(),
    };
    await run.db.conflicts.put(record);
    // The op stays queued but held: the lid is in conflict until the rep decides.
    await run.db.outbox.put({ ...withoutLease(op), state: 'queued', last_error: e.message, last_status: e.status });
    const cur = await run.db.activities.get(row.lid);
    if (cur) await run.db.activities.put({ ...cur, sync: 'conflict', ...(c.snapshot ? { base: c.snapshot } : {}) });
  });
}
