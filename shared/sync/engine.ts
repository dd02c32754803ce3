/**
 * The sync engine: schedules push and pull, exposes an observable status, and carries out the
 * rep's decisions on failed ops and conflicts. Framework-free and DOM-free, so it can run in a
 * dedicated worker next to Dexie; the UI subscribes to its status and reads data via liveQuery.
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
import { wasRefused } from '../api/status.ts';
import {
  applyOp, applyUpdate, createActivitySchema, isChangeKind, NOTES_FIELDS, permission,
  updateActivitySchema, validate, type Activity, type CreateActivityInput,
} from '../domain/index.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { StoppedError, type SyncContext, type Timers } from './context.ts';
import { earlier } from './delivery.ts';
import type { ConflictChoice, SyncEngineInternals, SyncEngineOptions, SyncReport } from './engine-types.ts';
import { createSenderLock, type SenderLock } from './lock.ts';
import { STATUS_FAMILY, writeField, pickMergeable } from './merge.ts';
import { pullActivities, pullDirectory, refreshActivity } from './pull.ts';
import { CLIENT_MARKER, opsOf, pushOutbox } from './push.ts';
import { entityIdResolver, pendingEntityOps, pushEntityOutbox } from './entity-push.ts';
import { fromLocalRow, reindexed } from './rows.ts';
import { createStatusStore, syncCounts, type FailedOpInfo, type StatusListener, type SyncStatus } from './status.ts';
import type { ConflictRecord, LocalActivity, OpKind, OutboxOp } from './types.ts';

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

/** Fields an op of each kind sets (for conflict resolution: which ops carry a field). */
const OP_FIELDS: Record<Exclude<OpKind, 'update' | 'create' | 'delete'>, readonly string[]> = {
  complete: ['status', 'completed_at', 'outcome', 'duration_minutes', 'follow_up_required', 'follow_up_date', 'tags'],
  cancel: ['status', 'cancelled_at', 'cancellation_reason'],
  reschedule: ['due_at', 'previous_due_at', 'rescheduled_count', 'reminder_at', 'priority', 'status'],
};

