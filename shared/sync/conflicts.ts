/**
 * The rep's decision on a conflict (Conflicts view): keep mine, take theirs, or an edited value,
 * for a field clash, a status clash or an activity deleted on the server. The queued ops are
 * rewritten so what is sent afterwards carries exactly the decision. The engine (engine.ts) calls
 * it, then refreshes its status and schedules a push.
 */
import { NOTES_FIELDS, permission, type Activity, type CreateActivityInput } from '../domain/index.ts';
import type { SyncContext } from './context.ts';
import type { ConflictChoice } from './engine-types.ts';
import { STATUS_FAMILY, pickMergeable, writeField } from './merge.ts';
import { CLIENT_MARKER, opsOf } from './push.ts';
import { checkPayload } from './retry.ts';
import { reindexed } from './rows.ts';
import type { LocalActivity, OpKind, OpPayloads, OutboxOp, OutboxOpOf } from './types.ts';

/** Fields an op of each kind sets (for conflict resolution: which ops carry a field). */
const OP_FIELDS: Record<Exclude<OpKind, 'update' | 'create' | 'delete'>, readonly string[]> = {
  complete: ['status', 'completed_at', 'outcome', 'duration_minutes', 'follow_up_required', 'follow_up_date', 'tags'],
  cancel: ['status', 'cancelled_at', 'cancellation_reason'],
  reschedule: ['due_at', 'previous_due_at', 'rescheduled_count', 'reminder_at', 'priority', 'status'],
};

function opCovers(op: OutboxOp, field: string): boolean {
  const top = field.startsWith('custom_fields.') ? 'custom_fields' : field;
  if (op.kind === 'create') return true;
  if (op.kind === 'update') return top in op.payload;
  if (op.kind === 'delete') return false;
  return OP_FIELDS[op.kind].includes(top);
}

export async function resolveConflict(ctx: SyncContext, id: string, choice: ConflictChoice): Promise<void> {
  const { db } = ctx;
  await db.transaction('rw', db.outbox, db.activities, db.conflicts, async () => {
    const c = await db.conflicts.get(id);
    if (!c) throw new Error('That conflict is already resolved.');
    const row = await db.activities.get(c.lid);
    if (!row) { await db.conflicts.delete(id); return; }
    const ops = await opsOf(ctx, c.lid);
    const unsent = ops.filter((o) => !o.maybe_sent && o.state !== 'inflight');
    let nextRow: LocalActivity = row;

    if (c.kind === 'deleted_remote') {
      if (choice === 'theirs') {
        await db.outbox.bulkDelete(ops.map((o) => o.seq as number));
        await db.activities.delete(row.lid);
        await db.conflicts.where('lid').equals(row.lid).delete();
        return;
      }
      // Keep mine: the server has no record any more, so it is created again from what the rep has.
      await db.outbox.bulkDelete(ops.map((o) => o.seq as number));
      const input = createInputFrom(row, typeof choice === 'object' ? choice.value : undefined);
      await db.outbox.add(newOp(ctx, 'create', row, input));
      nextRow = { ...row, server_id: null, base: null, deleted: 0 };
    } else if (c.kind === 'status') {
      if (typeof choice === 'object') throw new Error('A status clash is settled by keeping yours or taking theirs.');
      if (choice === 'theirs' && row.base) {
        const base = row.base;
        // Fields the server's status no longer takes (a completed one takes notes only) go with the status.
        const update = permission(base.status, 'update');
        const keeps = (f: string) => f !== 'status' && (update === 'yes' || (update === 'notes_only' && (NOTES_FIELDS as readonly string[]).includes(f)));
        for (const o of unsent) {
          if (o.kind === 'complete' || o.kind === 'cancel' || o.kind === 'reschedule') await db.outbox.delete(o.seq);
          else if (o.kind === 'update') {
            const dropped = Object.keys(o.payload).filter((f) => !keeps(f));
            if (dropped.length === 0) continue;
            for (const f of dropped) if (f !== 'status' && f in base) nextRow = { ...nextRow, [f]: base[f as keyof Activity] };
            const payload = Object.fromEntries(Object.entries(o.payload).filter(([f]) => keeps(f)));
            if (Object.keys(payload).length === 0) await db.outbox.delete(o.seq);
            else await db.outbox.update(o.seq, { payload, state: 'queued', last_error: null, last_status: null });
          }
        }
        for (const f of STATUS_FAMILY) nextRow = { ...nextRow, [f]: base[f] };
      }
    } else if (c.source === 'calendar') {
      // A move made in the rep's calendar against one made here (shared/caldav/inbound.ts). Mine:
      // nothing goes to the CRM, the calendar gets the activity's time back at its next run.
      // Theirs (or an edited value): sent like a move made here, riding a queued reschedule if any.
      if (choice !== 'mine') nextRow = await takeCalendarValue(ctx, row, unsent, c.field, choice === 'theirs' ? c.remote : choice.value);
    } else {
      const field = c.field;
      if (choice === 'theirs') {
        nextRow = writeField(row, field, c.remote);
        for (const o of unsent) {
          if (!opCovers(o, field) || o.kind === 'create') continue;
          if (o.kind === 'update') await stripPayload(ctx, o, field.startsWith('custom_fields.') ? 'custom_fields' : field, nextRow);
          else await db.outbox.delete(o.seq);
        }
      } else {
        const value = choice === 'mine' ? c.local : choice.value;
        nextRow = writeField(row, field, value);
        const top = field.startsWith('custom_fields.') ? 'custom_fields' : field;
        const patch = { [top]: (nextRow as unknown as Record<string, unknown>)[top] };
        const carrier = [...unsent].reverse().find((o) => opCovers(o, field));
        if (choice === 'mine' && carrier) {
          // The queued op already carries the rep's value.
        } else if (carrier?.kind === 'update' || carrier?.kind === 'create') {
          await db.outbox.update(carrier.seq, { payload: { ...carrier.payload, ...checkPayload(carrier.kind, { ...carrier.payload, ...patch }) } });
        } else {
          await db.outbox.add(newOp(ctx, 'update', row, checkPayload('update', patch)));
        }
      }
    }
    await db.conflicts.delete(id);
    const left = await db.conflicts.where('lid').equals(c.lid).count();
    const remaining = await db.outbox.where('lid').equals(c.lid).count();
    await db.activities.put({
      ...reindexed(nextRow),
      sync: left ? 'conflict' : remaining ? 'pending' : 'synced',
    });
  });
}

