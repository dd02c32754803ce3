/**
 * The sync engine: schedules push and pull and exposes an observable status; the rep's decisions
 * on failed ops and conflicts are carried out by retry.ts and conflicts.ts. Framework-free and
 * DOM-free, so it can run in a dedicated worker next to Dexie; the UI subscribes to its status and
 * reads data via liveQuery.
 *
 * Triggers: start(), setOnline(true) (reconnect), resume(), setVisible(true) (focus),
 * notifyLocalChange() (debounced), a timer while online, and syncNow(). One run at a time per
 * engine; one sender across windows via the sender lock (Web Locks where present).
 *
 * Cadence (the CRM's operators count requests; see pull.ts "Cost to the CRM"): the timer, focus,
 * resume and reconnect run a poll (the hot scope, the full reconcile when its cadence is due).
 * Polls that change nothing back off: the interval doubles up to 4× while the window is visible
 * and 15× while hidden; any change, local edit, focus, resume or reconnect resets it, and the
 * last three run a poll at once. syncNow() and pull() keep their full meaning.
 *
 * Files with one job beside this one: engine-core.ts (the state the parts share), engine-queue.ts
 * (one run at a time, the next merged), engine-run.ts (what one run does), engine-timers.ts (the
 * poll interval and its backoff, holds, the edit debounce), engine-status.ts (the status refresh).
 * This file fills in the defaults and wraps them as the public methods.
 */
import { ulid } from 'ulid';
import { ApiError, createCrmClient } from '../api/client.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { StoppedError, type SyncContext, type Timers } from './context.ts';
import { fire, reportError, type EngineCore } from './engine-core.ts';
import { createRunQueue } from './engine-queue.ts';
import { runEngine } from './engine-run.ts';
import { refreshStatus } from './engine-status.ts';
import { armTimer, clearTick, notifyLocalChange, stopTimers } from './engine-timers.ts';
import type { SyncEngineInternals, SyncEngineOptions } from './engine-types.ts';
import { createSenderLock } from './lock.ts';
import { pullActivities, pullDirectory, refreshActivity } from './pull.ts';
import { resolveConflict } from './conflicts.ts';
import { discardOp, retryOp } from './retry.ts';
import { createStatusStore, type StatusListener, type SyncStatus } from './status.ts';
import type { ConflictRecord } from './types.ts';

/** setVisible(true) within this long of a poll's start does not poll again. */
const FOCUS_QUIET_MS = 15_000;

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The engine's state with its defaults filled in: the context every sync step gets, the status, the lock. */
function createCore(opts: SyncEngineOptions): EngineCore {
  const timers = opts.timers ?? defaultTimers;
  const now = opts.now ?? (() => Date.now());
  const client = opts.client ?? createCrmClient(opts.transport, { timeoutMs: opts.requestTimeoutMs ?? 30_000, now });
  const ctx: SyncContext = {
    db: opts.db, client, now, random: opts.random ?? Math.random, newId: opts.newId ?? (() => ulid()), timers,
    concurrency: opts.concurrency ?? 6,
    pageSize: opts.pageSize ?? 100,
    maxAttempts: opts.maxAttempts ?? 10,
    leaseMs: opts.leaseMs ?? 2 * (opts.requestTimeoutMs ?? 30_000),
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    currentUserId: opts.currentUserId,
    alive: () => !core.stopped,
    maxInRunWaitMs: opts.maxInRunWaitMs ?? 30_000,
  };
  const core: EngineCore = {
    opts, ctx, client, timers, now,
    status: createStatusStore(),
    lock: createSenderLock(opts.lockName ?? 'fieldbook-sync'),
    schedule: () => Promise.reject(new Error('The run queue is not made yet.')),
    stopped: false, started: false, visible: true, quiet: 0, lastPollAt: null, timerFired: false,
    handles: { debounce: null, tick: null, statusTimer: null, holdTimer: null },
  };
  return core;
}

/** A rep decision (retry.ts, conflicts.ts) changed the outbox: show it and push it. */
async function decided(core: EngineCore, decision: Promise<void>): Promise<void> {
  await decision;
  await refreshStatus(core);
  notifyLocalChange(core);
}

