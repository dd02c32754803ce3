/**
 * Pull stage: what a run writes. Server records into local rows (insert, replace, three-way rebase
 * on never-sent ops), rows the server no longer has (or that left the rep's scope) out, and the
 * cancel-with-reschedule copies that must wait for their cancel to settle.
 */
import type { Activity } from '../domain/index.ts';
import { skipKeysInThisTransaction } from './activity-keys.ts';
import { assertAlive } from './context.ts';
import type { FieldbookDB } from './db.ts';
import { pickMergeable, threeWayMerge } from './merge.ts';
import type { RunState } from './pull-run.ts';
import { CLIENT_MARKER, isRescheduledCopy } from './push.ts';
import { reindexed, toLocalRow } from './rows.ts';
import type { ConflictRecord, LocalActivity, OutboxOp, OutboxOpOf } from './types.ts';

/**
 * Store server records in one transaction: new ones inserted, untouched ones replaced, rows with
 * never-sent ops merged three-way (conflicts recorded, taken fields stripped from queued updates),
 * rows with an op of unknown outcome left alone; our own creates whose answer was lost are
 * recognised by the client marker.
 */
export async function writeRows(run: RunState, acts: Activity[]): Promise<void> {
  const { ctx, report, known, generation, awaited } = run;
  const { db } = ctx;
  assertAlive(ctx);
  await db.transaction('rw', db.activities, db.outbox, db.conflicts, async () => {
    // A first sync leaves the keys rows to the backfill (pull.ts).
    if (run.deferKeys) skipKeysInThisTransaction();
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
      await stripTaken(db, pending, m.tookRemote, m.merged.custom_fields);
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

/** Rows confirmed gone (404) or out of scope: deleted with their ops, or a conflict when the rep has pending changes. */
export async function dropGone(run: RunState, gone: LocalActivity[], leftScope: LocalActivity[]): Promise<void> {
  const { ctx, report, known } = run;
  const { db } = ctx;
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

/**
 * The copies a cancel-with-reschedule of unknown outcome (maybe sent, or in flight for a sender
 * that died) may have made on the server. When that cancel settles, the push maps its copy to
 * the local child row (push.ts findChild, same rule: isRescheduledCopy); inserted here as a row of its own,
 * the copy would look taken and the child's queued changes would wait for ever. So such a record
 * is not stored until then.
 */
export async function awaitedCopies(db: FieldbookDB): Promise<(a: Activity) => boolean> {
  const cancels = (await db.outbox.toArray()).filter((o): o is OutboxOpOf<'cancel'> =>
    o.kind === 'cancel' && !!o.child_lid && (o.maybe_sent === true || o.state === 'inflight') &&
    o.payload.reschedule === true && typeof o.payload.reschedule_date === 'string');
  const matchers: ((a: Activity) => boolean)[] = [];
  for (const op of cancels) {
    const [parent, child] = await db.activities.bulkGet([op.lid, op.child_lid as string]);
    const date = op.payload.reschedule_date;
    if (!parent || !child || child.server_id || date === undefined) continue;
    matchers.push((a) => isRescheduledCopy(a, parent, date));
  }
  return (a) => matchers.some((m) => m(a));
}

/** Queued updates must not send back values the server has since changed and the rep did not. */
async function stripTaken(db: FieldbookDB, pending: OutboxOp[], taken: string[], mergedCustom: Record<string, unknown>): Promise<void> {
  if (!taken.length) return;
  const top = taken.filter((f) => !f.startsWith('custom_fields.'));
  const custom = taken.length !== top.length;
  for (const op of pending) {
    if (op.kind !== 'update' || op.maybe_sent || op.state !== 'queued') continue;
    const payload: Record<string, unknown> = { ...op.payload };
    for (const f of top) delete payload[f];
    if (custom && 'custom_fields' in payload) payload.custom_fields = mergedCustom;
    if (Object.keys(payload).length === 0) await db.outbox.delete(op.seq);
    else await db.outbox.update(op.seq, { payload });
  }
}
