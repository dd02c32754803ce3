/** What push and pull need from the engine that runs them. */
import type { CrmClient } from '../api/client.ts';
import type { BackoffOptions } from './backoff.ts';
import type { FieldbookDB } from './db.ts';

/** Thrown inside a run after the engine was stopped: a stopped engine writes nothing more. */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
  constructor() {
    super('sync engine stopped');
  }
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncContext {
  db: FieldbookDB;
  client: CrmClient;
  /** Client clock (epoch ms): backoff, leases, debounce. Never compared with server times. */
  now: () => number;
  random: () => number;
  newId: () => string;
  timers: Timers;
  concurrency: number;
  pageSize: number;
  maxAttempts: number;
  leaseMs: number;
  backoff: BackoffOptions;
  currentUserId: () => string | null;
  /** False once the engine is stopped: every write checks it first (see assertAlive). */
  alive: () => boolean;
  /** Push gives up waiting in-run for a retry further away than this; the engine's timer takes over. */
  maxInRunWaitMs: number;
}

export function assertAlive(ctx: SyncContext): void {
  if (!ctx.alive()) throw new StoppedError();
}

/** Let other work (the UI thread, other requests) run between chunks. */
export function yieldToEventLoop(ctx: SyncContext): Promise<void> {
  return new Promise((resolve) => { ctx.timers.setTimeout(resolve, 0); });
}

export function sleep(ctx: SyncContext, ms: number): Promise<void> {
  return new Promise((resolve) => { ctx.timers.setTimeout(resolve, ms); });
}

/** Run `fn` over items with at most `limit` at a time; results in input order. A failure stops new items. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  // Settle every worker before failing: nothing of a failed run may still be writing afterwards.
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return out;
}
