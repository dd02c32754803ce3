/**
 * Pushing the calendar outbox: each key's head op, a few keys at a time, with the CRM outbox's
 * delivery rules (shared/sync/delivery.ts): claimed with a lease, a refused password parks it
 * (the attempt does not count) and stops the run, an unreachable server backs it off and stops
 * the run, a transient server error backs it off until its attempts run out, any other refusal
 * fails it for the rep: a poison op blocks only its own key.
 */
import { ApiError } from '../api/client.ts';
import type { BackoffOptions } from '../sync/backoff.ts';
import { onFailure } from '../sync/delivery.ts';
import { CalDavError } from './client.ts';
import { sendCalendarOp, type OutboundContext } from './outbound.ts';
import { claimCalendarOp, finishCalendarOp, readyHeads, storeCalendarOp } from './outbox.ts';
import type { CalendarOp } from './types.ts';

export interface PushOptions {
  random: () => number;
  backoff: BackoffOptions;
  maxAttempts: number;
  leaseMs: number;
  concurrency: number;
  alive: () => boolean;
}

export interface PushResult {
  put: number;
  deleted: number;
  conflicts: number;
  failed: number;
}

/** A CalDAV failure in the CRM client's terms, so delivery.ts's rules apply unchanged. */
export function asApiError(e: CalDavError): ApiError {
  const status = e.status ?? 0;
  if (e.kind === 'auth') return new ApiError(401, 'auth', e.message);
  if (e.kind === 'unreachable') return new ApiError(0, 'transient', e.message, {}, null, true, true);
  if (e.kind === 'http' && (status >= 500 || status === 429 || status === 408)) return new ApiError(status, 'transient', e.message, {}, null, status >= 500);
  return new ApiError(status, 'rejected', e.message);
}

/** Stops the whole run (the account or the server, not one event). */
export class RunStop extends Error {
  override readonly name = 'RunStop';
  constructor(readonly error: CalDavError) {
    super(error.message);
  }
}

async function failOp(ctx: OutboundContext, op: CalendarOp, e: unknown, opts: PushOptions, result: PushResult): Promise<void> {
  if (!(e instanceof CalDavError)) throw e;
  const verdict = onFailure(op, asApiError(e), { now: ctx.now, random: opts.random, backoff: opts.backoff, maxAttempts: opts.maxAttempts }, false);
  if (verdict.kind === 'auth' || verdict.kind === 'retry') {
    await storeCalendarOp(ctx.db, verdict.next);
    if (verdict.kind === 'auth' || e.kind === 'unreachable') throw new RunStop(e);
    return;
  }
  const message = verdict.kind === 'give_up' ? verdict.message : e.message;
  await storeCalendarOp(ctx.db, { ...op, state: 'failed', last_error: message, last_status: e.status, maybe_sent: op.maybe_sent || (verdict.kind === 'give_up' && verdict.maybe_sent) });
  result.failed += 1;
}

async function pushOne(ctx: OutboundContext, head: CalendarOp, opts: PushOptions, result: PushResult): Promise<boolean> {
  const op = await claimCalendarOp(ctx.db, head.seq!, ctx.now(), opts.leaseMs);
  if (!op) return false;
  try {
    const outcome = await sendCalendarOp(ctx, op);
    if (outcome === 'put') result.put += 1;
    else if (outcome === 'deleted') result.deleted += 1;
    else if (outcome === 'conflict') result.conflicts += 1;
    await finishCalendarOp(ctx.db, op);
  } catch (e) {
    await failOp(ctx, op, e, opts, result);
  }
  return true;
}

/** Push until no head is ready (or the run must stop: RunStop). */
export async function pushCalendarOutbox(ctx: OutboundContext, opts: PushOptions): Promise<PushResult> {
  const result: PushResult = { put: 0, deleted: 0, conflicts: 0, failed: 0 };
  for (;;) {
    const heads = await readyHeads(ctx.db, ctx.now());
    if (heads.length === 0 || !opts.alive()) return result;
    let next = 0;
    let progressed = false;
    let stop: Error | null = null;
    const worker = async () => {
      while (next < heads.length && stop === null && opts.alive()) {
        const head = heads[next++]!;
        try {
          if (await pushOne(ctx, head, opts, result)) progressed = true;
        } catch (e) {
          stop = e instanceof Error ? e : new Error(String(e));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, heads.length) }, worker));
    if (stop !== null) throw stop as Error;
    if (!progressed) return result;
  }
}
