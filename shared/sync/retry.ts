/**
 * The rep's decisions on a change the CRM did not take (Sync view): retry it (as it was, or with
 * an edited payload) or discard it. A discard rebuilds the row from the server snapshot with the
 * remaining queued changes replayed on it. The engine (engine.ts) calls these, then refreshes its
 * status and schedules a push.
 */
import { wasRefused } from '../api/status.ts';
import {
  applyOp, applyUpdate, createActivitySchema, isChangeKind, updateActivitySchema, validate, type Activity,
} from '../domain/index.ts';
import type { SyncContext } from './context.ts';
import { opsOf } from './push.ts';
import { fromLocalRow, reindexed } from './rows.ts';
import type { LocalActivity, OpKind, OutboxOp } from './types.ts';

export async function retryOp(ctx: SyncContext, opId: string, newPayload?: Record<string, unknown>): Promise<void> {
  const { db } = ctx;
  await db.transaction('rw', db.outbox, db.activities, async () => {
    const op = await db.outbox.where('op_id').equals(opId).first();
    if (!op) throw new Error('That change is no longer waiting to be sent.');
    let payload = op.payload;
    if (newPayload) {
      payload = checkPayload(op.kind, newPayload);
      const row = await db.activities.get(op.lid);
      if (row && op.kind === 'update') {
        const next = applyUpdate(fromLocalRow(row), payload, row.updated_at);
        await db.activities.put(withFields(row, next));
      }
    }
    // An edited payload is a different request: it needs its own Idempotency-Key (op_id). So is
    // a retry of a change the CRM refused: its answer means nothing was applied, the rep retries
    // because something changed (the related record exists now), and a server that keeps its
    // answers per key would only replay the refusal.
    const newOpId = newPayload || wasRefused(op.last_status) ? ctx.newId() : op.op_id;
    await db.outbox.put({ ...op, op_id: newOpId, payload, state: 'queued', attempts: 0, next_attempt_at: ctx.now(), last_error: null, last_status: null });
    for (const l of op.child_lid ? [op.lid, op.child_lid] : [op.lid]) {
      for (const o of await opsOf(ctx, l)) if (o.state === 'blocked') await db.outbox.update(o.seq, { state: 'queued' });
      await db.activities.update(l, { sync: 'pending' });
    }
  });
}

export async function discardOp(ctx: SyncContext, opId: string): Promise<void> {
  const { db } = ctx;
  await db.transaction('rw', db.outbox, db.activities, db.conflicts, async () => {
    const op = await db.outbox.where('op_id').equals(opId).first();
    if (!op) return;
    if (op.state === 'inflight') throw new Error('That change is being sent right now; try again in a moment.');
    const row = await db.activities.get(op.lid);
    if (op.kind === 'create' || !row?.base) {
      // The record never reached the server: discarding its create discards the activity.
      await db.outbox.where('lid').equals(op.lid).delete();
      await db.activities.delete(op.lid);
      await db.conflicts.where('lid').equals(op.lid).delete();
      return;
    }
    await db.outbox.delete(op.seq);
    const rest = await opsOf(ctx, op.lid);
    for (const o of rest) if (o.state === 'blocked') await db.outbox.update(o.seq, { state: 'queued' });
    // The local view becomes the server snapshot with the remaining intents replayed on it.
    const replayed = replay(row.base, rest);
    await db.activities.put({
      ...withFields(row, replayed), deleted: rest.some((o) => o.kind === 'delete') ? 1 : 0,
      sync: row.sync === 'conflict' ? 'conflict' : rest.length ? 'pending' : 'synced',
    });
  });
}

/** Validate a new payload for an op kind with the domain schema; throws a readable error. */
export function checkPayload(kind: OpKind, payload: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'create' || kind === 'update') {
    const r = validate(kind === 'create' ? createActivitySchema : updateActivitySchema, payload);
    if (!r.ok) throw new Error(Object.entries(r.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; '));
    return r.value;
  }
  return payload;
}

export function withFields(row: LocalActivity, a: Activity): LocalActivity {
  const { id: _id, ...fields } = a;
  return reindexed({ ...row, ...fields });
}

/** The server snapshot with queued intents applied, as the rep would see it. Invalid steps are skipped. */
export function replay(base: Activity, ops: readonly OutboxOp[]): Activity {
  let a = base;
  for (const op of ops) {
    if (!isChangeKind(op.kind)) continue;
    try {
      a = applyOp(a, op.kind, op.payload, a.updated_at);
    } catch {
      // The server refused or would refuse this step; the rest still applies.
    }
  }
  return a;
}
