/**
 * The engine's shared state: what createSyncEngine (engine.ts) builds once and its parts with one
 * job read and change — the run queue (engine-queue.ts), one run (engine-run.ts), the timers and
 * holds (engine-timers.ts) and the status refresh (engine-status.ts). Nothing here runs by itself.
 */
import type { CrmClient } from '../api/client.ts';
import type { SyncContext, Timers } from './context.ts';
import type { SyncEngineOptions, SyncReport } from './engine-types.ts';
import type { SenderLock } from './lock.ts';
import type { StatusStore } from './status.ts';

/**
 * 'edit': the debounced run after a local change (a quick incremental pull, then the push).
 * 'poll': a scheduled run (timer, focus, resume, reconnect): the cheap pull, then the push.
 */
export type RunKind = 'push' | 'pull' | 'sync' | 'edit' | 'poll';

export interface EngineCore {
  opts: SyncEngineOptions;
  ctx: SyncContext;
  client: CrmClient;
  timers: Timers;
  now: () => number;
  status: StatusStore;
  lock: SenderLock;
  /** Queues a run (engine-queue.ts); set once the queue is made. */
  schedule: (kind: RunKind) => Promise<SyncReport>;
  stopped: boolean;
  started: boolean;
  visible: boolean;
  /** Consecutive polls that changed nothing (the backoff exponent). */
  quiet: number;
  lastPollAt: number | null;
  /** The next poll was started by the interval timer (only those count as quiet). */
  timerFired: boolean;
  /** Timer handles: the debounced edit run, the poll/retry tick, the status refresh, the hold push. */
  handles: { debounce: unknown; tick: unknown; statusTimer: unknown; holdTimer: unknown };
}

/** A failure of a run started by a timer or trigger nobody awaits: shown as the status's last error. */
export function reportError(core: EngineCore, e: unknown): void {
  core.status.set({ lastError: e instanceof Error ? e.message : String(e) });
}

/** Starts a run nobody awaits; its failure is shown, not thrown. */
export function fire(core: EngineCore, kind: RunKind): void {
  void core.schedule(kind).catch((e: unknown) => reportError(core, e));
}
