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
 */
import { ulid } from 'ulid';
import { ApiError, createCrmClient } from '../api/client.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { StoppedError, type SyncContext, type Timers } from './context.ts';
import { earlier } from './delivery.ts';
import type { SyncEngineInternals, SyncEngineOptions, SyncReport } from './engine-types.ts';
import { createSenderLock, type SenderLock } from './lock.ts';
import { pullActivities, pullDirectory, refreshActivity } from './pull.ts';
import { resolveConflict } from './conflicts.ts';
import { pushOutbox } from './push.ts';
import { entityIdResolver, pendingEntityOps, pushEntityOutbox } from './entity-push.ts';
import { discardOp, retryOp } from './retry.ts';
import { createStatusStore, syncCounts, type FailedOpInfo, type StatusListener, type SyncStatus } from './status.ts';
import type { ConflictRecord } from './types.ts';

/** setVisible(true) within this long of a poll's start does not poll again. */
const FOCUS_QUIET_MS = 15_000;

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * 'edit': the debounced run after a local change (a quick incremental pull, then the push).
 * 'poll': a scheduled run (timer, focus, resume, reconnect): the cheap pull, then the push.
 */
type RunKind = 'push' | 'pull' | 'sync' | 'edit' | 'poll';

/** Two runs asked for while one is queued become one that does what both would. */
function mergeKinds(a: RunKind, b: RunKind): RunKind {
  if (a === b) return a;
  return a === 'sync' || b === 'sync' || a === 'pull' || b === 'pull' ? 'sync' : 'poll';
}

