/**
 * Push, the run: one pass after another over the lids whose head op can go now (scan), up to
 * `concurrency` lids at once, each worked as far as it goes (processLid) by claim.ts, send.ts,
 * bulk.ts and answer.ts. See push.ts for the rules.
 */
import { sleep } from '../context.ts';
import { earlier, readiness } from '../delivery.ts';
import type { OutboxOp } from '../types.ts';
import { tryBulk } from './bulk.ts';
import { nextStep } from './claim.ts';
import type { LidStep, PushRun } from './run.ts';
import { sendOne } from './send.ts';

// ------------------------------------------------------------------ passes
/** Pass after pass until nothing can move in this run (retries near enough are waited for in-run). */
export async function runPasses(run: PushRun): Promise<void> {
  for (;;) {
    if (run.report.authRequired || !run.ctx.alive()) break;
    const { ready, earliest, held } = await scan(run);
    run.report.nextHoldAt = held;
    const parkedLids = new Set([...run.parked.values()].flatMap((s) => [...s]));
    run.queue = ready.filter((l) => !parkedLids.has(l) && !run.stalled.has(l));
    if (run.queue.length === 0) {
      run.report.nextRetryAt = earliest;
      if (earliest !== null && earliest - run.ctx.now() <= run.ctx.maxInRunWaitMs) {
        await sleep(run.ctx, Math.max(0, earliest - run.ctx.now()));
        // Time moved: every lid may be tried again.
        run.stalled.clear();
        continue;
      }
      if (run.parked.size > 0) {
        // Nothing else can move: members still missing will not arrive in this run.
        for (const g of run.parked.keys()) run.individual.add(g);
        run.parked.clear();
        continue;
      }
      break;
    }
    let progress = false;
    const tried: string[] = [];
    const workers = Array.from({ length: run.ctx.concurrency }, async () => {
      for (;;) {
        const lid = run.queue.shift();
        if (lid === undefined || run.report.authRequired || !run.ctx.alive()) return;
        if (run.active.has(lid)) continue;
        run.active.add(lid);
        tried.push(lid);
        try {
          if (await processLid(run, lid)) progress = true;
        } finally {
          run.active.delete(lid);
        }
      }
    });
    // Wait for every worker even when one fails: the run (and the sender lock) must outlive its
    // requests, or a new sender could resend an op whose request is still on the wire.
    const settled = await Promise.allSettled(workers);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    // A pass that moved nothing must not spin: its lids wait until something moves (see stalled).
    if (progress) run.stalled.clear();
    else for (const l of tried) run.stalled.add(l);
  }
}

/**
 * Lids whose head op can go now, longest queue first; the earliest retry time of the rest; and
 * the earliest end of a hold (not waited for in the run: the engine's timer pushes then).
 */
export async function scan(run: PushRun): Promise<{ ready: string[]; earliest: number | null; held: number | null }> {
  const all = await run.db.outbox.orderBy('seq').toArray();
  const byLid = new Map<string, OutboxOp[]>();
  for (const op of all) {
    const list = byLid.get(op.lid);
    if (list) list.push(op); else byLid.set(op.lid, [op]);
  }
  const now = run.ctx.now();
  let earliest: number | null = null;
  let held: number | null = null;
  const ready: [string, number][] = [];
  for (const [lid, ops] of byLid) {
    const head = ops[0];
    if (!head) continue;
    const r = readiness(head, now);
    if (r.kind === 'held') held = earlier(held, r.until);
    else if (r.kind === 'backoff') earliest = earlier(earliest, r.until);
    else if (r.kind === 'ready') ready.push([lid, ops.length]);
  }
  ready.sort((a, b) => b[1] - a[1]);
  return { ready: ready.map(([l]) => l), earliest, held };
}

// ------------------------------------------------------------------ one activity
/** Work one activity's queue as far as it goes now; returns whether anything was attempted. */
export async function processLid(run: PushRun, lid: string): Promise<boolean> {
  let progress = false;
  let carried: LidStep | null = null;
  for (;;) {
    if (run.report.authRequired || !run.ctx.alive()) return progress;
    const step: LidStep = carried ?? await nextStep(run, lid);
    carried = null;
    if (step.kind !== 'send') return progress;
    progress = true;
    const { op, row } = step;
    // An op that went out alone stays alone (bulk_members = []): in a bulk it would carry another
    // key, and a server could apply it twice. Without server idempotency a bulk of unknown
    // outcome is not resent as a whole either: its members go alone, each checked first.
    if (!step.claimed) {
      const r = await tryBulk(run, op, lid);
      if (r === 'sent') continue;
      if (r === 'parked') return progress;
    }
    const next = await sendOne(run, op, row, step.claimed === true);
    if (!next) return progress;
    carried = next;
  }
}
