/** One activity: every field, its history, its sync state, and the actions its status allows. */
import { useState, type ReactNode } from 'react';
import { availableActions, isKnownStatus, isKnownType, refusalReason, typeLabel, unknownStatusReason, type Action } from '#shared/domain/index';
import type { LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { useActivity, useActivityConflicts, useActivityOps } from '../../data/activities.ts';
import { useRefreshOnOpen } from '../../data/engine-signals.ts';
import { useEntity } from '../../data/entities.ts';
import { PriorityBadge, StatusBadge, SyncMark, TypeBadge } from '../../components/badges.tsx';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { CancelActivityDialog, RescheduleActivityDialog } from '../../components/ActionDialogs.tsx';
import { DIRECTORY_TYPE_LABELS } from '../../components/EntityPicker.tsx';
import { formatDateOnly, formatInstant, formatMinutes } from '../../lib/format.ts';
import { toShownError } from '../../lib/errors.ts';
import { currencyOf, formatMoney } from '../billable/money.ts';
import { useUiStore } from '../../state/store.ts';
import { SeriesPanel } from '../../components/series/SeriesPanel.tsx';
import { CustomerLocalTime } from '../../components/local-time/CustomerLocalTime.tsx';
import { RelatedRecordActions, type RelatedDialog } from '../../components/entities/RelatedRecordActions.tsx';
import { ChangeHistory } from './ChangeHistory.tsx';
import { ApplyPlanDialog } from '../plans/ApplyPlanDialog.tsx';
import { QBR_FOLLOW_UP_PLAN } from '#shared/domain/index';

const ACTION_LABELS: Record<Action, string> = {
  update: 'Edit', complete: 'Complete', cancel: 'Cancel', reschedule: 'Reschedule', delete: 'Delete', recreate: 'Recreate',
};
const ACTION_ORDER: Action[] = ['complete', 'reschedule', 'update', 'cancel', 'recreate', 'delete'];

export function ActivityDetail({ lid }: { lid: string }) {
  const activity = useActivity(lid);
  const close = useUiStore((s) => s.closeActivity);
  // What lists cannot show (description, tags, custom fields, outcome) is re-read on open.
  useRefreshOnOpen(useApp().engine, lid);
  if (activity === undefined) return null;
  if (activity === null) {
    return (
      <Dialog title="Activity not found" onClose={close} size="small">
        <p>This activity is no longer on this device.</p>
      </Dialog>
    );
  }
  return <Detail a={activity} onClose={close} />;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Detail({ a, onClose }: { a: LocalActivity; onClose: () => void }) {
  const { commands, settings, currentUser } = useApp();
  const tz = settings.timeZone;
  const openOutcome = useUiStore((s) => s.openOutcome);
  const openEdit = useUiStore((s) => s.openEdit);
  const openActivity = useUiStore((s) => s.openActivity);
  const toast = useUiStore((s) => s.toast);
  const ops = useActivityOps(a.lid);
  const conflicts = useActivityConflicts(a.lid);
  const entity = useEntity(a.activityable_type, a.activityable_id);
  const contact = useEntity('contact', a.contact_id);
  const assignee = useEntity('user', a.assigned_user_id);
  const [sub, setSub] = useState<'cancel' | 'reschedule' | 'delete' | null>(null);
  const [related, setRelated] = useState<RelatedDialog>(null);
  const [followUpPlan, setFollowUpPlan] = useState(false);
  const allowed = new Set(availableActions(a.status));
  const failedOp = ops?.find((o) => o.state === 'failed');

  async function run(action: Action) {
    try {
      switch (action) {
        case 'complete': openOutcome(a.lid); return;
        case 'update': openEdit(a.lid); return;
        case 'cancel': case 'reschedule': case 'delete': setSub(action); return;
        case 'recreate': {
          // The app only sends types it knows: a copy of one it does not know starts as Other, and the form opens to pick one.
          const known = isKnownType(a.type);
          const copy = await commands.recreate(a.lid, known ? {} : { type: 'other' });
          toast(known
            ? 'A new copy was created from the cancelled activity.'
            : `A new copy was created as Other: ${typeLabel(a.type)} can't be sent from this version; pick its type.`, 'success');
          openActivity(copy.lid);
          openEdit(copy.lid);
          return;
        }
      }
    } catch (e) {
      toast(toShownError(e).message, 'error');
    }
  }

  async function remove() {
    try {
      await commands.delete(a.lid);
      toast('Activity deleted.', 'success');
      setSub(null);
      onClose();
    } catch (e) {
      toast(toShownError(e).message, 'error');
    }
  }

  return (
    <Dialog title={a.subject} onClose={onClose} size="large">
      <div className="detail">
        <div className="detail-section">
          <div className="badge-row">
            <TypeBadge type={a.type} />
            <StatusBadge status={a.status} overdue={a.is_overdue} />
            <PriorityBadge priority={a.priority} />
            <SyncMark sync={a.sync} always />
          </div>
          {!isKnownStatus(a.status) && (
            <p className="field-hint" id="d-unknown-status">{unknownStatusReason(a.status)} Only Delete is available here.</p>
          )}
          <div className="action-bar" role="toolbar" aria-label="Actions">
            {ACTION_ORDER.map((act) => {
              const notesOnly = act === 'update' && a.status === 'completed';
              return (
                <button
                  key={act}
                  type="button"
                  className={`button small ${act === 'complete' ? 'primary' : ''} ${act === 'delete' ? 'danger-text' : ''}`}
                  disabled={!allowed.has(act)}
                  title={refusalReason(a.status, act) ?? undefined}
                  aria-describedby={!allowed.has(act) && !isKnownStatus(a.status) ? 'd-unknown-status' : undefined}
                  onClick={() => { void run(act); }}
                >
                  {notesOnly ? 'Edit notes' : ACTION_LABELS[act]}
                </button>
              );
            })}
          </div>
          {a.status === 'completed' && (
            <button type="button" className="button small" onClick={() => setFollowUpPlan(true)}>Apply a follow-up plan</button>
          )}
        </div>

        <SeriesPanel activity={a} />
        <section className="detail-section" aria-labelledby="d-when">
          <h3 id="d-when">Details</h3>
          <dl className="detail-grid">
            <Row label="Due"><span className={a.is_overdue ? 'text-danger' : undefined}>{formatInstant(a.due_at, tz)}{a.is_overdue ? ' (overdue)' : ''}</span> <CustomerLocalTime dueIso={a.due_at} repZone={tz} entity={{ type: a.activityable_type, id: a.activityable_id }} contactId={a.contact_id} /></Row>
            <Row label="Duration">{formatMinutes(a.duration_minutes)}</Row>
            <Row label="Reminder">{formatInstant(a.reminder_at, tz)}</Row>
            <Row label={DIRECTORY_TYPE_LABELS[a.activityable_type]}>
              {entity?.name ?? a.activityable?.name ?? a.activityable_id}
              <RelatedRecordActions type={a.activityable_type} entity={entity ?? null} open={related} onOpen={setRelated} />
            </Row>
            <Row label="Contact">{a.contact_id ? contact?.name ?? a.contact?.name ?? a.contact_id : '—'}</Row>
            <Row label="Assigned to">{a.assigned_user_id === currentUser?.id ? `${currentUser.name} (me)` : assignee?.name ?? a.assigned_user?.name ?? a.assigned_user_id}</Row>
            <Row label="Location">{a.location ?? '—'}</Row>
            <Row label="Follow-up">{a.follow_up_required ? `Required${a.follow_up_date ? `, by ${formatDateOnly(a.follow_up_date)}` : ''}` : 'Not required'}</Row>
            <Row label="Billable">{a.is_billable ? `Yes${a.billable_rate !== null ? `, ${formatMoney(Math.round(a.billable_rate * 100), currencyOf(settings))} an hour` : ''}` : 'No'}</Row>
            <Row label="Tags">{a.tags.length ? a.tags.join(', ') : '—'}</Row>
            {Object.keys(a.custom_fields).length > 0 && (
              <Row label="Custom fields">
                {Object.entries(a.custom_fields).map(([k, v]) => <div key={k}><span className="muted">{k}:</span> {typeof v === 'string' ? v : JSON.stringify(v)}</div>)}
              </Row>
            )}
            <Row label="Created">{formatInstant(a.created_at, tz)}{a.created_by ? ` by ${a.created_by.name}` : ''}</Row>
            <Row label="Updated">{formatInstant(a.updated_at, tz)}</Row>
          </dl>
          {a.description && (
            <>
              <h3>Description</h3>
              <p className="prewrap">{a.description}</p>
            </>
          )}
        </section>

        <section className="detail-section" aria-labelledby="d-history">
          <h3 id="d-history">History</h3>
          <dl className="detail-grid">
            <Row label="Previous due date">{formatInstant(a.previous_due_at, tz)}</Row>
            <Row label="Times rescheduled">{a.rescheduled_count}</Row>
            <Row label="Completed">{formatInstant(a.completed_at, tz)}</Row>
            <Row label="Cancelled">{formatInstant(a.cancelled_at, tz)}</Row>
            <Row label="Cancellation reason">{a.cancellation_reason ?? '—'}</Row>
          </dl>
          <ChangeHistory lid={a.lid} ops={ops} zone={tz} />
          <h3>Outcome</h3>
          <p className="prewrap">{a.outcome ?? <span className="muted">No outcome recorded.</span>}</p>
        </section>

        <section className="detail-section" aria-labelledby="d-sync">
          <h3 id="d-sync">Sync</h3>
          <dl className="detail-grid">
            <Row label="State"><SyncMark sync={a.sync} always /></Row>
            <Row label="Server id">{a.server_id ?? <span className="muted">Not on the server yet</span>}</Row>
            <Row label="Queued changes">{ops ? ops.length : '…'}</Row>
          </dl>
          {failedOp && (
            <p className="form-error" role="status">
              The server refused the last {failedOp.kind}{failedOp.last_status ? ` (${failedOp.last_status})` : ''}: {failedOp.last_error ?? 'no message'}. Fix it in Sync.
            </p>
          )}
          {conflicts && conflicts.length > 0 && (
            <p className="form-error" role="status">{conflicts.length} conflict{conflicts.length === 1 ? '' : 's'} with the server wait in Sync.</p>
          )}
        </section>
      </div>
      {sub === 'cancel' && <CancelActivityDialog activity={a} onClose={() => setSub(null)} />}
      {sub === 'reschedule' && <RescheduleActivityDialog activity={a} onClose={() => setSub(null)} />}
      {followUpPlan && (
        <ApplyPlanDialog record={{ type: a.activityable_type, id: a.activityable_id }} start={a.completed_at} planId={QBR_FOLLOW_UP_PLAN.id}
          onClose={() => setFollowUpPlan(false)} />
      )}
      {sub === 'delete' && (
        <ConfirmDialog
          title="Delete activity?"
          message={<p>“{a.subject}” will be deleted here and on the CRM.</p>}
          confirmLabel="Delete"
          danger
          onConfirm={() => { void remove(); }}
          onCancel={() => setSub(null)}
        />
      )}
    </Dialog>
  );
}
