/**
 * The local store's records. The engine (commands, push, pull) and the UI agree on these.
 * Activity data lives in Dexie; the UI reads it through the queries in ./queries.ts.
 */
import type {
  Activity, BulkAction, CancelActivityInput, CompleteActivityInput, CreateActivityInput, DirectoryType,
  RescheduleActivityInput, UpdateActivityInput,
} from '../domain/index.ts';

export type SyncState =
  /** Same as the server's last known snapshot. */
  | 'synced'
  /** Local changes queued in the outbox. */
  | 'pending'
  /** A same-field edit on both sides waits for the rep (see conflicts table). */
  | 'conflict'
  /** The server refused a change (400/403/422) or it passed its attempt limit: shown in Sync. */
  | 'failed';

/** An activity as stored locally: the guide's fields (server `id` → `server_id`) plus sync bookkeeping. */
export interface LocalActivity extends Omit<Activity, 'id'> {
  /** Client ULID, stable forever; every local reference uses it. */
  lid: string;
  /** Set once the server knows the record. */
  server_id: string | null;
  /** Last server snapshot, the base of the three-way merge (null until first synced). */
  base: Activity | null;
  sync: SyncState;
  /** Deleted locally; kept until the delete reaches the server. 1 = deleted (IndexedDB can't index booleans). */
  deleted: 0 | 1;
  /** 1 while status is open work (pending, in_progress, deferred, waiting); indexes the overdue queue. */
  open: 0 | 1;
  /** due_at in epoch ms; absent when there is no due date (so range indexes skip it). */
  due_ms?: number;
  /** completed_at in epoch ms (schema v6); absent until completed. */
  completed_ms?: number;
  /** Lower-cased words of subject and description, for the word index. */
  words: string[];
  /** What the row links to, for the weekly review (schema v7; rows.ts linkKeys); absent when nothing. */
  links?: string[];
  /** Pull bookkeeping for mark-and-sweep. */
  seen_in_pull?: string;
}

export type OpKind = 'create' | 'update' | 'complete' | 'cancel' | 'reschedule' | 'delete';

export type OpState =
  /** Waiting its turn. */
  | 'queued'
  /** Claimed by a sender until lease_until. */
  | 'inflight'
  /** Refused by the server (400/403/422) or past the attempt limit; kept for edit & retry. */
  | 'failed'
  /** Waiting on a failed op earlier in the same activity's queue. */
  | 'blocked';

/** How far a queued write has got with the server; the same bookkeeping for activity and entity ops. */
export interface Delivery {
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_status?: number | null;
  state: OpState;
  lease_until?: number;
  /**
   * Client time (epoch ms) until which the op is not sent: its undo window. A held op is not
   * claimed, and the ops queued after it on the same activity (or record) wait behind it; other
   * activities are not held up. The engine runs a push when the earliest hold ends. Coalescing
   * leaves a held op as it is (merge.ts coalesceQueue), so undoing it removes exactly it.
   */
  hold_until?: number;
  /**
   * Sync engine bookkeeping: a request for this op may have reached the server without a definite
   * answer (timeout, reset, 502/504, sender killed). Such an op is never merged or rewritten, and
   * without server idempotency it is checked against the server before any resend.
   */
  maybe_sent?: boolean;
}

/**
 * What each kind of op carries as its payload: the validated input of the action (intent, not a
 * diff), exactly as commands.ts writes it. For create: the create body (with the assignee and
 * reminder the rep sees). A delete carries nothing (a bulk delete: its loose parameters, unsent).
 */
export interface OpPayloads {
  create: CreateActivityInput;
  update: UpdateActivityInput;
  complete: CompleteActivityInput;
  cancel: CancelActivityInput;
  reschedule: RescheduleActivityInput;
  delete: Record<string, unknown>;
}

/** Everything an outbox op holds besides its kind and payload. */
export interface OutboxOpBase extends Delivery {
  /** Auto-increment: global order of intents. */
  seq?: number;
  op_id: string;
  lid: string;
  /** The server snapshot the rep was looking at when the op was made. */
  base: Activity | null;
  /** Ops of one bulk command share a group id; sent as one bulk-actions request when possible. */
  bulk_group?: string;
  bulk_action?: BulkAction;
  /** For cancel with reschedule: the lid of the local copy the server's rescheduled_activity maps to. */
  child_lid?: string;
  /** Server rescheduled_count when a reschedule was first sent (tells whether it was applied). */
  sent_count?: number;
  /** Idempotency-Key of the bulk request this op went out in; a retry resends the same set. */
  bulk_key?: string;
  /** Op ids (in seq order) of the bulk request this op went out in. */
  bulk_members?: string[];
  /** Undo (undo.ts): the row just before this change, null for a create; set with hold_until. */
  undo?: { before: LocalActivity | null };
  created_at: number;
}

/** An op of one kind: its payload is that kind's input (OpPayloads). */
export interface OutboxOpOf<K extends OpKind> extends OutboxOpBase {
  kind: K;
  payload: OpPayloads[K];
}

/**
 * One intent in the outbox, discriminated by `kind`: narrow on `op.kind` to read its payload.
 * `op_id` is also the request's Idempotency-Key.
 * The stored shape is the same as before (a plain object under `payload`), so ops already in
 * IndexedDB read unchanged.
 */
export type OutboxOp = { [K in OpKind]: OutboxOpOf<K> }[OpKind];

export interface DirectoryEntity {
  type: DirectoryType;
  id: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  value?: number | null;
  stage?: string | null;
  status?: string | null;
  customer_id?: string | null;
  time_zone?: string | null;
  /** Lower-cased name words for the picker's prefix search. */
  words: string[];
  /** The record as the server last sent it (every field), for the edit forms; queued edits go on top. */
  details?: Record<string, unknown>;
  /** 1 while local edits of this record wait to be sent (entity outbox). */
  pending?: 0 | 1;
}

/** Directory records the rep can create or edit here (the guide's scenario calls). */
export type EditableEntityType = 'opportunity' | 'customer';

/** One queued write of a directory record. `op_id` is also the request's Idempotency-Key. */
export interface EntityOp extends Delivery {
  seq?: number;
  op_id: string;
  type: EditableEntityType;
  /** The record's directory id: its server id, or a local id (see entity-commands.ts, LOCAL_ENTITY_PREFIX) until created. */
  entity_id: string;
  kind: 'create' | 'update';
  /** Validated body as the rep entered it; ids of local records are resolved only when sent. */
  payload: Record<string, unknown>;
  created_at: number;
}

/** A record created here, once the server has it: local id → server id (kept for queued references). */
export interface EntityIdRow {
  local_id: string;
  type: EditableEntityType;
  server_id: string;
}

export type ConflictKind =
  /** The same field changed to different values here and on the server. */
  | 'field'
  /** Edited here, deleted on the server. */
  | 'deleted_remote'
  /** Status clash, e.g. completed here while cancelled on the server. */
  | 'status';

export interface ConflictRecord {
  id: string;
  lid: string;
  kind: ConflictKind;
  field: string;
  base: unknown;
  local: unknown;
  remote: unknown;
  created_at: number;
  /** Where "theirs" comes from: the CRM (absent) or the rep's calendar (a move made there, shared/caldav/inbound.ts). */
  source?: 'calendar';
}

export interface SyncMetaRow {
  key: string;
  value: unknown;
}

/** Reminder bookkeeping (web mode fires its own; desktop keeps the same in main). */
export interface ReminderRow {
  /** `${lid}|${reminder_at}`: nothing fires twice for the same reminder time. */
  key: string;
  lid: string;
  fired_at?: number;
  snoozed_until?: number;
}