async function takeCalendarValue(ctx: SyncContext, row: LocalActivity, unsent: OutboxOp[], field: string, value: unknown): Promise<LocalActivity> {
  const { db } = ctx;
  const nextRow = writeField(row, field, value);
  const reschedule = field === 'due_at' ? [...unsent].reverse().find((o) => o.kind === 'reschedule') : undefined;
  if (reschedule?.kind === 'reschedule') {
    await db.outbox.update(reschedule.seq, { payload: checkPayload('reschedule', { ...reschedule.payload, new_due_at: value }) });
  } else if (field === 'due_at') {
    await db.outbox.add(newOp(ctx, 'reschedule', row, checkPayload('reschedule', { new_due_at: value, reason: 'Moved in the calendar' })));
  } else {
    await db.outbox.add(newOp(ctx, 'update', row, checkPayload('update', { [field]: value })));
  }
  return nextRow;
}

async function stripPayload(ctx: SyncContext, o: OutboxOpOf<'update'>, key: string, row?: LocalActivity): Promise<void> {
  const { db } = ctx;
  const payload: Record<string, unknown> = { ...o.payload };
  if (key === 'custom_fields' && row) payload.custom_fields = row.custom_fields; else delete payload[key];
  if (Object.keys(payload).length === 0) await db.outbox.delete(o.seq);
  else await db.outbox.update(o.seq, { payload });
}

function newOp<K extends 'create' | 'update' | 'reschedule'>(ctx: SyncContext, kind: K, row: LocalActivity, payload: OpPayloads[K]): OutboxOpOf<K> {
  const at = ctx.now();
  return { op_id: ctx.newId(), lid: row.lid, kind, payload, base: row.base, attempts: 0, next_attempt_at: at, last_error: null, state: 'queued', created_at: at };
}

/** A create body carrying what the rep has locally (used when they keep an activity the server deleted). */
function createInputFrom(row: LocalActivity, override: unknown): CreateActivityInput {
  const a = pickMergeable(row);
  const custom = { ...a.custom_fields };
  delete custom[CLIENT_MARKER];
  const input: Record<string, unknown> = {
    type: a.type, subject: a.subject, activityable_type: a.activityable_type, activityable_id: a.activityable_id,
    description: a.description, contact_id: a.contact_id, assigned_user_id: a.assigned_user_id, due_at: a.due_at,
    duration_minutes: a.duration_minutes, priority: a.priority, location: a.location, reminder_at: a.reminder_at,
    follow_up_required: a.follow_up_required, follow_up_date: a.follow_up_date, tags: a.tags, custom_fields: custom,
    is_billable: a.is_billable, billable_rate: a.billable_rate, outcome: a.outcome,
  };
  if (a.status !== 'cancelled') input.status = a.status;
  if (a.status === 'completed' && a.completed_at) input.completed_at = a.completed_at;
  if (override && typeof override === 'object') Object.assign(input, override);
  return checkPayload('create', input);
}
