/**
 * Push, claim: a lid's next op read and (unless it may join a bulk request) claimed in one
 * transaction; the claim of a bulk's members. Delivery bookkeeping is delivery.ts's.
 */
import { assertAlive } from '../context.ts';
import { claimable, claimed as claimedOp, readiness } from '../delivery.ts';
import type { LocalActivity, OpKind, OpPayloads, OutboxOp, OutboxOpBase } from '../types.ts';
import { blockFollowers } from './answer.ts';
import { opsOf } from './rules.ts';
import { ClaimLost, type LidStep, type PushRun } from './run.ts';

/** The payload with its related record's server id (resolved when sent, never stored); null = not yet known. */
export function withServerRefs<P extends OpPayloads[OpKind]>(run: PushRun, p: P): P | null {
  if (!('activityable_id' in p) || typeof p.activityable_id !== 'string') return p;
  const type = 'activityable_type' in p && typeof p.activityable_type === 'string' ? p.activityable_type : '';
  const id = run.resolveEntityId(type, p.activityable_id);
  return id === null ? null : id === p.activityable_id ? p : { ...p, activityable_id: id };
}

/** An op that went out alone stays alone; see processLid. */
export function goesAlone(run: PushRun, op: OutboxOp): boolean {
  return !op.bulk_group || run.individual.has(op.bulk_group) || op.bulk_members?.length === 0 ||
    (op.maybe_sent === true && (!op.bulk_key || !run.idempotent()));
}

/**
 * The lid's next op, read and (unless it may join a bulk request) claimed in one transaction:
 * one round of local I/O per op keeps the sender close to the network's floor.
 */
export async function nextStep(run: PushRun, lid: string): Promise<LidStep> {
  assertAlive(run.ctx);
  return run.db.transaction('rw', run.db.outbox, run.db.activities, () => stepIn(run, lid));
}

/** Body of nextStep; runs inside a caller's rw transaction over outbox and activities. */
export async function stepIn(run: PushRun, lid: string): Promise<LidStep> {
  {
    const ops = await opsOf(run.ctx, lid);
    const head = ops[0];
    if (!head) return { kind: 'none' };
    if (head.state === 'failed') {
      await blockFollowers(run, lid, head);
      return { kind: 'none' };
    }
    const now = run.ctx.now();
    // Blocked, another sender's, in its undo window or backing off: it and the lid's later ops
    // wait (scan reports when a hold or a backoff ends).
    if (readiness(head, now).kind !== 'ready') return { kind: 'none' };
    const row = await run.db.activities.get(lid);
    if (!row) return { kind: 'none' };
    if (row.sync === 'conflict') return { kind: 'none' };
    // Every op but a create needs the server id: wait for the create (same lid) or, for the copy a
    // cancel-with-reschedule makes, for the parent's cancel (which maps it and re-queues it).
    if (head.kind !== 'create' && !row.server_id) return { kind: 'none' };
    // An activity on a record created here waits until that record's create has succeeded.
    if (withServerRefs(run, head.payload) === null) return { kind: 'none' };
    if (!goesAlone(run, head)) return { kind: 'send', op: head, row };
    const claimed: OutboxOp = { ...claimFields(run, head, now), ...singleExtra(head, row) };
    await run.db.outbox.put(claimed);
    return { kind: 'send', op: claimed, row, claimed: true };
  }
}

export function claimFields(run: PushRun, cur: OutboxOp, now: number): OutboxOp {
  return claimedOp(cur, now, run.ctx.leaseMs);
}

export function singleExtra(cur: OutboxOp, row: LocalActivity): Partial<OutboxOpBase> {
  return {
    ...(cur.kind === 'reschedule' && cur.sent_count === undefined ? { sent_count: row.base?.rescheduled_count ?? 0 } : {}),
    ...(cur.bulk_group ? { bulk_members: [] } : {}),
  };
}

export async function claim(run: PushRun, ops: OutboxOp[], extra: (op: OutboxOp) => Partial<OutboxOpBase> = () => ({})): Promise<OutboxOp[]> {
  assertAlive(run.ctx);
  const now = run.ctx.now();
  try {
    return await run.db.transaction('rw', run.db.outbox, async () => {
      const out: OutboxOp[] = [];
      for (const op of ops) {
        const cur = await run.db.outbox.get(op.seq as number);
        if (!cur || !claimable(cur, now)) throw new ClaimLost();
        const next: OutboxOp = { ...claimFields(run, cur, now), ...extra(cur) };
        await run.db.outbox.put(next);
        out.push(next);
      }
      return out;
    });
  } catch (e) {
    if (e instanceof ClaimLost) return [];
    throw e;
  }
}