function opCovers(op: OutboxOp, field: string): boolean {
  const top = field.startsWith('custom_fields.') ? 'custom_fields' : field;
  if (op.kind === 'create') return true;
  if (op.kind === 'update') return top in op.payload;
  if (op.kind === 'delete') return false;
  return OP_FIELDS[op.kind].includes(top);
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

  // ------------------------------------------------------------------ rep decisions
  async function retryOp(opId: string, newPayload?: Record<string, unknown>): Promise<void> {
    await db.transaction('rw', db.outbox, db.activities, async () => {
      const op = await db.outbox.where('op_id').equals(opId).first();
      if (!op) throw new Error('That change is no longer waiting to be sent.');
      let payload = op.payload;
      if (newPayload) {
        payload = checkPayload(op.kind, newPayload);
        const row = await db.activities.get(op.lid);
        if (row && op.kind === 'update') {
          const next = applyUpdate(fromLocalRow(row), payload, row.updated_at);
          await db.activities.put(withFields(row, next));
        }
      }
      // An edited payload is a different request: it needs its own Idempotency-Key (op_id). So is
      // a retry of a change the CRM refused: its answer means nothing was applied, the rep retries
      // because something changed (the related record exists now), and a server that keeps its
      // answers per key would only replay the refusal.
      const newOpId = newPayload || wasRefused(op.last_status) ? newId() : op.op_id;
      await db.outbox.put({ ...op, op_id: newOpId, payload, state: 'queued', attempts: 0, next_attempt_at: now(), last_error: null, last_status: null });
      for (const l of op.child_lid ? [op.lid, op.child_lid] : [op.lid]) {
        for (const o of await opsOf(ctx, l)) if (o.state === 'blocked') await db.outbox.update(o.seq, { state: 'queued' });
        await db.activities.update(l, { sync: 'pending' });
      }
    });
    await refreshStatus();
    notifyLocalChange();
  }

  async function discardOp(opId: string): Promise<void> {
    await db.transaction('rw', db.outbox, db.activities, db.conflicts, async () => {
      const op = await db.outbox.where('op_id').equals(opId).first();
      if (!op) return;
      if (op.state === 'inflight') throw new Error('That change is being sent right now; try again in a moment.');
      const row = await db.activities.get(op.lid);
      if (op.kind === 'create' || !row?.base) {
        // The record never reached the server: discarding its create discards the activity.
        await db.outbox.where('lid').equals(op.lid).delete();
        await db.activities.delete(op.lid);
        await db.conflicts.where('lid').equals(op.lid).delete();
        return;
      }
      await db.outbox.delete(op.seq);
      const rest = await opsOf(ctx, op.lid);
      for (const o of rest) if (o.state === 'blocked') await db.outbox.update(o.seq, { state: 'queued' });
      // The local view becomes the server snapshot with the remaining intents replayed on it.
      const replayed = replay(row.base, rest);
      await db.activities.put({
        ...withFields(row, replayed), deleted: rest.some((o) => o.kind === 'delete') ? 1 : 0,
        sync: row.sync === 'conflict' ? 'conflict' : rest.length ? 'pending' : 'synced',
      });
    });
    await refreshStatus();
    notifyLocalChange();
  }

  async function resolveConflict(id: string, choice: ConflictChoice): Promise<void> {
    await db.transaction('rw', db.outbox, db.activities, db.conflicts, async () => {
      const c = await db.conflicts.get(id);
      if (!c) throw new Error('That conflict is already resolved.');
      const row = await db.activities.get(c.lid);
      if (!row) { await db.conflicts.delete(id); return; }
      const ops = await opsOf(ctx, c.lid);
      const unsent = ops.filter((o) => !o.maybe_sent && o.state !== 'inflight');
      let nextRow: LocalActivity = row;

      if (c.kind === 'deleted_remote') {
        if (choice === 'theirs') {
          await db.outbox.bulkDelete(ops.map((o) => o.seq as number));
          await db.activities.delete(row.lid);
          await db.conflicts.where('lid').equals(row.lid).delete();
          return;
        }
        // Keep mine: the server has no record any more, so it is created again from what the rep has.
        await db.outbox.bulkDelete(ops.map((o) => o.seq as number));
        const input = createInputFrom(row, typeof choice === 'object' ? choice.value : undefined);
        await db.outbox.add(newOp('create', row, input));
        nextRow = { ...row, server_id: null, base: null, deleted: 0 };
      } else if (c.kind === 'status') {
        if (typeof choice === 'object') throw new Error('A status clash is settled by keeping yours or taking theirs.');
        if (choice === 'theirs' && row.base) {
          const base = row.base;
          // Fields the server's status no longer takes (a completed one takes notes only) go with the status.
          const update = permission(base.status, 'update');
          const keeps = (f: string) => f !== 'status' && (update === 'yes' || (update === 'notes_only' && (NOTES_FIELDS as readonly string[]).includes(f)));
          for (const o of unsent) {
            if (o.kind === 'complete' || o.kind === 'cancel' || o.kind === 'reschedule') await db.outbox.delete(o.seq);
            else if (o.kind === 'update') {
              const dropped = Object.keys(o.payload).filter((f) => !keeps(f));
              if (dropped.length === 0) continue;
              for (const f of dropped) if (f !== 'status' && f in base) nextRow = { ...nextRow, [f]: base[f as keyof Activity] };
              const payload = Object.fromEntries(Object.entries(o.payload).filter(([f]) => keeps(f)));
              if (Object.keys(payload).length === 0) await db.outbox.delete(o.seq);
              else await db.outbox.update(o.seq, { payload, state: 'queued', last_error: null, last_status: null });
            }
          }
          for (const f of STATUS_FAMILY) nextRow = { ...nextRow, [f]: base[f] };
        }
      } else {
        const field = c.field;
        if (choice === 'theirs') {
          nextRow = writeField(row, field, c.remote);
          for (const o of unsent) {
            if (!opCovers(o, field) || o.kind === 'create') continue;
            if (o.kind === 'update') await stripPayload(o, field.startsWith('custom_fields.') ? 'custom_fields' : field, nextRow);
            else await db.outbox.delete(o.seq);
          }
        } else {
          const value = choice === 'mine' ? c.local : choice.value;
          nextRow = writeField(row, field, value);
          const top = field.startsWith('custom_fields.') ? 'custom_fields' : field;
          const patch = { [top]: (nextRow as unknown as Record<string, unknown>)[top] };
          const carrier = [...unsent].reverse().find((o) => opCovers(o, field));
          if (choice === 'mine' && carrier) {
            // The queued op already carries the rep's value.
          } else if (carrier?.kind === 'update' || carrier?.kind === 'create') {
            await db.outbox.update(carrier.seq, { payload: { ...carrier.payload, ...checkPayload(carrier.kind, { ...carrier.payload, ...patch }) } });
          } else {
            await db.outbox.add(newOp('update', row, checkPayload('update', patch)));
          }
        }
      }
      await db.conflicts.delete(id);
      const left = await db.conflicts.where('lid').equals(c.lid).count();
      const remaining = await db.outbox.where('lid').equals(c.lid).count();
      await db.activities.put({
        ...reindexed(nextRow),
        sync: left ? 'conflict' : remaining ? 'pending' : 'synced',
      });
    });
    await refreshStatus();
    notifyLocalChange();
  }

  async function stripPayload(o: OutboxOp, key: string, row?: LocalActivity): Promise<void> {
    const payload = { ...o.payload };
    if (key === 'custom_fields' && row) payload.custom_fields = row.custom_fields; else delete payload[key];
    if (Object.keys(payload).length === 0) await db.outbox.delete(o.seq);
    else await db.outbox.update(o.seq, { payload });
  }

  function newOp(kind: OpKind, row: LocalActivity, payload: Record<string, unknown>): OutboxOp {
    const at = now();
    return { op_id: newId(), lid: row.lid, kind, payload, base: row.base, attempts: 0, next_attempt_at: at, last_error: null, state: 'queued', created_at: at };
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
    retryOp,
    discardOp,
    resolveConflict,
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

/** Validate a new payload for an op kind with the domain schema; throws a readable error. */
function checkPayload(kind: OpKind, payload: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'create' || kind === 'update') {
    const r = validate(kind === 'create' ? createActivitySchema : updateActivitySchema, payload);
    if (!r.ok) throw new Error(Object.entries(r.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; '));
    return r.value;
  }
  return payload;
}

function withFields(row: LocalActivity, a: Activity): LocalActivity {
  const { id: _id, ...fields } = a;
  return reindexed({ ...row, ...fields });
}

/** The server snapshot with queued intents applied, as the rep would see it. Invalid steps are skipped. */
export function replay(base: Activity, ops: readonly OutboxOp[]): Activity {
  let a = base;
  for (const op of ops) {
    if (!isChangeKind(op.kind)) continue;
    try {
      a = applyOp(a, op.kind, op.payload, a.updated_at);
    } catch {
      // The server refused or would refuse this step; the rest still applies.
    }
  }
  return a;
}

/** A create body carrying what the rep has locally (used when they keep an activity the server deleted). */
function createInputFrom(row: LocalActivity, override: unknown): CreateActivityInput {
  const a = pickMergeable(row);
  const custom = { ...a.custom_fields };
  delete custom[CLIENT_MARKER];
  const input: Record<string, unknown> = {
    type: a.type, subject: a.subject, activityable_type: a.activityable_type, activityable_id: a.activityable_id,
    description: a.description, contact_id: a.contact_id, assigned_user_id: a.assigned_user_id, due_at: a.due_at,
    duration_minutes: a.duration_minutes, priority: a.priority, location: a.location, reminder_at: a.reminder_at,
    follow_up_required: a.follow_up_required, follow_up_date: a.follow_up_date, tags: a.tags, custom_fields: custom,
    is_billable: a.is_billable, billable_rate: a.billable_rate, outcome: a.outcome,
  };
  if (a.status !== 'cancelled') input.status = a.status;
  if (a.status === 'completed' && a.completed_at) input.completed_at = a.completed_at;
  if (override && typeof override === 'object') Object.assign(input, override);
  return checkPayload('create', input) as CreateActivityInput;
}

export type { ConflictRecord, SyncStatus, StatusListener };
export type { ConflictChoice, SyncEngine, SyncEngineInternals, SyncEngineOptions, SyncReport } from './engine-types.ts';
