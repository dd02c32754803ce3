/**
 * Pure merge logic of sync: the three-way field merge (base / local / remote) and the coalescing
 * of not-yet-sent outbox ops. No I/O, no clocks: every timestamp compared here is the server's.
 */
import { MERGEABLE_FIELDS, type Activity, type MergeableField } from '../domain/index.ts';
import { isHeld } from './delivery.ts';
import type { ConflictKind, OutboxOp } from './types.ts';

export type MergeFields = Pick<Activity, MergeableField>;

export interface FieldConflict {
  kind: Extract<ConflictKind, 'field' | 'status'>;
  /** A mergeable field, or `custom_fields.<key>` (custom fields merge key by key). */
  field: string;
  base: unknown;
  local: unknown;
  remote: unknown;
}

export interface MergeResult {
  /** Local view after the merge; conflicting fields keep the local value until the rep decides. */
  merged: MergeFields;
  conflicts: FieldConflict[];
  /** Fields where the remote change was taken (local had not changed them). */
  tookRemote: string[];
}

/** Fields that move together with status: a status clash is one decision, not four. */
export const STATUS_FAMILY = ['status', 'completed_at', 'cancelled_at', 'cancellation_reason'] as const;

/** Structural equality for field values (arrays in order, objects by key). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

export function pickMergeable(a: Pick<Activity, MergeableField>): MergeFields {
  const out = {} as Record<MergeableField, unknown>;
  for (const f of MERGEABLE_FIELDS) out[f] = a[f];
  return out as MergeFields;
}

/**
 * Three-way merge per field. A side "changed" a field when its value differs from base. One-sided
 * changes merge silently; both sides changed to the same value is no conflict; both changed to
 * different values is a conflict. Without a base (never synced) every difference is a conflict.
 */
export function threeWayMerge(base: MergeFields | null, local: MergeFields, remote: MergeFields): MergeResult {
  const merged = { ...local } as Record<MergeableField, unknown>;
  const conflicts: FieldConflict[] = [];
  const tookRemote: string[] = [];
  const statusClash = decide(base?.status, local.status, remote.status) === 'conflict';

  for (const f of MERGEABLE_FIELDS) {
    if (f === 'custom_fields') continue;
    const b = base ? base[f] : undefined;
    const l = local[f];
    const r = remote[f];
    if (statusClash && (STATUS_FAMILY as readonly string[]).includes(f)) {
      if (f === 'status') conflicts.push({ kind: 'status', field: 'status', base: b, local: l, remote: r });
      continue; // the family follows the rep's decision on status
    }
    const d = decide(b, l, r, base === null);
    if (d === 'remote') { merged[f] = r; tookRemote.push(f); } else if (d === 'conflict') conflicts.push({ kind: 'field', field: f, base: b, local: l, remote: r });
  }

  // Custom fields: key by key, so two people filling different custom fields never clash.
  const bc = base?.custom_fields ?? {};
  const lc = local.custom_fields;
  const rc = remote.custom_fields;
  const out: Record<string, unknown> = { ...lc };
  for (const k of new Set([...Object.keys(bc), ...Object.keys(lc), ...Object.keys(rc)])) {
    const d = decide(base ? bc[k] : undefined, lc[k], rc[k], base === null);
    if (d === 'remote') {
      if (rc[k] === undefined) delete out[k]; else out[k] = rc[k];
      tookRemote.push(`custom_fields.${k}`);
    } else if (d === 'conflict') {
      conflicts.push({ kind: 'field', field: `custom_fields.${k}`, base: bc[k], local: lc[k], remote: rc[k] });
    }
  }
  merged.custom_fields = out;
  return { merged: merged as MergeFields, conflicts, tookRemote };
}

function decide(b: unknown, l: unknown, r: unknown, noBase = false): 'local' | 'remote' | 'conflict' {
  if (sameValue(l, r)) return 'local';
  if (noBase) return 'conflict';
  if (sameValue(l, b)) return 'remote';
  if (sameValue(r, b)) return 'local';
  return 'conflict';
}

/** Read a conflict field path ('subject' or 'custom_fields.key') from a record. */
export function readField(a: MergeFields, field: string): unknown {
  if (field.startsWith('custom_fields.')) return a.custom_fields[field.slice('custom_fields.'.length)];
  return (a as Record<string, unknown>)[field];
}

/** Write a conflict field path; returns a new record. */
export function writeField<T extends MergeFields>(a: T, field: string, value: unknown): T {
  if (field.startsWith('custom_fields.')) {
    const key = field.slice('custom_fields.'.length);
    const cf = { ...a.custom_fields };
    if (value === undefined) delete cf[key]; else cf[key] = value;
    return { ...a, custom_fields: cf };
  }
  return { ...a, [field]: value };
}

// ---------------------------------------------------------------------------------------------
// Coalescing

export interface CoalescePlan {
  /** Ops to delete from the outbox. */
  remove: string[];
  /** Ops whose payload (and possibly kind) is replaced. */
  rewrite: { op_id: string; payload: Record<string, unknown> }[];
  /** create…delete: the activity never reaches the server; drop its local row too. */
  dropActivity: boolean;
}

/** An op may be merged or dropped only if no request for it can have reached the server. */
export function neverSent(op: OutboxOp): boolean {
  return !op.maybe_sent && (op.state === 'queued' || op.state === 'failed' || op.state === 'blocked');
}

/**
 * Merge one activity's queue (ops in seq order) where that is safe:
 * - create … delete → nothing (the create never left; nothing in between spawned another record);
 * - create + update → create with the update folded in;
 * - update + update → one update (later values win).
 * Only ops never sent and not part of a bulk group take part (a bulk is one request for many).
 * An op still in its undo window at `now` (hold_until; without `now` every op with a hold) takes
 * no part either: merged into an earlier op it would go out before its window ends, and an undo
 * must find it, and only it, in the queue.
 */
export function coalesceQueue(ops: readonly OutboxOp[], now = Number.NEGATIVE_INFINITY): CoalescePlan {
  const plan: CoalescePlan = { remove: [], rewrite: [], dropActivity: false };
  if (ops.length < 2) return plan;

  const first = ops[0];
  const last = ops[ops.length - 1];
  if (
    first && last && first.kind === 'create' && last.kind === 'delete' &&
    ops.every((o) => neverSent(o) && !o.child_lid && !isHeld(o, now))
  ) {
    plan.remove = ops.map((o) => o.op_id);
    plan.dropActivity = true;
    return plan;
  }

  let target: OutboxOp | null = null;
  let payload: Record<string, unknown> = {};
  let changed = false;
  const flush = () => {
    if (target && changed) plan.rewrite.push({ op_id: target.op_id, payload });
    target = null;
    changed = false;
  };
  for (const op of ops) {
    const mergeable = neverSent(op) && op.state === 'queued' && !op.bulk_group && !isHeld(op, now);
    if (mergeable && target && op.kind === 'update') {
      payload = { ...payload, ...op.payload };
      plan.remove.push(op.op_id);
      changed = true;
      continue;
    }
    flush();
    if (mergeable && (op.kind === 'create' || op.kind === 'update')) {
      target = op;
      payload = { ...op.payload };
    }
  }
  flush();
  return plan;
}
