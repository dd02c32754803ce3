/**
 * One run of the engine: under the sender lock, the pull its kind asks for, then the push of
 * what is queued, then the status, the next poll and the next hold. The queue (engine-queue.ts)
 * decides when a run starts; this decides what it does.
 */
import { ApiError } from '../api/client.ts';
import { StoppedError } from './context.ts';
import { earlier } from './delivery.ts';
import type { EngineCore, RunKind } from './engine-core.ts';
import { refreshStatus, scheduleStatusRefresh } from './engine-status.ts';
import { armHold, armTimer } from './engine-timers.ts';
import type { SyncReport } from './engine-types.ts';
import { entityIdResolver, pendingEntityOps, pushEntityOutbox } from './entity-push.ts';
import { pullActivities } from './pull.ts';
import { pushOutbox } from './push.ts';

/** When the entity outbox retries next and when its earliest hold ends (the activity outbox's are in report.push). */
interface EntityTimes { retryAt: number | null; holdAt: number | null }

export async function runEngine(core: EngineCore, kind: RunKind): Promise<SyncReport> {
  const report: SyncReport = { push: null, pull: null, error: null };
  const entity: EntityTimes = { retryAt: null, holdAt: null };
  const { status } = core;
  if (core.stopped) return { ...report, skipped: 'stopped' };
  if (!status.get().online) return { ...report, skipped: 'offline' };
  if (status.get().authRequired) return { ...report, skipped: 'auth' };
  return core.lock.run(async (exclusive) => {
    if (core.stopped) return { ...report, skipped: 'stopped' };
    status.set({ syncing: true });
    try {
      const timed = core.timerFired;
      core.timerFired = false;
      const pullError = await pullStep(core, kind, report);
      await pushStep(core, kind, report, entity, exclusive);
      if (pullError !== null) {
        report.error = pullError instanceof Error ? pullError.message : 'The pull failed.';
        status.set({ lastError: report.error });
      } else if ((kind !== 'push' && kind !== 'edit') || report.push?.failed === 0) status.set({ lastSyncedAt: core.now(), lastError: null });
      const p = report.pull;
      const changed = (p !== null && p.inserted + p.replaced + p.rebased + p.conflicts + p.deleted > 0) || (report.push?.requests ?? 0) > 0;
      if (changed || kind === 'edit' || kind === 'push') core.quiet = 0;
      else if (kind === 'poll' && timed && pullError === null) core.quiet++;
    } catch (e) {
      if (e instanceof StoppedError) return { ...report, skipped: 'stopped' as const };
      const auth = e instanceof ApiError && e.kind === 'auth';
      if (auth) status.set({ authRequired: true });
      report.error = auth ? 'Sign in again to keep syncing.' : e instanceof Error ? e.message : String(e);
      status.set({ lastError: report.error });
      if (!(e instanceof ApiError)) throw e;
    } finally {
      status.set({ syncing: false });
      if (!core.stopped) await afterRun(core, report, entity);
      core.opts.onRun?.(kind, report);
    }
    return report;
  });
}

/**
 * A sync pulls before it pushes: what changed on the server while the rep was offline is merged
 * three-way into the queued changes first (the same field changed on both sides becomes a
 * conflict the rep resolves) instead of being overwritten by a blind push. The debounced run
 * after a local edit looks too, where that is cheap: one incremental page (updated_since) of what
 * changed since the last pull; without that extension it pushes on the last pull's rebase.
 *
 * A pull that fails (anything but 401) does not hold the push back: it is returned, and the queue
 * is pushed on the last pull's rebase, as the 'edit' run does without updated_since. Otherwise one
 * unreadable record or a flaky list would stop every later push.
 */
async function pullStep(core: EngineCore, kind: RunKind, report: SyncReport): Promise<unknown> {
  const { ctx, opts } = core;
  try {
    if (kind === 'poll') core.lastPollAt = core.now();
    if (kind === 'sync' || kind === 'pull') report.pull = await pullActivities(ctx, opts.pull);
    if (kind === 'poll') report.pull = await pullActivities(ctx, { ...opts.pull, poll: true });
    if (kind === 'edit') report.pull = await pullActivities(ctx, { ...opts.pull, followEntities: false, incrementalOnly: true });
  } catch (e) {
    if (e instanceof StoppedError || (e instanceof ApiError && e.kind === 'auth')) throw e;
    return e;
  }
  return null;
}

/** After a pull, push what is queued (including changes made while we pulled): record ops, then activity ops. */
async function pushStep(core: EngineCore, kind: RunKind, report: SyncReport, entity: EntityTimes, exclusive: boolean): Promise<void> {
  const { ctx } = core;
  const { db } = ctx;
  if (kind === 'pull' && (await db.outbox.where('state').equals('queued').count()) === 0 && (await pendingEntityOps(db)) === 0) return;
  const entities = await pushEntityOutbox(ctx, exclusive);
  entity.retryAt = entities.nextRetryAt;
  entity.holdAt = entities.nextHoldAt;
  report.push = await pushOutbox(ctx, exclusive, () => scheduleStatusRefresh(core), await entityIdResolver(db));
  if (report.push.authRequired) throw new ApiError(401, 'auth', 'Sign in again to keep syncing.');
}

/** The status, then the next poll (or the next retry either outbox is waiting for) and the next hold's push. */
async function afterRun(core: EngineCore, report: SyncReport, entity: EntityTimes): Promise<void> {
  await refreshStatus(core);
  const retries = [report.push?.nextRetryAt ?? null, entity.retryAt].filter((t): t is number => t !== null);
  armTimer(core, retries.length ? Math.min(...retries) : null);
  if (report.push) armHold(core, earlier(report.push.nextHoldAt, entity.holdAt));
}
