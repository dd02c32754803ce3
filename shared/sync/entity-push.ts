/**
 * Entity push: send the entity outbox (opportunity create, opportunity/customer update) to the
 * CRM, before the activity push (an activity on an opportunity created here needs its server id).
 *
 * - Global seq order, one request at a time (these are few); per record strict order: an op waits
 *   while an earlier op of the same record is failed or in backoff.
 * - Idempotency-Key = op id. Errors as in the activity push: network/408/425/429/5xx retry with
 *   backoff; 401 parks the queue and stops the run (the engine asks the rep to sign in); 400/403/
 *   409/422 and 404 fail the op with the server's message, kept for retry or discard.
 * - A create whose outcome is unknown (no answer, 500/502/504, sender died) is looked up before it
 *   is resent when the server has no idempotency: the body carries custom_fields._fb_op = op id.
 * - When a create succeeds the record moves to its server id in one transaction: id map, directory
 *   row, the record's later ops, and the local activity rows on it (their queued payloads keep the
 *   local id; entityIdResolver() maps it when the activity push sends them).
 */
import { ApiError, type RemoteEntity } from '../api/client.ts';
import { COLLECTION_OF } from '../api/envelope.ts';
import { assertAlive, type SyncContext } from './context.ts';
import { claimed as claimedOp, earlier, onFailure, readiness, reclaimInflight, refusalMessage, withoutLease } from './delivery.ts';
import { applyEntityPatch, entityOpsOf, isLocalEntityId } from './entity-commands.ts';
import { toDirectoryEntity } from './pull.ts';
import { CLIENT_MARKER, type EntityIdResolver } from './push.ts';
import type { EditableEntityType, EntityOp } from './types.ts';

export interface EntityPushReport {
  requests: number;
  succeeded: number;
  failed: number;
  retried: number;
  /** Client time of the earliest retry still waiting when the run ended. */
  nextRetryAt: number | null;
  /** Client time the earliest undo window (hold_until) of a waiting op ends. */
  nextHoldAt: number | null;
}

/**
 * The server id for a related record id, for the activity push: ids of records created here map
 * to their server id once the create succeeded, and to null ("not yet: keep the activity waiting")
 * before. Other ids are already server ids.
 */
export async function entityIdResolver(db: SyncContext['db']): Promise<EntityIdResolver> {
  const map = new Map((await db.entity_ids.toArray()).map((r) => [r.local_id, r.server_id]));
  return (_type, id) => (isLocalEntityId(id) ? map.get(id) ?? null : id);
}

export async function pushEntityOutbox(ctx: SyncContext, exclusive = true): Promise<EntityPushReport> {
  const { db, client } = ctx;
  const report: EntityPushReport = { requests: 0, succeeded: 0, failed: 0, retried: 0, nextRetryAt: null, nextHoldAt: null };
  await reclaim(ctx, exclusive);
  for (;;) {
    assertAlive(ctx);
    const next = await claimNext(ctx, report);
    if (!next) return report;
    const { op, targetId } = next;
    try {
      const remote = await send(op, targetId);
      await applySuccess(ctx, op, remote);
      report.succeeded++;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const verdict = onFailure(op, e, ctx, client.extensions().idempotency);
      if (verdict.kind === 'auth') {
        await putOp(ctx, verdict.next);
        // The engine turns this into "sign in again" and keeps both queues.
        throw e;
      }
      if (verdict.kind === 'retry') {
        report.retried++;
        await putOp(ctx, verdict.next);
        continue;
      }
      report.failed++;
      if (verdict.kind === 'give_up') {
        await fail(ctx, { ...op, maybe_sent: verdict.maybe_sent }, verdict.message, e.status);
        continue;
      }
      if (e.kind === 'not_found' && op.kind === 'update') {
        await fail(ctx, op, `This ${op.type} is no longer on the server (deleted or merged there).`, e.status);
        continue;
      }
      await fail(ctx, op, refusalMessage(e), e.status);
    }
  }

  async function send(op: EntityOp, targetId: string | null): Promise<RemoteEntity> {
    const collection = COLLECTION_OF[op.type];
    const payload = await resolvedPayload(ctx, op.payload);
    if (op.kind === 'create') {
      const body = { ...payload, custom_fields: { [CLIENT_MARKER]: op.op_id } };
      if (op.maybe_sent && !client.extensions().idempotency) {
        const found = await findCreated(op, body);
        if (found) return found;
      }
      report.requests++;
      return (await client.createEntity(collection, body, op.op_id)).data;
    }
    report.requests++;
    return (await client.updateEntity(collection, targetId as string, payload, op.op_id)).data;
  }

  /**
   * Matching rule for a create of unknown outcome without server idempotency: the customer's
   * opportunities with the same name whose marker is this op id. A server that drops unknown
   * fields keeps no marker: then one same-name, same-value record nobody here knows yet is ours.
   */
  async function findCreated(op: EntityOp, body: Record<string, unknown>): Promise<RemoteEntity | null> {
    const unmarked: RemoteEntity[] = [];
    for (let page = 1; page <= 50; page++) {
      report.requests++;
      const res = await client.listEntities(COLLECTION_OF[op.type], { customer_id: String(body.customer_id), per_page: 100, page });
      for (const item of res.items) {
        if (item.name !== body.name || (item.customer_id ?? null) !== body.customer_id) continue;
        const marker = (item.custom_fields as Record<string, unknown> | undefined)?.[CLIENT_MARKER];
        if (marker === op.op_id) return item;
        if (marker === undefined && (item.value ?? null) === (body.value ?? null)) unmarked.push(item);
      }
      if (page >= res.meta.last_page) break;
    }
    const unknown: RemoteEntity[] = [];
    for (const item of unmarked) {
      const mapped = await db.entity_ids.where('server_id').equals(item.id).count();
      if (mapped === 0 && !(await db.entities.get([op.type, item.id]))) unknown.push(item);
    }
    return unknown.length === 1 ? (unknown[0] as RemoteEntity) : null;
  }
}