/** Pull one activity now (the detail opened); offline, signed out or no answer: 'skipped'. */
async function refreshOne(core: EngineCore, lid: string): ReturnType<SyncEngineInternals['refreshActivity']> {
  const { status } = core;
  if (core.stopped || !status.get().online || status.get().authRequired) return 'skipped';
  try {
    return await core.lock.run(() => refreshActivity(core.ctx, lid));
  } catch (e) {
    if (e instanceof StoppedError) return 'skipped';
    if (e instanceof ApiError && e.kind === 'auth') status.set({ authRequired: true, lastError: 'Sign in again to keep syncing.' });
    // Offline or the CRM did not answer: the row stays as it is, the next poll tries again.
    if (e instanceof ApiError) return 'skipped';
    throw e;
  }
}

/** Who the rep is (GET /me), kept in sync_meta; null where the CRM has no /me. */
async function whoAmI(core: EngineCore): ReturnType<SyncEngineInternals['whoAmI']> {
  const ext = core.client.extensions();
  if (ext.seen && !ext.me) return null;
  try {
    const me = await core.client.me();
    await core.ctx.db.sync_meta.put({ key: 'me', value: me });
    return me;
  } catch (e) {
    if (e instanceof ApiError && (e.kind === 'not_found' || e.kind === 'rejected')) return null;
    throw e;
  }
}

/** The engine's public surface: each method is a trigger, a query or a wrapped step (the jobs are in engine-*.ts). */
export function createSyncEngine(opts: SyncEngineOptions): SyncEngineInternals {
  const core = createCore(opts);
  const { status, lock, ctx } = core;
  const queue = createRunQueue((kind) => runEngine(core, kind));
  core.schedule = (kind) => queue.schedule(kind);

  return {
    client: core.client,
    start() {
      if (core.stopped || core.started) return;
      core.started = true;
      void refreshStatus(core).catch((e: unknown) => reportError(core, e));
      fire(core, 'poll');
    },
    async stop() {
      core.stopped = true;
      stopTimers(core);
      await Promise.allSettled(queue.pending());
    },
    syncNow: () => core.schedule('sync'),
    push: () => core.schedule('push'),
    pull: (pullOpts) => {
      if (!pullOpts) return core.schedule('pull');
      return lock.run(async () => ({ push: null, pull: await pullActivities(ctx, { ...opts.pull, ...pullOpts }), error: null }));
    },
    notifyLocalChange: () => notifyLocalChange(core),
    setOnline(online) {
      status.set({ online });
      if (online) { core.quiet = 0; fire(core, 'poll'); }
      else clearTick(core);
    },
    resume() {
      core.quiet = 0;
      fire(core, 'poll');
    },
    setVisible(shown) {
      const was = core.visible;
      core.visible = shown;
      if (!shown || core.stopped || !core.started) return;
      core.quiet = 0;
      // Focus comes often (every switch back to the window): poll at once when the window was
      // hidden, or when the last poll began more than FOCUS_QUIET_MS ago.
      if (!was || core.lastPollAt === null || core.now() - core.lastPollAt >= FOCUS_QUIET_MS) fire(core, 'poll');
      else armTimer(core, null);
    },
    refreshActivity: (lid) => refreshOne(core, lid),
    async whenIdle() {
      for (let p = queue.pending(); p.length; p = queue.pending()) await Promise.allSettled(p);
    },
    authRestored() {
      status.set({ authRequired: false, lastError: null });
      fire(core, 'poll');
    },
    getStatus: () => status.get(),
    subscribe: (listener) => status.subscribe(listener),
    retryOp: (opId, newPayload) => decided(core, retryOp(ctx, opId, newPayload)),
    discardOp: (opId) => decided(core, discardOp(ctx, opId)),
    resolveConflict: (id, choice) => decided(core, resolveConflict(ctx, id, choice)),
    pullDirectory: () => lock.run(() => pullDirectory(ctx)),
    whoAmI: () => whoAmI(core),
  };
}

export type { ConflictRecord, SyncStatus, StatusListener };
export type { ConflictChoice, SyncEngine, SyncEngineInternals, SyncEngineOptions, SyncReport } from './engine-types.ts';
