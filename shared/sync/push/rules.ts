/**
 * Push, rules: what the push decides without I/O: the record a write's answer means
 * (mergeAnswer over expectedAfter), whether a server record already shows an op's effect
 * (applied), the copy a cancel-with-reschedule made (isRescheduledCopy), the create marker and the
 * bulk key's digest.
 */
import { Dexie } from 'dexie';
import type { PartialRemoteActivity } from '../../api/client.ts';
import {
  applyCreate, applyOp, instantMs, isChangeKind, normalizeRemote,
  type Activity, type CreateActivityInput, type RemoteActivity,
} from '../../domain/index.ts';
import type { SyncContext } from '../context.ts';
import type { OutboxOp } from '../types.ts';

/** custom_fields key a create carries so its record can be recognised without server idempotency. */
export const CLIENT_MARKER = '_fb_op';

/**
 * Server id of a related record for the activity push (entity-push.ts entityIdResolver): records
 * created on this device have local ids until their create succeeds; null = not yet, keep waiting.
 */
export type EntityIdResolver = (type: string, id: string) => string | null;

export interface PushReport {
  requests: number;
  succeeded: number;
  failed: number;
  retried: number;
  conflicts: number;
  authRequired: boolean;
  /** Client time of the earliest retry still waiting when the run ended. */
  nextRetryAt: number | null;
  /** Client time the earliest undo window (hold_until) of a waiting op ends; the engine pushes then. */
  nextHoldAt: number | null;
}

export function opsOf(ctx: SyncContext, lid: string): Promise<OutboxOp[]> {
  return ctx.db.outbox.where('[lid+seq]').between([lid, Dexie.minKey], [lid, Dexie.maxKey]).toArray();
}

/** Most detail GETs one create lookup (findCreated) makes for list items without custom_fields. */
export const MAX_LOOKUP_DETAILS = 20;

/** Fields that place a row (lists, filters) and say whose it is: never guessed after a write. */
const PLACING_FIELDS = ['type', 'status', 'subject', 'activityable_type', 'activityable_id', 'assigned_user_id'] as const;

/** A list item's or answer's ids in either shape: `activityable_id` or only `activityable: {id}` (the guide's list example). */
export function refIds(a: Partial<RemoteActivity>): Partial<Pick<Activity, 'activityable_id' | 'assigned_user_id' | 'contact_id'>> {
  const out: Partial<Pick<Activity, 'activityable_id' | 'assigned_user_id' | 'contact_id'>> = {};
  const ent = a.activityable_id ?? a.activityable?.id;
  if (ent !== undefined) out.activityable_id = ent;
  const user = a.assigned_user_id ?? a.assigned_user?.id;
  if (user !== undefined && user !== null) out.assigned_user_id = user;
  const contact = a.contact_id !== undefined ? a.contact_id : a.contact?.id;
  if (contact !== undefined) out.contact_id = contact;
  return out;
}

/**
 * The server's record after a 2xx write answered with some fields (the guide's PATCH answer is
 * `{id, <some changed fields>, updated_at}`; complete, cancel and reschedule answer a few fields;
 * create lacks tags, custom_fields, location, updated_at): `expected ⊕ answer`, where `expected` is
 * base ⊕ the op applied (the domain rule on what the server had, with the request as sent — the
 * same rules the CRM applies) and every field the answer carries goes on top (the server's word
 * wins). Returns null when the row needs the detail endpoint instead, which is exactly when:
 * - there is no `expected` (no base to apply the op to, or the rule refuses the op on our base,
 *   e.g. base says waiting but the server took the update: our base is stale, the merge a guess);
 * - a field that places the row or says whose it is (PLACING_FIELDS) is still unknown after the merge.
 * Everything else the answer lacks (description, tags, custom_fields, reminders, billing, follow-up,
 * counters) is what the rule computed from base and request. Timestamps the server sets and did
 * not send (updated_at, completed_at, cancelled_at) are the rep's action time; the next pull
 * corrects them, and no local decision depends on them.
 */
export function mergeAnswer(expected: Activity | null, answer: PartialRemoteActivity): Activity | null {
  if (!expected) return null;
  // The answer holds only fields of the activity record (readWriteAnswer drops the rest).
  const merged: Record<string, unknown> = { ...expected };
  for (const [k, v] of Object.entries(answer)) if (v !== undefined) merged[k] = v;
  Object.assign(merged, refIds(answer), { id: answer.id });
  const out = normalizeRemote(merged as RemoteActivity);
  return PLACING_FIELDS.every((f) => typeof out[f] === 'string' && out[f] !== '') ? out : null;
}