/** Ids of records created here in a payload (e.g. customer_id), as the server knows them. */
async function resolvedPayload(ctx: SyncContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = { ...payload };
  for (const [k, v] of Object.entries(payload)) {
    if (k.endsWith('_id') && typeof v === 'string' && isLocalEntityId(v)) {
      const mapped = await ctx.db.entity_ids.get(v);
      if (!mapped) throw new Error(`push: ${k} ${v} has no server id yet`);
      out[k] = mapped.server_id;
    }
  }
  return out;
}

/** Refs of the payload that are records created here and not yet on the server. */
async function unresolvedRefs(ctx: SyncContext, payload: Record<string, unknown>): Promise<boolean> {
  for (const [k, v] of Object.entries(payload)) {
    if (k.endsWith('_id') && typeof v === 'string' && isLocalEntityId(v) && !(await ctx.db.entity_ids.get(v))) return true;
  }
  return false;
}

/**
 * The next op to send, claimed (inflight, lease, attempts + 1) in the transaction that picked it:
 * the first head of a record's queue, in seq order, that is due and whose references exist.
 */
async function claimNext(ctx: SyncContext, report: EntityPushReport): Promise<{ op: EntityOp; targetId: string | null } | null> {
  const { db } = ctx;
  return db.transaction('rw', db.entity_outbox, db.entity_ids, async () => {
    const all = await db.entity_outbox.orderBy('seq').toArray();
    const seen = new Set<string>();
    const now = ctx.now();
    let earliest: number | null = null;
    let held: number | null = null;
    for (const op of all) {
      const key = `${op.type}\u0000${op.entity_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = readiness(op, now);
      if (r.kind === 'held') held = earlier(held, r.until);
      if (r.kind === 'backoff') earliest = earlier(earliest, r.until);
      if (r.kind !== 'ready') continue;
      if (await unresolvedRefs(ctx, op.payload)) continue;
      let targetId: string | null = null;
      if (op.kind === 'update') {
        targetId = isLocalEntityId(op.entity_id) ? (await db.entity_ids.get(op.entity_id))?.server_id ?? null : op.entity_id;
        if (targetId === null) {
          // Its create is gone (discarded): nothing on the server to update.
          await db.entity_outbox.put({ ...op, state: 'failed', last_error: `This ${op.type} was never created on the server; discard this change.`, last_status: null });
          report.failed++;
          continue;
        }
      }
      const claimed = claimedOp(op, now, ctx.leaseMs);
      await db.entity_outbox.put(claimed);
      return { op: claimed, targetId };
    }
    report.nextRetryAt = earliest;
    report.nextHoldAt = held;
    return null;
  });
}

async function applySuccess(ctx: SyncContext, op: EntityOp, remote: RemoteEntity): Promise<void> {
  assertAlive(ctx);
  const { db } = ctx;
  await db.transaction('rw', [db.entities, db.entity_outbox, db.entity_ids, db.activities], async () => {
    await db.entity_outbox.delete(op.seq);
    const id = remote.id;
    if (op.kind === 'create' && op.entity_id !== id) {
      await db.entity_ids.put({ local_id: op.entity_id, type: op.type, server_id: id });
      // Later ops of the record now address its server id.
      for (const o of await entityOpsOf(db, op.type, op.entity_id)) await db.entity_outbox.update(o.seq, { entity_id: id });
      await db.entities.delete([op.type, op.entity_id]);
      // Rows only (names, lists, pickers); their queued payloads keep the local id (resolved when sent).
      await db.activities.where('[activityable_type+activityable_id]').equals([op.type, op.entity_id]).modify({ activityable_id: id });
    }
    await putServerRow(ctx, op.type, remote);
  });
}

/** The server's record in the directory, with what is still queued for it shown on top. */
async function putServerRow(ctx: SyncContext, type: EditableEntityType, remote: RemoteEntity): Promise<void> {
  const rest = await entityOpsOf(ctx.db, type, remote.id);
  let row = toDirectoryEntity(type, remote);
  row = { ...row, details: { ...remote } };
  for (const o of rest) row = applyEntityPatch(row, o.payload);
  await ctx.db.entities.put({ ...row, pending: rest.length ? 1 : 0 });
}

async function putOp(ctx: SyncContext, op: EntityOp): Promise<void> {
  assertAlive(ctx);
  await ctx.db.entity_outbox.put(withoutLease(op));
}

/** The op is kept for the rep (edit, retry or discard); the record's later ops wait behind it. */
async function fail(ctx: SyncContext, op: EntityOp, message: string, status: number): Promise<void> {
  assertAlive(ctx);
  const { db } = ctx;
  await db.transaction('rw', db.entity_outbox, async () => {
    await db.entity_outbox.put({ ...withoutLease(op), state: 'failed', last_error: message, last_status: status });
    for (const o of await entityOpsOf(db, op.type, op.entity_id)) {
      if (o.op_id !== op.op_id && o.state === 'queued') await db.entity_outbox.update(o.seq, { state: 'blocked' });
    }
  });
}

/** After a restart: ops a dead sender left inflight go back to the queue, flagged maybe-sent. */
async function reclaim(ctx: SyncContext, exclusive: boolean): Promise<void> {
  assertAlive(ctx);
  await reclaimInflight(ctx.db.entity_outbox, exclusive, ctx.now());
}

/** Queued entity ops (for the status bar's pending count). */
export function pendingEntityOps(db: SyncContext['db']): Promise<number> {
  return db.entity_outbox.where('state').anyOf('queued', 'inflight').count();
}
