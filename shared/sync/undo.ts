/**
 * Undo for every local change (issue #13). Framework-free: the renderer's toast, Ctrl+Z and the
 * detail history all go through here.
 *
 * - A command made with an undo window (CommandDeps.undoWindowMs) stores, on its outbox op, the
 *   row as it was before (`undo.before`) and holds the op until `hold_until`: the push sends no
 *   held op (push.ts), and coalescing leaves it alone (merge.ts), so the op is still in the queue,
 *   alone, when the rep takes it back.
 * - Undo of an op the CRM has not seen (still queued, never sent) removes the op and puts the
 *   before-image back, in one Dexie transaction with the outbox: the CRM never hears of it. Fields
 *   the server changed meanwhile (a pull moved `base`) are kept over the before-image.
 * - Undo of an op that has reached the CRM (or may have: in flight, unknown outcome) sends the
 *   honest inverse where the guide has one: reschedule back, update back, delete what was created,
 *   through the ordinary commands. Complete, cancel and delete have none (the guide cannot reopen
 *   or undelete an activity): the answer says so and nothing is changed.
 * - One activity's changes come back newest first: undoing a change while a later one on the same
 *   activity still waits is refused (the later one would be lost or sent on a row it no longer
 *   fits).
 */
import { Dexie } from 'dexie';
import {
  DomainError, instantMs, isKnownPriority, toIsoInstant,
  type Activity, type RescheduleActivityInput, type UpdateActivityInput,
} from '../domain/index.ts';
import type { Commands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import { isHeld } from './delivery.ts';
import { neverSent } from './merge.ts';
import { fromLocalRow, withActivity } from './rows.ts';
import type { LocalActivity, OpKind, OutboxOp, SyncState } from './types.ts';

/** How long a change can be taken back before it is sent, by default. */
export const UNDO_WINDOW_MS = 8_000;

/** What an op keeps so it can be taken back: the row just before the change (null for a create). */
export type UndoData = NonNullable<OutboxOp['undo']>;

/** The fields a command puts on an op made with an undo window of `windowMs`. */
export function undoFields(kind: OpKind, row: LocalActivity, at: number, windowMs: number): Pick<OutboxOp, 'hold_until' | 'undo'> {
  if (!(windowMs > 0)) return {};
  return { hold_until: at + windowMs, undo: { before: kind === 'create' ? null : row } };
}

/**
 * No request for the op has ever left: never attempted and in no bulk request. Only such an op is
 * taken back or rewritten (an op a request was tried for is resent as it was, under its key).
 */
export function untried(op: OutboxOp): boolean {
  return neverSent(op) && op.attempts === 0 && op.bulk_key === undefined;
}

/** The op waits in its undo window: not sent, and taking it back costs the CRM nothing. */
export function inUndoWindow(op: OutboxOp, now: number): boolean {
  return op.undo !== undefined && isHeld(op, now) && untried(op);
}

/** What the inverse of an op that reached the CRM is, in command terms. */
export type Inverse =
  | { kind: 'reschedule'; input: RescheduleActivityInput }
  | { kind: 'update'; patch: UpdateActivityInput }
  | { kind: 'delete' };

export type UndoOutcome = { op_id: string; lid: string; kind: OpKind; subject: string } & (
  /** Never sent: the op is gone and the row is as it was. */
  | { result: 'removed' }
  /** Sent (or maybe sent): the inverse was queued through the commands. */
  | { result: 'reversed'; inverse: Inverse }
  /** Nothing was changed; `reason` says why, in words for the rep. */
  | { result: 'not_possible'; reason: string }
);

export interface UndoReport {
  outcomes: UndoOutcome[];
  /** One sentence for a notice. */
  message: string;
  /** Every op was taken back or reversed. */
  complete: boolean;
}

export interface UndoOptions {
  /** Commands WITHOUT an undo window: an inverse is sent as soon as the engine can. */
  commands: Commands;
  now?: () => number;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function subjectOf(op: OutboxOp, row?: LocalActivity | null): string {
  const s = op.undo?.before?.subject ?? row?.subject ?? (op.kind === 'create' || op.kind === 'update' ? op.payload.subject : undefined);
  return typeof s === 'string' ? s : 'the activity';
}

/**
 * The before-image as it goes back: fields the server changed since it was taken (the pull
 * moved `base`) stay as the server has them; identity and pull bookkeeping are the current row's.
 */
export function restoredRow(before: LocalActivity, current: LocalActivity | undefined, sync: SyncState): LocalActivity {
  if (!current) return { ...before, sync };
  let act: Activity = fromLocalRow(before);
  const oldBase = before.base;
  const newBase = current.base;
  if (oldBase && newBase && !sameJson(oldBase, newBase)) {
    const moved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(newBase)) {
      if (k !== 'id' && !sameJson(v, (oldBase as unknown as Record<string, unknown>)[k])) moved[k] = v;
    }
    act = { ...act, ...moved };
  }
  const frame: LocalActivity = { ...before, base: newBase, server_id: current.server_id, deleted: before.deleted };
  if (current.seen_in_pull !== undefined) frame.seen_in_pull = current.seen_in_pull;
  else delete frame.seen_in_pull;
  return withActivity(frame, act, sync);
}

function syncAfter(current: LocalActivity | undefined, remaining: OutboxOp[], conflicts: number): SyncState {
  if (conflicts > 0) return 'conflict';
  if (remaining.some((o) => o.state === 'failed')) return 'failed';
  if (remaining.length > 0) return 'pending';
  return current?.server_id || current?.base ? 'synced' : 'pending';
}

/** The inverse of a sent op, or why there is none. */
export function inverseOf(op: OutboxOp, row: LocalActivity | undefined): Inverse | string {
  const subject = subjectOf(op, row);
  const before = op.undo?.before ?? null;
  if (!row || row.deleted === 1) return `“${subject}” is no longer on this device; nothing to undo.`;
  switch (op.kind) {
    case 'create':
      return { kind: 'delete' };
    case 'reschedule': {
      if (!before?.due_at) return `“${subject}” had no due date before; the CRM cannot reschedule it back to none.`;
      const input: RescheduleActivityInput = { new_due_at: toIsoInstant(instantMs(before.due_at)), reason: 'Undo of the previous reschedule' };
      if (op.payload.update_reminder === true) input.update_reminder = true;
      if (op.payload.priority !== undefined && before.priority !== row.priority && isKnownPriority(before.priority)) input.priority = before.priority;
      return { kind: 'reschedule', input };
    }
    case 'update': {
      if (!before) return `This edit of “${subject}” cannot be undone here.`;
      const patch: Record<string, unknown> = {};
      for (const k of Object.keys(op.payload)) patch[k] = (before as unknown as Record<string, unknown>)[k] ?? null;
      return { kind: 'update', patch: patch };
    }
    case 'complete':
      return `“${subject}” was already completed on the CRM, which cannot reopen an activity; it stays completed.`;
    case 'cancel':
      return `“${subject}” was already cancelled on the CRM, which cannot bring an activity back; it stays cancelled.`;
    case 'delete':
      return `“${subject}” was already deleted on the CRM, which cannot restore it.`;
  }
}

/**
 * Take back these ops (one command's, or one bulk's). Never-sent ops go in one transaction with
 * their rows; sent ones get their inverse afterwards, through `opts.commands`.
 */
export async function undoOps(db: FieldbookDB, ops: readonly OutboxOp[], opts: UndoOptions): Promise<UndoReport> {
  const ids = new Set(ops.map((o) => o.op_id));
  const outcomes: UndoOutcome[] = [];
  const sent: OutboxOp[] = [];

  await db.transaction('rw', db.activities, db.outbox, db.conflicts, async () => {
    const found = await Promise.all(ops.map((o) => db.outbox.where('op_id').equals(o.op_id).first()));
    // Newest first, so one activity's changes in this set come off in reverse order.
    const order = ops.map((o, i) => ({ o, cur: found[i] })).sort((a, b) => (b.cur?.seq ?? b.o.seq ?? 0) - (a.cur?.seq ?? a.o.seq ?? 0));
    const removed = new Set<string>();
    for (const { o, cur } of order) {
      const head = { op_id: o.op_id, lid: o.lid, kind: o.kind };
      if (!cur || !untried(cur)) {
        sent.push(cur ?? o);
        continue;
      }
      const row = await db.activities.get(o.lid);
      const subject = subjectOf(cur, row);
      if (!cur.undo) {
        outcomes.push({ ...head, subject, result: 'not_possible', reason: `This change to “${subject}” was made without undo.` });
        continue;
      }
      const queue = await db.outbox.where('[lid+seq]').between([o.lid, Dexie.minKey], [o.lid, Dexie.maxKey]).toArray();
      const later = queue.filter((q) => (q.seq ?? 0) > (cur.seq ?? 0) && !removed.has(q.op_id));
      if (later.length > 0) {
        outcomes.push({ ...head, subject, result: 'not_possible', reason: `A later change to “${subject}” waits to be sent; undo that first.` });
        continue;
      }
      if (cur.child_lid && (await db.outbox.where('lid').equals(cur.child_lid).count()) > 0) {
        outcomes.push({ ...head, subject, result: 'not_possible', reason: `The rescheduled copy of “${subject}” has changes of its own; undo those first.` });
        continue;
      }
      await db.outbox.delete(cur.seq);
      removed.add(cur.op_id);
      if (cur.child_lid) await db.activities.delete(cur.child_lid);
      const remaining = queue.filter((q) => !removed.has(q.op_id));
      const before = cur.undo.before;
      if (!before) {
        // A create never sent: the row was only ever here.
        if (remaining.length === 0) await db.activities.delete(o.lid);
      } else {
        const conflicts = await db.conflicts.where('lid').equals(o.lid).count();
        await db.activities.put(restoredRow(before, row, syncAfter(row, remaining, conflicts)));
      }
      outcomes.push({ ...head, subject, result: 'removed' });
    }
  });

  for (const op of sent) {
    const head = { op_id: op.op_id, lid: op.lid, kind: op.kind };
    const row = await db.activities.get(op.lid);
    const subject = subjectOf(op, row);
    const inverse = inverseOf(op, row);
    if (typeof inverse === 'string') {
      outcomes.push({ ...head, subject, result: 'not_possible', reason: inverse });
      continue;
    }
    try {
      if (inverse.kind === 'reschedule') await opts.commands.reschedule(op.lid, inverse.input);
      else if (inverse.kind === 'update') await opts.commands.update(op.lid, inverse.patch);
      else await opts.commands.delete(op.lid);
      outcomes.push({ ...head, subject, result: 'reversed', inverse });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      outcomes.push({ ...head, subject, result: 'not_possible', reason: `“${subject}” could not be changed back: ${e.message}` });
    }
  }
  // The caller's order (the order the command made them), for stable reports.
  const rank = new Map([...ids].map((id, i) => [id, i]));
  outcomes.sort((a, b) => (rank.get(a.op_id) ?? 0) - (rank.get(b.op_id) ?? 0));
  return { outcomes, message: undoMessage(outcomes), complete: outcomes.every((o) => o.result !== 'not_possible') };
}

/** One sentence for what an undo did. */
export function undoMessage(outcomes: readonly UndoOutcome[]): string {
  if (outcomes.length === 0) return 'Nothing to undo.';
  const removed = outcomes.filter((o) => o.result === 'removed');
  const reversed = outcomes.filter((o) => o.result === 'reversed');
  const refused = outcomes.filter((o): o is Extract<UndoOutcome, { result: 'not_possible' }> => o.result === 'not_possible');
  const one = outcomes.length === 1 ? outcomes[0] : undefined;
  if (one) {
    if (one.result === 'removed') return `Undone: ${pastTense(one.kind)} “${one.subject}” (it was not sent to the CRM).`;
    if (one.result === 'reversed') return `Undone: ${inverseText(one.inverse)} “${one.subject}”; the CRM gets that change.`;
    return one.reason;
  }
  const parts: string[] = [];
  if (removed.length) parts.push(`${removed.length} change${removed.length === 1 ? '' : 's'} undone before sending`);
  if (reversed.length) parts.push(`${reversed.length} changed back on the CRM`);
  if (refused.length) parts.push(`${refused.length} could not be undone: ${refused[0]?.reason ?? ''}`);
  return `${parts.join('; ')}.`;
}

function inverseText(inv: Inverse): string {
  return inv.kind === 'reschedule' ? 'moved back' : inv.kind === 'update' ? 'edit reverted for' : 'deleted';
}

export function pastTense(kind: OpKind): string {
  const words: Record<OpKind, string> = {
    create: 'created', update: 'edited', complete: 'completed', cancel: 'cancelled', reschedule: 'rescheduled', delete: 'deleted',
  };
  return words[kind];
}

/** Words for what a set of ops did, e.g. `Completed “Call Acme”` or `Rescheduled 3 activities`. */
export function describeOps(ops: readonly OutboxOp[]): string {
  const first = ops[0];
  if (!first) return 'No change';
  const kinds = new Set(ops.map((o) => o.kind));
  const lids = new Set(ops.map((o) => o.lid));
  const verb = kinds.size === 1 ? pastTense(first.kind) : 'changed';
  const text = lids.size === 1 ? `${verb} “${subjectOf(first)}”` : `${verb} ${lids.size} activities`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Adds (or replaces) the reason of a reschedule not yet sent. Returns false when the op has left
 * the queue or may have reached the CRM (then the reschedule went without it).
 */
export async function setRescheduleReason(db: FieldbookDB, opId: string, reason: string): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const cur = await db.outbox.where('op_id').equals(opId).first();
    if (!cur || cur.kind !== 'reschedule' || !untried(cur)) return false;
    const { reason: _old, ...rest } = cur.payload;
    const payload: RescheduleActivityInput = reason.trim() ? { ...rest, reason: reason.trim() } : rest;
    await db.outbox.update(cur.seq, { payload });
    return true;
  });
}