/** The domain rule of `op` applied to `base` with the request as sent; null when it refuses (our base is stale) or there is no base. */
export function expectedAfter(op: OutboxOp, base: Activity | null, sent: Record<string, unknown>, at: string, newId?: string): Activity | null {
  try {
    if (op.kind === 'create') {
      const body = sent as CreateActivityInput;
      const a = applyCreate(body, { id: newId ?? '', now: at, currentUser: { id: body.assigned_user_id ?? '', name: '' }, reminderDefaults: false });
      return a;
    }
    if (!base || !isChangeKind(op.kind)) return null;
    return applyOp(base, op.kind, sent, at);
  } catch {
    // The rule refused: see mergeAnswer.
  }
  return null;
}

export function bulkDigest(ids: readonly string[]): string {
  // FNV-1a over the member ids: short, stable, different for a different set.
  let h = 0x811c9dc5;
  for (const ch of ids.join(',')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export function withMarker(body: CreateActivityInput, opId: string): CreateActivityInput {
  return { ...body, custom_fields: { ...(body.custom_fields ?? {}), [CLIENT_MARKER]: opId } };
}

type CopyFields = 'activityable_type' | 'activityable_id' | 'type' | 'subject';

/**
 * The matching rule for the copy a cancel-with-reschedule made on the server (its answer lost):
 * same related record, type and subject as the cancelled activity, pending, due at reschedule_date.
 * Used by the push (findChild) and by the pull, which leaves such a copy alone until the cancel settles.
 */
export function isRescheduledCopy(
  a: Partial<Pick<Activity, CopyFields | 'status' | 'due_at'>> & { activityable?: { id: string } | null },
  parent: Pick<Activity, CopyFields>, rescheduleDate: string,
): boolean {
  // Both list shapes: `activityable_id`, or only `activityable: {id, name}` (the guide's list example).
  const entityId = a.activityable_id ?? a.activityable?.id;
  return a.status === 'pending' && a.activityable_type === parent.activityable_type && entityId === parent.activityable_id &&
    a.type === parent.type && a.subject === parent.subject && !!a.due_at && instantMs(a.due_at) === instantMs(rescheduleDate);
}

/**
 * Does the server record already show this op's effect? (Only asked after an attempt of unknown
 * outcome.) `sent` is the body as sent (an update's related record resolved to its server id).
 * An update: every field it sets has the server's value (instants compared as instants, tags as a
 * set, custom_fields by value whatever the key order). Creates are found by their marker (findCreated).
 */
export function applied(op: OutboxOp, cur: Activity, sent: Record<string, unknown> = op.payload): boolean {
  switch (op.kind) {
    case 'update':
      return Object.entries(sent).every(([k, v]) => v === undefined || sameField(k, v, (cur as unknown as Record<string, unknown>)[k]));
    case 'complete':
      return cur.status === 'completed' && (op.payload.outcome === undefined || cur.outcome === op.payload.outcome);
    case 'cancel':
      return cur.status === 'cancelled' && (op.payload.reason === undefined || cur.cancellation_reason === op.payload.reason);
    case 'reschedule':
      return cur.rescheduled_count > (op.sent_count ?? Number.POSITIVE_INFINITY) && !!cur.due_at &&
        instantMs(cur.due_at) === instantMs(op.payload.new_due_at);
    default:
      return false;
  }
}

const INSTANT_FIELDS = new Set(['due_at', 'reminder_at', 'completed_at', 'cancelled_at', 'previous_due_at']);

/** One field of an update against the server's value (see applied). */
function sameField(field: string, mine: unknown, theirs: unknown): boolean {
  if (mine === null || theirs === null || theirs === undefined) return (mine ?? null) === (theirs ?? null);
  if (INSTANT_FIELDS.has(field) && typeof mine === 'string' && typeof theirs === 'string') {
    const a = instantMs(mine);
    const b = instantMs(theirs);
    return Number.isFinite(a) ? a === b : mine === theirs;
  }
  if (field === 'follow_up_date' && typeof mine === 'string' && typeof theirs === 'string') return mine.slice(0, 10) === theirs.slice(0, 10);
  if (field === 'tags' && Array.isArray(mine) && Array.isArray(theirs)) {
    const a = new Set(mine);
    const b = new Set(theirs);
    return a.size === b.size && [...a].every((t) => b.has(t));
  }
  return deepEqual(mine, theirs);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ob = b as Record<string, unknown>;
  const oa = a as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && deepEqual(oa[k], ob[k]));
}
