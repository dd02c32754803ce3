/**
 * The run queue: one run at a time per engine; while one runs, at most one more waits, and
 * what is asked for meanwhile is merged into it (mergeKinds).
 */
import type { RunKind } from './engine-core.ts';
import type { SyncReport } from './engine-types.ts';

/** Two runs asked for while one is queued become one that does what both would. */
export function mergeKinds(a: RunKind, b: RunKind): RunKind {
  if (a === b) return a;
  return a === 'sync' || b === 'sync' || a === 'pull' || b === 'pull' ? 'sync' : 'poll';
}

export interface RunQueue {
  schedule(kind: RunKind): Promise<SyncReport>;
  /** The running and the waiting run, if any. */
  pending(): Promise<SyncReport>[];
}

export function createRunQueue(run: (kind: RunKind) => Promise<SyncReport>): RunQueue {
  let current: Promise<SyncReport> | null = null;
  let next: { kind: RunKind; promise: Promise<SyncReport> } | null = null;

  function schedule(kind: RunKind): Promise<SyncReport> {
    if (!current) {
      current = run(kind).finally(() => { current = null; });
      return current;
    }
    if (next) {
      next.kind = mergeKinds(next.kind, kind);
      return next.promise;
    }
    const pending = { kind, promise: null as unknown as Promise<SyncReport> };
    pending.promise = current.catch(() => undefined).then(() => {
      next = null;
      return schedule(pending.kind);
    });
    next = pending;
    return pending.promise;
  }

  return {
    schedule,
    pending: () => [current, next?.promise].filter((p): p is Promise<SyncReport> => !!p),
  };
}
