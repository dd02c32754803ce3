/**
 * Local mutations. Each command validates its input with the domain's schemas, checks the
 * status transition, applies the pure rule to the local row and writes the row AND its outbox
 * op in one Dexie transaction: either both are stored or neither is. The sync engine pushes the
 * op later; `base` (the last server snapshot) is never touched here.
 */
import { ulid } from 'ulid';
import type { z } from 'zod';
import {
  DomainError, ValidationError, applyCancel, applyComplete, applyCreate, applyReschedule, applyUpdate, assertAction,
  bulkActionSchema, cancelActivitySchema, completeActivitySchema, createActivitySchema, recreateInput,
  rescheduleActivitySchema, toIsoInstant, updateActivitySchema, validate,
  type Activity, type BulkAction, type CancelActivityInput, type CompleteActivityInput, type CreateActivityInput,
  type RescheduleActivityInput, type ReminderLeads, type UpdateActivityInput, type UserRef,
} from '../domain/index.ts';
import type { FieldbookDB } from './db.ts';
import { fromLocalRow, toLocalRow, withActivity } from './rows.ts';
import type { LocalActivity, OpKind, OpPayloads, OutboxOp, OutboxOpBase, OutboxOpOf, SyncState } from './types.ts';
import { undoFields } from './undo.ts';

/** The activity is not on this device (never was, or was deleted here). */
export class ActivityNotFoundError extends DomainError {
  constructor(readonly lid: string) {
    super('not_found', 'That activity is no longer on this device.');
  }
}

export interface CommandDeps {
  /** Clock in epoch ms (injected so tests and the engine agree on "now"). */
  now?: () => number;
  /** New ids for activities (lid) and ops (op_id, bulk_group). Default: ULID. */
  newId?: () => string;
  /** The signed-in rep: default assignee and created_by. */
  currentUser: () => UserRef;
  /** The rep's reminder lead overrides per type (Settings); the guide's defaults fill the rest. */
  reminderDefaults?: () => ReminderLeads;
  /** Called after every committed change (the sync engine debounces a push on it). */
  onChange?: () => void;
  /** Undo window in ms (undo.ts): each op keeps its before-image and is held that long. Default 0: none. */
  undoWindowMs?: () => number;
  /** Called with the ops of each committed change (the undo stack records them). */
  onCommitted?: (ops: OutboxOp[]) => void;
}

export interface CancelOutcome {
  cancelled: LocalActivity;
  /** With reschedule=true: the new pending copy (its own lid; op.child_lid points at it). */
  rescheduled: LocalActivity | null;
}

export interface BulkCommandInput {
  action: BulkAction;
  /** Local ids of the activities. */
  lids: string[];
  /** The single action's parameters (reason, outcome, new_due_at, …). */
  parameters?: Record<string, unknown>;
}

export interface BulkFailure {
  lid: string;
  /** 'action_not_allowed' | 'not_found' | 'validation' */
  code: DomainError['code'];
  message: string;
  errors: Record<string, string[]>;
}

export interface BulkOutcome {
  /** Shared by every op of this command (OutboxOp.bulk_group). */
  bulk_group: string;
  action: BulkAction;
  succeeded: string[];
  failed: BulkFailure[];
}

/** Fields a recreate may change on the copy (due time and anything else the rep edits). */
export type RecreateInput = Partial<CreateActivityInput>;

export interface Commands {
  create(input: unknown): Promise<LocalActivity>;
  update(lid: string, patch: unknown): Promise<LocalActivity>;
  complete(lid: string, input?: unknown): Promise<LocalActivity>;
  cancel(lid: string, input?: unknown): Promise<CancelOutcome>;
  reschedule(lid: string, input: unknown): Promise<LocalActivity>;
  /** Soft delete: the row stays with deleted=1 (hidden from queries) until the delete is pushed. */
  delete(lid: string): Promise<void>;
  bulk(input: unknown): Promise<BulkOutcome>;
  /** A new activity copied from a cancelled one (the guide's "recreate"); `input` overrides fields. */
  recreate(lid: string, input?: unknown): Promise<LocalActivity>;
}

/** Parse with a domain schema or throw ValidationError with per-field messages. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = validate(schema, input);
  if (!r.ok) throw new ValidationError(r.errors);
  return r.value;
}

/** Local changes keep a conflict or failure visible until the rep or the engine resolves it. */
function nextSync(current: SyncState): SyncState {
  return current === 'conflict' || current === 'failed' ? current : 'pending';
}