export function createSyncEngine(opts: SyncEngineOptions): SyncEngineInternals {
  const { db } = opts;
  const timers = opts.timers ?? defaultTimers;
  const now = opts.now ?? (() => Date.now());
  const newId = opts.newId ?? (() => ulid());
  const client = opts.client ?? createCrmClient(opts.transport, { timeoutMs: opts.requestTimeoutMs ?? 30_000, now });
  const status = createStatusStore();
  const lock: SenderLock = createSenderLock(opts.lockName ?? 'fieldbook-sync');
  let stopped = false;
  let started = false;
  let current: Promise<SyncReport> | null = null;
  let next: { kind: RunKind; promise: Promise<SyncReport> } | null = null;
  let debounce: unknown = null;
  let tick: unknown = null;
  let statusTimer: unknown = null;
  /** Pushes when the earliest undo window (hold_until) of a queued op ends. */
  let holdTimer: unknown = null;
  let visible = true;
  /** Consecutive polls that changed nothing (the backoff exponent). */
  let quiet = 0;
  let lastPollAt: number | null = null;
  /** The next poll was started by the interval timer (only those count as quiet). */
  let timerFired = false;

  const ctx: SyncContext = {
    db, client, now, random: opts.random ?? Math.random, newId, timers,
    concurrency: opts.concurrency ?? 6,
    pageSize: opts.pageSize ?? 100,
    maxAttempts: opts.maxAttempts ?? 10,
    leaseMs: opts.leaseMs ?? 2 * (opts.requestTimeoutMs ?? 30_000),
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    currentUserId: opts.currentUserId,
    alive: () => !stopped,
    maxInRunWaitMs: opts.maxInRunWaitMs ?? 30_000,
  };

  // ------------------------------------------------------------------ runs
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

  async function run(kind: RunKind): Promise<SyncReport> {
    const report: SyncReport = { push: null, pull: null, error: null };
    let entityRetryAt: number | null = null;
    let entityHoldAt: number | null = null;
    if (stopped) return { ...report, skipped: 'stopped' };
    if (!status.get().online) return { ...report, skipped: 'offline' };
    if (status.get().authRequired) return { ...report, skipped: 'auth' };
    return lock.run(async (exclusive) => {
      if (stopped) return { ...report, skipped: 'stopped' };
      status.set({ syncing: true });
      try {
        // A sync pulls before it pushes: what changed on the server while the rep was offline is
        // merged three-way into the queued changes first (the same field changed on both sides
        // becomes a conflict the rep resolves) instead of being overwritten by a blind push. The
        // debounced run after a local edit looks too, where that is cheap: one incremental page
        // (updated_since) of what changed since the last pull; without that extension it pushes
        // on the last pull's rebase.
        //
        // A pull that fails (anything but 401) does not hold the push back: the queue is pushed
        // on the last pull's rebase, as the 'edit' run does without updated_since. Otherwise one
        // unreadable record or a flaky list would stop every later push.
        let pullError: unknown = null;
        const timed = timerFired;
        timerFired = false;
        try {
          if (kind === 'poll') lastPollAt = now();
          if (kind === 'sync' || kind === 'pull') report.pull = await pullActivities(ctx, opts.pull);
          if (kind === 'poll') report.pull = await pullActivities(ctx, { ...opts.pull, poll: true });
          if (kind === 'edit') report.pull = await pullActivities(ctx, { ...opts.pull, followEntities: false, incrementalOnly: true });
        } catch (e) {
          if (e instanceof StoppedError || (e instanceof ApiError && e.kind === 'auth')) throw e;
          pullError = e;
        }
        // After a pull, push what is queued (including changes made while we pulled).
        if (kind !== 'pull' || (await db.outbox.where('state').equals('queued').count()) > 0 || (await pendingEntityOps(db)) > 0) {
          const entities = await pushEntityOutbox(ctx, exclusive);
          entityRetryAt = entities.nextRetryAt;
          entityHoldAt = entities.nextHoldAt;
          report.push = await pushOutbox(ctx, exclusive, scheduleStatusRefresh, await entityIdResolver(db));
          if (report.push.authRequired) throw new ApiError(401, 'auth', 'Sign in again to keep syncing.');
        }
        if (pullError !== null) {
          report.error = pullError instanceof Error ? pullError.message : 'The pull failed.';
          status.set({ lastError: report.error });
        } else if ((kind !== 'push' && kind !== 'edit') || report.push?.failed === 0) status.set({ lastSyncedAt: now(), lastError: null });
        const p = report.pull;
        const changed = (p !== null && p.inserted + p.replaced + p.rebased + p.conflicts + p.deleted > 0) || (report.push?.requests ?? 0) > 0;
        if (changed || kind === 'edit' || kind === 'push') quiet = 0;
        else if (kind === 'poll' && timed && pullError === null) quiet++;
      } catch (e) {
        if (e instanceof StoppedError) return { ...report, skipped: 'stopped' as const };
        const auth = e instanceof ApiError && e.kind === 'auth';
        if (auth) status.set({ authRequired: true });
        report.error = auth ? 'Sign in again to keep syncing.' : e instanceof Error ? e.message : String(e);
        status.set({ lastError: report.error });
        if (!(e instanceof ApiError)) throw e;
      } finally {
        status.set({ syncing: false });
        if (!stopped) {
          await refreshStatus();
          // The next retry either outbox is waiting for (an entity change too has its own backoff).
          const retries = [report.push?.nextRetryAt ?? null, entityRetryAt].filter((t): t is number => t !== null);
          armTimer(retries.length ? Math.min(...retries) : null);
          if (report.push) armHold(earlier(report.push.nextHoldAt, entityHoldAt));
        }
        opts.onRun?.(kind, report);
      }
      return report;
    });
  }

  function armTimer(retryAt: number | null): void {
    if (stopped || !started) return;
    if (tick !== null) timers.clearTimeout(tick);
    tick = null;
    const base = opts.intervalMs ?? 60_000;
    const cap = visible ? (opts.idleBackoff?.visible ?? 4) : (opts.idleBackoff?.hidden ?? 15);
    const interval = base * Math.min(cap, 2 ** Math.min(quiet, 16));
    const delays: number[] = [];
    if (interval > 0) delays.push(interval);
    if (retryAt !== null) delays.push(Math.max(0, retryAt - now()));
    if (!delays.length || !status.get().online) return;
    tick = timers.setTimeout(() => { tick = null; timerFired = true; void schedule('poll').catch(reportError); }, Math.min(...delays));
  }

  /** A push when the earliest hold ends (a push only: the CRM is not polled for it). */
  function armHold(at: number | null): void {
    if (holdTimer !== null) timers.clearTimeout(holdTimer);
    holdTimer = null;
    if (stopped || !started || at === null) return;
    holdTimer = timers.setTimeout(() => { holdTimer = null; void schedule('push').catch(reportError); }, Math.max(0, at - now()));
  }

  function reportError(e: unknown): void {
    status.set({ lastError: e instanceof Error ? e.message : String(e) });
  }

  // ------------------------------------------------------------------ status
  function scheduleStatusRefresh(): void {
    if (statusTimer !== null || stopped) return;
    statusTimer = timers.setTimeout(() => { statusTimer = null; void refreshStatus().catch(reportError); }, 200);
  }

  async function refreshStatus(): Promise<void> {
    if (stopped) return;
    const [counts, bad, conflicts] = await Promise.all([
      syncCounts(db),
      db.outbox.where('state').anyOf('failed', 'blocked').toArray(),
      db.conflicts.toArray(),
    ]);
    const failed: FailedOpInfo[] = bad.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)).map((o) => ({
      op_id: o.op_id, lid: o.lid, kind: o.kind, state: o.state as 'failed' | 'blocked', message: o.last_error,
      status: o.last_status ?? null, attempts: o.attempts, stuck: o.state === 'failed' && o.attempts >= ctx.maxAttempts,
    }));
    status.set({ pending: counts.pending, failed, conflicts });
  }

  // ------------------------------------------------------------------ rep decisions (retry.ts, conflicts.ts)
  /** A rep decision changed the outbox: show it and push it. */
  async function decided(decision: Promise<void>): Promise<void> {
    await decision;
    await refreshStatus();
    notifyLocalChange();
  }

  // ------------------------------------------------------------------ public surface
  function notifyLocalChange(): void {
    if (stopped) return;
    quiet = 0;
    scheduleStatusRefresh();
    if (debounce !== null) timers.clearTimeout(debounce);
    debounce = timers.setTimeout(() => { debounce = null; void schedule('edit').catch(reportError); }, opts.debounceMs ?? 2_000);
  }

  return {
    client,
    start() {
      if (stopped || started) return;
      started = true;
      void refreshStatus().catch(reportError);
      void schedule('poll').catch(reportError);
    },
    async stop() {
      stopped = true;
      for (const h of [debounce, tick, statusTimer, holdTimer]) if (h !== null) timers.clearTimeout(h);
      debounce = tick = statusTimer = holdTimer = null;
      await Promise.allSettled([current, next?.promise]);
    },
    syncNow: () => schedule('sync'),
    push: () => schedule('push'),
    pull: (pullOpts) => {
      if (!pullOpts) return schedule('pull');
      return lock.run(async () => ({ push: null, pull: await pullActivities(ctx, { ...opts.pull, ...pullOpts }), error: null }));
    },
    notifyLocalChange,
    setOnline(online) {
      status.set({ online });
      if (online) { quiet = 0; void schedule('poll').catch(reportError); }
      else if (tick !== null) { timers.clearTimeout(tick); tick = null; }
    },
    resume() {
      quiet = 0;
      void schedule('poll').catch(reportError);
    },
    setVisible(shown) {
      const was = visible;
      visible = shown;
      if (!shown || stopped || !started) return;
      quiet = 0;
      // Focus comes often (every switch back to the window): poll at once when the window was
      // hidden, or when the last poll began more than FOCUS_QUIET_MS ago.
      if (!was || lastPollAt === null || now() - lastPollAt >= FOCUS_QUIET_MS) void schedule('poll').catch(reportError);
      else armTimer(null);
    },
    async refreshActivity(lid) {
      if (stopped || !status.get().online || status.get().authRequired) return 'skipped';
      try {
        return await lock.run(() => refreshActivity(ctx, lid));
      } catch (e) {
        if (e instanceof StoppedError) return 'skipped';
        if (e instanceof ApiError && e.kind === 'auth') status.set({ authRequired: true, lastError: 'Sign in again to keep syncing.' });
        // Offline or the CRM did not answer: the row stays as it is, the next poll tries again.
        if (e instanceof ApiError) return 'skipped';
        throw e;
      }
    },
    async whenIdle() {
      while (current || next) await Promise.allSettled([current, next?.promise]);
    },
    authRestored() {
      status.set({ authRequired: false, lastError: null });
      void schedule('poll').catch(reportError);
    },
    getStatus: () => status.get(),
    subscribe: (listener) => status.subscribe(listener),
    retryOp: (opId, newPayload) => decided(retryOp(ctx, opId, newPayload)),
    discardOp: (opId) => decided(discardOp(ctx, opId)),
    resolveConflict: (id, choice) => decided(resolveConflict(ctx, id, choice)),
    pullDirectory: () => lock.run(() => pullDirectory(ctx)),
    async whoAmI() {
      const ext = client.extensions();
      if (ext.seen && !ext.me) return null;
      try {
        const me = await client.me();
        await db.sync_meta.put({ key: 'me', value: me });
        return me;
      } catch (e) {
        if (e instanceof ApiError && (e.kind === 'not_found' || e.kind === 'rejected')) return null;
        throw e;
      }
    },
  };
}

export type { ConflictRecord, SyncStatus, StatusListener };
export type { ConflictChoice, SyncEngine, SyncEngineInternals, SyncEngineOptions, SyncReport } from './engine-types.ts';
