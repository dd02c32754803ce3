/** Connection, last sync, pending changes, and every failed op and conflict with its way out. */
import { useEffect, useState } from 'react';
import { formatDistanceToNowStrict } from 'date-fns';
import { ACTIVITY_STATUS_LABELS, isKnownStatus } from '#shared/domain/index';
import type { DurableStorage } from '#shared/ipc/platform';
import type { ConflictRecord, OutboxOp } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { useSyncIssues } from '../../data/activities.ts';
import { useSyncStatus } from '../../data/useSyncStatus.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { formatInstant } from '../../lib/format.ts';
import { useUiStore } from '../../state/store.ts';
import { useAttempt } from './attempt.ts';
import { EditRetryDialog } from './EditRetryDialog.tsx';
import { EntityIssues } from './EntityIssues.tsx';
import { useEntityIssues } from '../../data/entity-edits.ts';
import { CalendarCard } from './CalendarCard.tsx';

const KIND_LABELS: Record<OutboxOp['kind'], string> = {
  create: 'Create', update: 'Edit', complete: 'Complete', cancel: 'Cancel', reschedule: 'Reschedule', delete: 'Delete',
};

function show(v: unknown, tz: string): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  // An own-key check: `in` would also find the prototype's ("constructor" would print a function).
  if (typeof v === 'string' && isKnownStatus(v)) return ACTIVITY_STATUS_LABELS[v];
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(v) ? formatInstant(v, tz) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The answer to the persistent-storage request the platform made at start (null until known). */
function useDurableStorage(platform: { durableStorage(): Promise<DurableStorage> }): DurableStorage | null {
  const [state, setState] = useState<DurableStorage | null>(null);
  useEffect(() => {
    let live = true;
    void platform.durableStorage().then((d) => { if (live) setState(d); }, () => { if (live) setState('unsupported'); });
    return () => { live = false; };
  }, [platform]);
  return state;
}