export function createCommands(db: FieldbookDB, deps: CommandDeps): Commands {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => ulid());

  function op<K extends OpKind>(
    kind: K,
    row: LocalActivity,
    payload: OpPayloads[K],
    at: number,
    extra: Pick<OutboxOpBase, 'bulk_group' | 'bulk_action' | 'child_lid'> = {},
  ): OutboxOpOf<K> {
    return {
      op_id: newId(),
      lid: row.lid,
      kind,
      payload: { ...payload },
      base: row.base,
      ...extra,
      ...undoFields(kind, row, at, deps.undoWindowMs?.() ?? 0),
      attempts: 0,
      next_attempt_at: at,
      last_error: null,
      state: 'queued',
      created_at: at,
    };
  }

  async function liveRow(lid: string): Promise<LocalActivity> {
    const row = await db.activities.get(lid);
    if (!row || row.deleted === 1) throw new ActivityNotFoundError(lid);
    return row;
  }

  function notify(ops: OutboxOp[]): void {
    try {
      if (ops.length) deps.onCommitted?.(ops);
      deps.onChange?.();
    } catch {
      // A listener's failure must not turn a committed change into a reported error.
    }
  }

  /** One write: rows then ops, in a single transaction; the callback may throw to write nothing. */
  async function commit<T>(work: (at: number) => Promise<{ rows: LocalActivity[]; ops: OutboxOp[]; result: T }>): Promise<T> {
    let ops: OutboxOp[] = [];
    const result = await db.transaction('rw', db.activities, db.outbox, async () => {
      const at = now();
      const w = await work(at);
      if (w.rows.length) await db.activities.bulkPut(w.rows);
      // One add per op, so a failure surfaces as itself (e.g. ConstraintError), not a BulkError.
      for (const o of w.ops) await db.outbox.add(o);
      ops = w.ops;
      return w.result;
    });
    notify(ops);
    return result;
  }

  function buildCreate(input: CreateActivityInput, at: number): { row: LocalActivity; op: OutboxOp } {
    const lid = newId();
    const leads = deps.reminderDefaults?.() ?? {};
    const activity = applyCreate(input, { id: lid, now: toIsoInstant(at), currentUser: deps.currentUser(), reminderDefaults: leads });
    const row = toLocalRow(activity, { lid, base: null, sync: 'pending', server_id: null });
    // The server applies no reminder default and its assignee default is the token's user: send
    // what the rep sees here, so the server's record matches the local one.
    const payload: CreateActivityInput = { ...input, assigned_user_id: activity.assigned_user_id };
    if (activity.reminder_at !== null || input.reminder_at !== undefined) payload.reminder_at = activity.reminder_at;
    return { row, op: op('create', row, payload, at) };
  }

  async function create(input: unknown): Promise<LocalActivity> {
    const valid = parseOrThrow(createActivitySchema, input);
    return commit(async (at) => {
      const { row, op: o } = buildCreate(valid, at);
      return Promise.resolve({ rows: [row], ops: [o], result: row });
    });
  }

  async function update(lid: string, patch: unknown): Promise<LocalActivity> {
    const valid: UpdateActivityInput = parseOrThrow(updateActivitySchema, patch);
    return commit(async (at) => {
      const row = await liveRow(lid);
      const next = withActivity(row, applyUpdate(fromLocalRow(row), valid, toIsoInstant(at)), nextSync(row.sync));
      return { rows: [next], ops: [op('update', row, valid, at)], result: next };
    });
  }

  /** The per-activity part of complete/cancel/reschedule/delete, shared by single and bulk commands. */
  function applyAction(
    action: BulkAction,
    row: LocalActivity,
    params: CompleteActivityInput | CancelActivityInput | RescheduleActivityInput | Record<string, unknown>,
    at: number,
    extra: Pick<OutboxOpBase, 'bulk_group' | 'bulk_action'> = {},
  ): { rows: LocalActivity[]; ops: OutboxOp[]; cancel?: CancelOutcome } {
    const iso = toIsoInstant(at);
    const current = fromLocalRow(row);
    const sync = nextSync(row.sync);
    switch (action) {
      case 'complete': {
        const input = params as CompleteActivityInput;
        const next = withActivity(row, applyComplete(current, input, iso), sync);
        return { rows: [next], ops: [op('complete', row, input, at, extra)] };
      }
      case 'reschedule': {
        const input = params as RescheduleActivityInput;
        const next = withActivity(row, applyReschedule(current, input, iso), sync);
        return { rows: [next], ops: [op('reschedule', row, input, at, extra)] };
      }
      case 'cancel': {
        const input = params as CancelActivityInput;
        assertAction(current.status, 'cancel');
        const childLid = input.reschedule ? newId() : undefined;
        const r = applyCancel(current, input, iso, childLid);
        const cancelled = withActivity(row, r.cancelled, sync);
        const rescheduled = r.rescheduled && childLid
          ? toLocalRow(r.rescheduled, { lid: childLid, base: null, sync: 'pending', server_id: null })
          : null;
        const o = op('cancel', row, input, at, { ...extra, ...(childLid ? { child_lid: childLid } : {}) });
        return { rows: rescheduled ? [cancelled, rescheduled] : [cancelled], ops: [o], cancel: { cancelled, rescheduled } };
      }
      case 'delete': {
        assertAction(current.status, 'delete');
        const next: LocalActivity = { ...row, deleted: 1, sync };
        return { rows: [next], ops: [op('delete', row, {}, at, extra)] };
      }
    }
  }

  async function single<T>(action: BulkAction, lid: string, params: object, pick: (r: ReturnType<typeof applyAction>) => T): Promise<T> {
    return commit(async (at) => {
      const row = await liveRow(lid);
      const r = applyAction(action, row, params, at);
      return { rows: r.rows, ops: r.ops, result: pick(r) };
    });
  }

  const first = (r: { rows: LocalActivity[] }): LocalActivity => r.rows[0] as LocalActivity;

  async function complete(lid: string, input: unknown = {}): Promise<LocalActivity> {
    return single('complete', lid, parseOrThrow(completeActivitySchema, input), first);
  }

  async function cancel(lid: string, input: unknown = {}): Promise<CancelOutcome> {
    return single('cancel', lid, parseOrThrow(cancelActivitySchema, input), (r) => r.cancel as CancelOutcome);
  }

  async function reschedule(lid: string, input: unknown): Promise<LocalActivity> {
    return single('reschedule', lid, parseOrThrow(rescheduleActivitySchema, input), first);
  }

  async function remove(lid: string): Promise<void> {
    await single('delete', lid, {}, () => undefined);
  }

  async function bulk(input: unknown): Promise<BulkOutcome> {
    const raw = (typeof input === 'object' && input !== null ? input : {}) as Partial<BulkCommandInput>;
    // The domain schema names the ids activity_ids (the API's word); locally they are lids.
    const checked = validate(bulkActionSchema, { action: raw.action, activity_ids: raw.lids, parameters: raw.parameters });
    if (!checked.ok) {
      const errors: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(checked.errors)) errors[k.replace(/^activity_ids/, 'lids')] = v;
      throw new ValidationError(errors);
    }
    const { action, activity_ids: lids, parameters } = checked.value;
    const group = newId();
    return commit(async (at) => {
      const unique = [...new Set(lids)];
      const rows = await db.activities.bulkGet(unique);
      const outcome: BulkOutcome = { bulk_group: group, action, succeeded: [], failed: [] };
      const writes: LocalActivity[] = [];
      const ops: OutboxOp[] = [];
      unique.forEach((lid, i) => {
        const row = rows[i];
        try {
          if (!row || row.deleted === 1) throw new ActivityNotFoundError(lid);
          const r = applyAction(action, row, parameters, at, { bulk_group: group, bulk_action: action });
          writes.push(...r.rows);
          ops.push(...r.ops);
          outcome.succeeded.push(lid);
        } catch (e) {
          // One bad activity never stops the others (docs/crm-contract.md "Bulk actions").
          if (!(e instanceof DomainError)) throw e;
          outcome.failed.push({ lid, code: e.code, message: e.message, errors: e.errors });
        }
      });
      return Promise.resolve({ rows: writes, ops, result: outcome });
    });
  }

  async function recreate(lid: string, input: unknown = {}): Promise<LocalActivity> {
    const overrides = (typeof input === 'object' && input !== null ? input : {}) as RecreateInput;
    return commit(async (at) => {
      const row = await liveRow(lid);
      const source: Activity = fromLocalRow(row);
      // recreateInput asserts the source is cancelled (ActionNotAllowedError otherwise).
      const base = recreateInput(source, overrides.due_at ?? null, overrides.type);
      const valid = parseOrThrow(createActivitySchema, { ...base, ...overrides });
      const { row: created, op: o } = buildCreate(valid, at);
      return { rows: [created], ops: [o], result: created };
    });
  }

  return { create, update, complete, cancel, reschedule, delete: remove, bulk, recreate };
}
