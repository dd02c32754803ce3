/** The status refresh: counts, refused ops and conflicts read from the store into the status. */
import type { EngineCore } from './engine-core.ts';
import { reportError } from './engine-core.ts';
import { syncCounts, type FailedOpInfo } from './status.ts';

export async function refreshStatus(core: EngineCore): Promise<void> {
  if (core.stopped) return;
  const { db } = core.ctx;
  const [counts, bad, conflicts] = await Promise.all([
    syncCounts(db),
    db.outbox.where('state').anyOf('failed', 'blocked').toArray(),
    db.conflicts.toArray(),
  ]);
  const failed: FailedOpInfo[] = bad.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)).map((o) => ({
    op_id: o.op_id, lid: o.lid, kind: o.kind, state: o.state as 'failed' | 'blocked', message: o.last_error,
    status: o.last_status ?? null, attempts: o.attempts, stuck: o.state === 'failed' && o.attempts >= core.ctx.maxAttempts,
  }));
  core.status.set({ pending: counts.pending, failed, conflicts });
}

/** A refresh soon (200 ms), once however often it is asked for meanwhile. */
export function scheduleStatusRefresh(core: EngineCore): void {
  if (core.handles.statusTimer !== null || core.stopped) return;
  core.handles.statusTimer = core.timers.setTimeout(() => {
    core.handles.statusTimer = null;
    void refreshStatus(core).catch((e: unknown) => reportError(core, e));
  }, 200);
}
