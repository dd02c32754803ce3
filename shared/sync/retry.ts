/**
 * The rep's decisions on a change the CRM did not take (Sync view): retry it (as it was, or with
 * an edited payload) or discard it. A discard rebuilds the row from the server snapshot with the
 * remaining queued changes replayed on it. The engine (engine.ts) calls these, then refreshes its
 * status and schedules a push.
 */
import { wasRefused } from '../api/status.ts';
import type { z } from 'zod';
import {
  applyOp, applyUpdate, cancelActivitySchema, completeActivitySchema, createActivitySchema, isChangeKind,
  rescheduleActivitySchema, updateActivitySchema, validate, type Activity,
} from '../domain/index.ts';
import type { SyncContext } from './context.ts';
import { opsOf } from './push.ts';
import { fromLocalRow, reindexed } from './rows.ts';
import type { LocalActivity, OpKind, OpPayloads, OutboxOp } from './types.ts';

export async function retryOp(ctx: SyncContext, opId: string, newPayload?: Record<string, unknown>): Promise<void> {
  const { db } = ctx;
  await db.transaction('rw', db.outbox, db.activities, async () => {
    const op = await db.outbox.where('op_id').equals(opId).first();
    if (!op) throw new Error('That change is no longer waiting to be sent.');
    const edited = newPayload ? withCheckedPayload(op, newPayload) : op;
    if (newPayload && edited.kind === 'update') {
      const row = await db.activities.get(op.lid);
      if (row) await db.activities.put(withFields(row, applyUpdate(fromLocalRow(row), edited.payload, row.updated_at)));
    }
    // An edited payload is a different request: it needs its own Idempotency-Key (op_id). So is
    // a retry of a change the CRM refused: its answer means nothing was applied, the rep retries
    // because something changed (the related record exists now), and a server that keeps its
    // answers per key would only replay the refusal.
    const newOpId = newPayload || wasRefused(op.last_status) ? ctx.newId() : op.op_id;
    await db.outbox.put({ ...edited, op_id: newOpId, state: 'queued', attempts: 0, next_attempt_at: ctx.now(), last_error: null, last_status: null });
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

/** Each op kind's payload schema (the one its command validates with); a delete carries no input. */
const PAYLOAD_SCHEMAS: { [K in Exclude<OpKind, 'delete'>]: z.ZodType<OpPayloads[K]> } = {
  create: createActivitySchema,
  update: updateActivitySchema,
  complete: completeActivitySchema,
  cancel: cancelActivitySchema,
  reschedule: rescheduleActivitySchema,
};

/** Validate a new payload for an op kind with the domain schema; throws a readable error. */
export function checkPayload<K extends Exclude<OpKind, 'delete'>>(kind: K, payload: Record<string, unknown>): OpPayloads[K] {
  const r = validate(PAYLOAD_SCHEMAS[kind], payload);
  if (!r.ok) throw new Error(Object.entries(r.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; '));
  return r.value;
}

/** `op` with an edited payload, validated for its kind (Sync view's edit & retry). */
export function withCheckedPayload(op: OutboxOp, payload: Record<string, unknown>): OutboxOp {
  switch (op.kind) {
    case 'create': return { ...op, payload: checkPayload(op.kind, payload) };
    case 'update': return { ...op, payload: checkPayload(op.kind, payload) };
    case 'complete': return { ...op, payload: checkPayload(op.kind, payload) };
    case 'cancel': return { ...op, payload: checkPayload(op.kind, payload) };
    case 'reschedule': return { ...op, payload: checkPayload(op.kind, payload) };
    case 'delete': return { ...op, payload };
  }
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