/**
 * Moves the undo window of never-sent ops to `until` (e.g. while the rep writes a reason, then
 * back). An op already sent or sending is left as it is; returns how many moved.
 */
export async function holdOps(db: FieldbookDB, opIds: readonly string[], until: number): Promise<number> {
  return db.transaction('rw', db.outbox, async () => {
    let n = 0;
    for (const id of opIds) {
      const cur = await db.outbox.where('op_id').equals(id).first();
      if (!cur?.undo || !untried(cur)) continue;
      await db.outbox.update(cur.seq, { hold_until: until });
      n++;
    }
    return n;
  });
}

// ---------------------------------------------------------------------------------------------
// The undo stack: what the rep did recently, newest last, for the toast and Ctrl+Z.

export interface UndoEntry {
  id: number;
  /** The ops one command made (a bulk's members too). */
  ops: OutboxOp[];
  /** e.g. `Completed “Call Acme”`. */
  label: string;
  at: number;
  /** When the ops' undo window ends (after that, undo sends an inverse where there is one). */
  expires_at: number;
}

export interface UndoStackOptions extends UndoOptions {
  db: FieldbookDB;
  /** Most entries kept (oldest dropped). */
  limit?: number;
}

export interface UndoStack {
  /** Called with the ops of each committed command (CommandDeps.onCommitted). */
  record(ops: readonly OutboxOp[]): UndoEntry | null;
  /** Runs `work`; every command it commits is one entry (e.g. a move plus a resize). */
  group<T>(work: () => Promise<T>): Promise<{ result: T; entry: UndoEntry | null }>;
  entries(): readonly UndoEntry[];
  latest(): UndoEntry | null;
  /** Takes back an entry (the newest when no id); the entry leaves the stack. */
  undo(id?: number): Promise<UndoReport | null>;
  /** Drops these ops from their entries (taken back another way); an entry left empty goes. */
  forget(opIds: readonly string[]): void;
  /** Called after every change of the entries. */
  subscribe(listener: () => void): () => void;
}

