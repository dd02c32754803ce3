/** Settings → Activity plans: the plans on this device, to add, edit, duplicate and delete. */
import { useState } from 'react';
import { ulid } from 'ulid';
import { blankStep, duplicatePlan, stepSummary, type Plan } from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { useUiStore } from '../../state/store.ts';
import { PlanEditor } from './PlanEditor.tsx';
import { readPlans, usePlans, writePlans } from './plan-store.ts';
import './plans.css';

type Editing = { plan: Plan; isNew: boolean } | null;

export function PlansSettings() {
  const { db } = useApp();
  const plans = usePlans();
  const toast = useUiStore((s) => s.toast);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Plan | null>(null);

  /** Read-modify-write on the stored list (another window may have changed it since it was shown). */
  async function change(fn: (all: Plan[]) => Plan[]): Promise<void> {
    await writePlans(db, fn(await readPlans(db)));
  }

  async function save(plan: Plan, isNew: boolean) {
    await change((all) => (isNew || !all.some((p) => p.id === plan.id) ? [...all, plan] : all.map((p) => (p.id === plan.id ? plan : p))));
    setEditing(null);
    toast(`Plan “${plan.name}” saved.`, 'success');
  }

  async function duplicate(plan: Plan) {
    const all = await readPlans(db);
    const copy = duplicatePlan(plan, ulid(), all);
    await writePlans(db, [...all, copy]);
    toast(`Plan duplicated as “${copy.name}”.`, 'success');
  }

  async function remove(plan: Plan) {
    await change((all) => all.filter((p) => p.id !== plan.id));
    setDeleting(null);
    toast(`Plan “${plan.name}” deleted.`, 'success');
  }

  return (
    <section className="card settings-section plans-settings" aria-labelledby="set-plans">
      <h2 id="set-plans">Activity plans</h2>
      <p className="muted small">
        A plan schedules a series of activities for a record in one step (Apply a plan, beside the record or in New activity).
        Plans are kept on this device.
      </p>
      {plans === undefined ? <p className="muted small">Loading plans…</p> : (
        plans.length === 0 ? <p className="muted small">No plans yet.</p> : (
          <ul className="plan-list" aria-label="Plans">
            {plans.map((p) => (
              <li key={p.id} className="plan-item">
                <div className="plan-item-head">
                  <h3>{p.name}</h3>
                  <div className="row-tight">
                    <button type="button" className="button small" aria-label={`Edit ${p.name}`} onClick={() => setEditing({ plan: p, isNew: false })}>Edit</button>
                    <button type="button" className="button small" aria-label={`Duplicate ${p.name}`} onClick={() => { void duplicate(p); }}>Duplicate</button>
                    <button type="button" className="button small danger-text" aria-label={`Delete ${p.name}`} onClick={() => setDeleting(p)}>Delete</button>
                  </div>
                </div>
                <ol className="plan-step-list">
                  {p.steps.map((s, i) => <li key={i}><span className="plan-step-subject">{s.subject}</span> <span className="muted">· {stepSummary(s)}</span></li>)}
                </ol>
              </li>
            ))}
          </ul>
        )
      )}
      <button type="button" className="button plan-add" onClick={() => setEditing({ plan: { id: ulid(), name: '', steps: [{ ...blankStep(), anchor: 'start', unit: 'days', offset: 0 }] }, isNew: true })}>
        Add plan
      </button>
      {editing && (
        <PlanEditor
          plan={editing.plan}
          isNew={editing.isNew}
          others={(plans ?? []).filter((p) => p.id !== editing.plan.id)}
          onSave={(p) => save(p, editing.isNew)}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete plan?"
          message={<p>“{deleting.name}” will be removed from this device. Activities already created from it stay.</p>}
          confirmLabel="Delete plan"
          danger
          onConfirm={() => { void remove(deleting); }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
