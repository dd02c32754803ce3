/**
 * Push: send the outbox to the CRM. This file is the push's door: one run (push/run.ts) made per
 * call, worked in stages, push/schedule.ts (passes over the lids), claim.ts, send.ts, bulk.ts and
 * answer.ts; the pure rules in push/rules.ts; delivery bookkeeping in delivery.ts.
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
import { assertAlive, type SyncContext } from './context.ts';
import { reclaimInflight } from './delivery.ts';
import { coalesceQueue } from './merge.ts';
import type { EntityIdResolver, PushReport } from './push/rules.ts';
import { createRun } from './push/run.ts';
import { runPasses } from './push/schedule.ts';
import type { OutboxOp } from './types.ts';

export {
  applied, CLIENT_MARKER, expectedAfter, isRescheduledCopy, MAX_LOOKUP_DETAILS, mergeAnswer, opsOf,
  type EntityIdResolver, type PushReport,
} from './push/rules.ts';

const asIs: EntityIdResolver = (_type, id) => id;

export async function pushOutbox(ctx: SyncContext, exclusive: boolean, onProgress: () => void = () => {}, resolveEntityId: EntityIdResolver = asIs): Promise<PushReport> {
  const run = createRun(ctx, onProgress, resolveEntityId);
  await reclaim(ctx, exclusive);
  await coalesceAll(ctx);
  await runPasses(run);
  return run.report;
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