export function createUndoStack(opts: UndoStackOptions): UndoStack {
  const now = opts.now ?? Date.now;
  const limit = opts.limit ?? 20;
  let list: UndoEntry[] = [];
  let seq = 0;
  let collecting: OutboxOp[][] | null = null;
  const listeners = new Set<() => void>();
  const emit = () => { for (const l of listeners) l(); };

  function push(ops: readonly OutboxOp[]): UndoEntry | null {
    const undoable = ops.filter((o) => o.undo !== undefined);
    if (undoable.length === 0) return null;
    const at = now();
    const entry: UndoEntry = {
      id: ++seq,
      ops: [...undoable],
      label: describeOps(undoable),
      at,
      expires_at: Math.max(...undoable.map((o) => o.hold_until ?? at)),
    };
    list = [...list, entry].slice(-limit);
    emit();
    return entry;
  }

  return {
    record(ops) {
      if (collecting) {
        collecting.push([...ops]);
        return null;
      }
      return push(ops);
    },
    async group(work) {
      const outer = collecting;
      const mine: OutboxOp[][] = [];
      collecting = mine;
      try {
        const result = await work();
        collecting = outer;
        const all = mine.flat();
        if (outer) { outer.push(all); return { result, entry: null }; }
        return { result, entry: push(all) };
      } finally {
        collecting = outer;
      }
    },
    entries: () => list,
    latest: () => list[list.length - 1] ?? null,
    async undo(id) {
      const entry = id === undefined ? list[list.length - 1] : list.find((e) => e.id === id);
      if (!entry) return null;
      list = list.filter((e) => e !== entry);
      emit();
      return undoOps(opts.db, entry.ops, opts);
    },
    forget(opIds) {
      const gone = new Set(opIds);
      list = list.map((e) => (e.ops.some((o) => gone.has(o.op_id)) ? { ...e, ops: e.ops.filter((o) => !gone.has(o.op_id)) } : e)).filter((e) => e.ops.length > 0);
      emit();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
