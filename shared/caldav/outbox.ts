/**
 * The calendar outbox (calendar_outbox): one queue per key (an activity's lid or series:<id>),
 * ops in seq order, delivered with the CRM outbox's rules (shared/sync/delivery.ts). An op says
 * only what to do (put / delete); a put's content is built when it is sent, from the store as it
 * is then, so a key's queued ops coalesce into one.
 */
import { ulid } from 'ulid';
import type { FieldbookDB } from '../sync/db.ts';
import { claimable, claimed, readiness, withoutLease } from '../sync/delivery.ts';
import type { CalendarKey, CalendarOp, CalendarOpKind } from './types.ts';

export interface EnqueueOptions {
  now: number;
  newId?: () => string;
}

/** A key's ops in seq order. */
export function opsOfKey(db: FieldbookDB, key: CalendarKey): Promise<CalendarOp[]> {
  return db.calendar_outbox.where('[key+seq]').between([key, -Infinity], [key, Infinity]).toArray();
}

/**
 * Queue `kind` for `key`, coalesced with what is waiting: nothing is added when an op of that kind
 * is already waiting (not failed) for the key; a waiting op of the other kind that no request was
 * tried for becomes this kind; otherwise a new op goes behind the key's others. Returns whether
 * the queue changed.
 */
export async function enqueueCalendarOp(db: FieldbookDB, key: CalendarKey, kind: CalendarOpKind, opts: EnqueueOptions): Promise<boolean> {
  return (await enqueueCalendarOps(db, [{ key, kind }], opts)) > 0;
}

/**
 * enqueueCalendarOp for many keys in one transaction (the planner's). 'keep' (the event is right
 * as it is) only takes back a waiting delete. Returns how many keys' queues changed.
 */
export async function enqueueCalendarOps(
  db: FieldbookDB, wanted: readonly { key: CalendarKey; kind: CalendarOpKind | 'keep' }[], opts: EnqueueOptions,
): Promise<number> {
  if (wanted.length === 0) return 0;
  return db.transaction('rw', db.calendar_outbox, async () => {
    const lastOf = new Map<CalendarKey, CalendarOp>();
    await db.calendar_outbox.each((op) => { lastOf.set(op.key, op); });
    const added: CalendarOp[] = [];
    let changed = 0;
    for (const item of wanted) {
      const { key } = item;
      const last = lastOf.get(key);
      if (item.kind === 'keep' && !(last && last.state !== 'failed' && last.kind === 'delete')) continue;
      const kind: CalendarOpKind = item.kind === 'keep' ? 'put' : item.kind;
      if (last && last.state !== 'failed' && last.kind === kind) continue;
      changed += 1;
      if (last && last.state === 'queued' && !last.maybe_sent && last.attempts === 0) {
        await db.calendar_outbox.update(last.seq, { kind });
        lastOf.set(key, { ...last, kind });
        continue;
      }
      const op = newCalendarOp(key, kind, opts);
      added.push(op);
      lastOf.set(key, op);
    }
    if (added.length) await db.calendar_outbox.bulkAdd(added);
    return changed;
  });
}

export function newCalendarOp(key: CalendarKey, kind: CalendarOpKind, opts: EnqueueOptions): CalendarOp {
  return {
    op_id: (opts.newId ?? ulid)(), key, kind, created_at: opts.now,
    attempts: 0, next_attempt_at: 0, last_error: null, state: 'queued',
  };
}

/** The head op of each key (its lowest seq), in seq order: only a head may go; a failed head blocks only its key. */
export async function headOps(db: FieldbookDB): Promise<CalendarOp[]> {
  const seen = new Set<CalendarKey>();
  const heads: CalendarOp[] = [];
  await db.calendar_outbox.each((op) => {
    if (seen.has(op.key)) return;
    seen.add(op.key);
    heads.push(op);
  });
  return heads;
}

/** The heads that may be sent now (delivery.ts readiness). */
export async function readyHeads(db: FieldbookDB, now: number): Promise<CalendarOp[]> {
  return (await headOps(db)).filter((op) => readiness(op, now).kind === 'ready');
}

/** The op as this sender claims it (inflight with a lease, one more attempt), or null if it is no longer claimable. */
export async function claimCalendarOp(db: FieldbookDB, seq: number, now: number, leaseMs: number): Promise<CalendarOp | null> {
  return db.transaction('rw', db.calendar_outbox, async () => {
    const op = await db.calendar_outbox.get(seq);
    if (!op || !claimable(op, now)) return null;
    const next = claimed(op, now, leaseMs);
    await db.calendar_outbox.put(next);
    return next;
  });
}

/** The op is done with (delivered, or nothing left to do). */
export async function finishCalendarOp(db: FieldbookDB, op: CalendarOp): Promise<void> {
  if (op.seq !== undefined) await db.calendar_outbox.delete(op.seq);
}

/** Store the op as its failure left it (retry later, or failed for the rep). */
export async function storeCalendarOp(db: FieldbookDB, op: CalendarOp): Promise<void> {
  await db.calendar_outbox.put(withoutLease(op));
}

/** Ops waiting (not failed or blocked) and ops that failed or wait for the rep. */
export async function calendarOutboxCounts(db: FieldbookDB): Promise<{ pending: number; failed: number }> {
  const total = await db.calendar_outbox.count();
  const failed = await db.calendar_outbox.where('state').anyOf('failed', 'blocked').count();
  return { pending: total - failed, failed };
}