export function SyncView() {
  const { engine, settings, session, platform } = useApp();
  const durable = useDurableStorage(platform);
  const status = useSyncStatus();
  const issues = useSyncIssues();
  const entityIssues = useEntityIssues();
  const entityRefused = entityIssues?.filter((i) => i.op.state === 'failed').length ?? 0;
  const toast = useUiStore((s) => s.toast);
  const openActivity = useUiStore((s) => s.openActivity);
  const [discard, setDiscard] = useState<OutboxOp | null>(null);
  const [editing, setEditing] = useState<OutboxOp | null>(null);
  const tz = settings.timeZone;
  const noEngine = !engine;

  const attempt = useAttempt();

  return (
    <section className="view" aria-labelledby="sync-title" data-durable-storage={durable ?? 'pending'}>
      <header className="view-header">
        <h1 id="sync-title">Sync</h1>
        <div className="actions">
          <button type="button" className="button primary" disabled={noEngine || !status.online || status.syncing}
            onClick={() => { void attempt('Sync finished.', async () => {
              const r = await engine!.syncNow();
              if (r.error) throw new Error(r.error);
            }); }}>
            {status.syncing ? 'Syncing…' : 'Sync now'}
          </button>
        </div>
      </header>

      <div className="stats">
        <div className="stat">
          <div className="stat-label">Connection</div>
          <div className="stat-value">{status.online ? 'Online' : 'Offline'}</div>
          <div className="muted small">{session.signedIn ? session.baseUrl : 'Not signed in'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Last synced</div>
          <div className="stat-value">{status.lastSyncedAt ? formatDistanceToNowStrict(status.lastSyncedAt, { addSuffix: true }) : 'Never'}</div>
          <div className="muted small">{status.lastSyncedAt ? formatInstant(new Date(status.lastSyncedAt).toISOString(), tz) : '—'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Pending changes</div>
          <div className="stat-value">{status.pending}</div>
          <div className="muted small">Kept on this device until the CRM has them</div>
        </div>
        <div className="stat">
          <div className="stat-label">Need attention</div>
          <div className="stat-value">{status.failed + entityRefused + status.conflicts}</div>
          <div className="muted small">{status.failed + entityRefused} refused · {status.conflicts} {status.conflicts === 1 ? 'conflict' : 'conflicts'}</div>
        </div>
      </div>

      {status.authRequired && <p className="form-error" role="alert">The CRM no longer accepts your token. Sign in again in Settings; your changes are kept.</p>}
      {status.lastError && !status.authRequired && <p className="muted small" role="status">Last problem: {status.lastError}</p>}
      {noEngine && <p className="muted">Sign in to the CRM (Settings) to sync. Changes made offline wait here safely.</p>}
      {durable !== null && durable !== 'granted' && (
        <p className="notice notice-warn" role="status" aria-label="Offline storage">
          This browser may clear Fieldbook&apos;s offline data when disk space runs low: changes not yet synced could be lost.
          {' '}Sync before you go offline for long, and keep some disk space free{platform.kind === 'web' ? '; installing Fieldbook as an app or bookmarking it lets the browser keep its data' : ''}.
        </p>
      )}

      <CalendarCard />

      <section className="card flush" aria-labelledby="failed-title">
        <h2 id="failed-title" className="card-title">Refused changes</h2>
        {issues?.failed.length === 0 && entityIssues?.length === 0 && <p className="empty">Nothing refused by the CRM.</p>}
        {issues?.failed.map((op) => (
          <article key={op.op_id} className="issue" aria-label={`${KIND_LABELS[op.kind]}: ${op.subject}`}>
            <div className="issue-head">
              <div>
                <strong>{KIND_LABELS[op.kind]}</strong> · <button type="button" className="button link" onClick={() => openActivity(op.lid)}>{op.subject}</button>
              </div>
              <span className="muted small">{op.attempts} attempt{op.attempts === 1 ? '' : 's'}{op.last_status ? ` · HTTP ${op.last_status}` : ''}</span>
            </div>
            <p className="issue-message">{op.last_error ?? 'The CRM refused this change.'}</p>
            <div className="action-bar">
              <button type="button" className="button small" disabled={noEngine} onClick={() => { void attempt('Queued again.', () => engine!.retryOp(op.op_id)); }}>Retry</button>
              <button type="button" className="button small" disabled={noEngine || op.kind === 'delete'} onClick={() => setEditing(op)}>Edit &amp; retry</button>
              <button type="button" className="button small danger-text" disabled={noEngine} onClick={() => setDiscard(op)}>Discard</button>
            </div>
          </article>
        ))}
        <EntityIssues issues={entityIssues} />
      </section>

      <section className="card flush" aria-labelledby="conflicts-title">
        <h2 id="conflicts-title" className="card-title">Conflicts</h2>
        {issues?.conflicts.length === 0 && <p className="empty">No conflicts with the CRM.</p>}
        {issues?.conflicts.map((c) => <ConflictItem key={c.id} c={c} tz={tz} disabled={noEngine} onResolve={(choice) => {
          void attempt(choice === 'mine' ? 'Kept your version.' : 'Took the CRM’s version.', () => engine!.resolveConflict(c.id, choice));
        }} onOpen={() => openActivity(c.lid)} />)}
      </section>

      {discard && (
        <ConfirmDialog
          title="Discard this change?"
          message={<p>Your {KIND_LABELS[discard.kind].toLowerCase()} of “{issues?.failed.find((o) => o.op_id === discard.op_id)?.subject}” will be thrown away and the activity goes back to the CRM’s version. This cannot be undone.</p>}
          confirmLabel="Discard change"
          danger
          onCancel={() => setDiscard(null)}
          onConfirm={() => {
            const op = discard;
            setDiscard(null);
            void attempt('Change discarded.', () => engine!.discardOp(op.op_id));
          }}
        />
      )}
      {editing && engine && (
        <EditRetryDialog op={editing} onClose={() => setEditing(null)} onSubmit={async (payload) => {
          await engine.retryOp(editing.op_id, payload);
          toast('Edited and queued again.', 'success');
          setEditing(null);
        }} />
      )}
    </section>
  );
}

function ConflictItem({ c, tz: zone, disabled, onResolve, onOpen }: {
  c: ConflictRecord & { subject: string }; tz: string; disabled: boolean; onResolve: (choice: 'mine' | 'theirs') => void; onOpen: () => void;
}) {
  const what = c.kind === 'deleted_remote' ? 'Deleted on the CRM while you edited it' : c.kind === 'status' ? 'Status changed on both sides' : `“${c.field.replace(/_/g, ' ')}” changed on both sides`;
  return (
    <article className="issue" aria-label={`Conflict: ${c.subject}`}>
      <div className="issue-head">
        <div><strong>{what}</strong> · <button type="button" className="button link" onClick={onOpen}>{c.subject}</button></div>
        <span className="muted small">{formatDistanceToNowStrict(c.created_at, { addSuffix: true })}</span>
      </div>
      <div className="issue-values">
        <div><div className="muted small">Before</div>{show(c.base, zone)}</div>
        <div><div className="muted small">Yours</div>{show(c.local, zone)}</div>
        <div><div className="muted small">CRM’s</div>{c.kind === 'deleted_remote' ? '(deleted)' : show(c.remote, zone)}</div>
      </div>
      <div className="action-bar">
        <button type="button" className="button small primary" disabled={disabled} onClick={() => onResolve('mine')}>Keep mine</button>
        <button type="button" className="button small" disabled={disabled} onClick={() => onResolve('theirs')}>Take theirs</button>
      </div>
    </article>
  );
}
