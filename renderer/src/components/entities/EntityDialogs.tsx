/**
 * New opportunity, Edit opportunity and Edit customer: the guide's scenario calls (POST
 * /opportunities, PATCH /opportunities/{id}, PATCH /customers/{id}) as forms. They write through
 * the entity commands, so they work offline: the directory shows the change at once and the
 * entity outbox sends it later. Edits send only the fields the rep changed.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { CUSTOMER_STATUSES, OPPORTUNITY_STAGES, QUALIFICATION_FLAGS, type DirectoryEntity, type EntityOp } from '#shared/sync/index';
import { useUiStore } from '../../state/store.ts';
import { useEntityCommands, useEntityWithEdits } from '../../data/entity-edits.ts';
import { Dialog } from '../Dialog.tsx';
import { EntityPicker, type EntityValue } from '../EntityPicker.tsx';
import { Field } from '../Field.tsx';
import { otherErrors, toShownError, type ShownError } from '../../lib/errors.ts';

export const STAGE_LABELS: Record<(typeof OPPORTUNITY_STAGES)[number], string> = {
  prospecting: 'Prospecting', qualification: 'Qualification', discovery: 'Discovery', proposal: 'Proposal',
  negotiation: 'Negotiation', closed_won: 'Closed (won)', closed_lost: 'Closed (lost)',
};
export const CUSTOMER_STATUS_LABELS: Record<(typeof CUSTOMER_STATUSES)[number], string> = {
  prospect: 'Prospect', active: 'Active', at_risk: 'At risk', inactive: 'Inactive', churned: 'Churned',
};
const FLAG_LABELS: Record<(typeof QUALIFICATION_FLAGS)[number], string> = {
  budget_confirmed: 'Budget confirmed', authority_confirmed: 'Authority confirmed',
  need_confirmed: 'Need confirmed', timeline_confirmed: 'Timeline confirmed',
};

/** Text of a number field as sent: empty → null, a number → the number, anything else as typed (the schema names it). */
function numberOrText(s: string): number | string | null {
  const t = s.trim().replace(/,/g, '');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : s;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const tagsText = (v: unknown): string => (Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string').join(', ') : '');
const tagsOf = (s: string): string[] => s.split(',').map((t) => t.trim()).filter(Boolean);
const orNull = (s: string): string | null => (s.trim() ? s : null);

/** The form's errors without the one of a field the rep just changed (it is checked again on save). */
function without(err: ShownError | null, field: string): ShownError | null {
  if (!err?.fields[field]) return err;
  const fields = { ...err.fields };
  delete fields[field];
  // Nothing left to point at: the "check the highlighted fields" line goes too.
  return Object.keys(fields).length ? { ...err, fields } : null;
}

/** The queued-changes note of an edit form (offline edits wait; a refused one says why). */
/** A form's values and its per-field errors; changing a field clears that field's error. */
function useFormFields<F extends object>(initial: F) {
  const [f, setF] = useState(initial);
  const [err, setErr] = useState<ShownError | null>(null);
  const set = <K extends keyof F>(k: K, v: F[K]) => {
    setF((cur) => ({ ...cur, [k]: v }));
    setErr((e) => without(e, String(k)));
  };
  const fe = (k: string) => err?.fields[k];
  return { f, set, err, setErr, fe };
}

function PendingNote({ ops }: { ops: readonly EntityOp[] }) {
  if (!ops.length) return null;
  const failed = ops.find((o) => o.state === 'failed');
  if (failed) {
    return <p className="form-error" role="status">The CRM refused the last change: {failed.last_error ?? 'no message'}. Edit and save again, or fix it in Sync.</p>;
  }
  return (
    <p className="muted" role="status">
      <span className="sync-mark sync-pending"><span className="dot" aria-hidden="true" /><span>Not yet synced</span></span>{' '}
      Your earlier changes are saved here and will be sent to the CRM.
    </p>
  );
}

function FormError({ err, shown }: { err: ShownError | null; shown: readonly string[] }) {
  if (!err) return null;
  const other = otherErrors(err.fields, shown).concat(Object.entries(err.fields).filter(([k]) => k.startsWith('tags.')).flatMap(([, v]) => v));
  if (other.length === 0 && Object.keys(err.fields).length > 0) return null;
  return <p className="form-error" role="alert">{other.join(' ') || err.message}</p>;
}

function Loading({ title, onClose, missing }: { title: string; onClose: () => void; missing: boolean }): ReactNode {
  if (!missing) return null;
  return (
    <Dialog title={title} onClose={onClose} size="small">
      <p>This record is not in the directory on this device. Refresh the directory in Settings.</p>
    </Dialog>
  );
}

// ------------------------------------------------------------------------------------------------
// New opportunity

export interface NewOpportunityProps {
  /** Prefilled customer (e.g. the customer of the activity the rep is looking at). */
  customerId?: string | null;
  onClose: () => void;
  /** The created record (local id until synced; pickable at once). */
  onCreated?: (row: DirectoryEntity) => void;
}

export function NewOpportunityDialog({ customerId, onClose, onCreated }: NewOpportunityProps) {
  const commands = useEntityCommands();
  const toast = useUiStore((s) => s.toast);
  const [customer, setCustomer] = useState<EntityValue<'customer'> | null>(customerId ? { type: 'customer', id: customerId } : null);
  const { f, set, err, setErr, fe } = useFormFields({ name: '', value: '', expected_close_date: '', stage: 'qualification', probability: '', description: '', source: '', tags: '' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input: Record<string, unknown> = { name: f.name, customer_id: customer?.id ?? '', stage: f.stage };
    const value = numberOrText(f.value);
    if (value !== null) input.value = value;
    const probability = numberOrText(f.probability);
    if (probability !== null) input.probability = probability;
    if (f.expected_close_date) input.expected_close_date = f.expected_close_date;
    if (f.description.trim()) input.description = f.description;
    if (f.source.trim()) input.source = f.source.trim();
    const tags = tagsOf(f.tags);
    if (tags.length) input.tags = tags;
    try {
      const row = await commands.createOpportunity(input);
      toast(`Opportunity “${row.name}” created.`, 'success');
      onCreated?.(row);
      onClose();
    } catch (x) {
      setErr(toShownError(x));
    }
  }

  return (
    <Dialog title="New opportunity" onClose={onClose} size="medium">
      <form className="form" onSubmit={(e) => { void submit(e); }} noValidate>
        <div className="form-grid">
          <Field label="Name" errors={fe('name')} className="span-2">
            <input type="text" value={f.name} onChange={(e) => set('name', e.target.value)} required data-autofocus />
          </Field>
          <div className="span-2">
            <EntityPicker label="Customer" types={['customer'] as const} value={customer} onChange={(c) => { setCustomer(c); setErr((e) => without(e, 'customer_id')); }} errors={fe('customer_id')} />
          </div>
          <Field label="Value" errors={fe('value')} hint="Amount, e.g. 85000">
            <input type="text" inputMode="decimal" value={f.value} onChange={(e) => set('value', e.target.value)} />
          </Field>
          <Field label="Expected close date" errors={fe('expected_close_date')}>
            <input type="date" value={f.expected_close_date} onChange={(e) => set('expected_close_date', e.target.value)} />
          </Field>
          <Field label="Stage" errors={fe('stage')}>
            <select value={f.stage} onChange={(e) => set('stage', e.target.value)}>
              {OPPORTUNITY_STAGES.map((s) => <option key={s} value={s}>{STAGE_LABELS[s]}</option>)}
            </select>
          </Field>
          <Field label="Probability (%)" errors={fe('probability')}>
            <input type="text" inputMode="numeric" value={f.probability} onChange={(e) => set('probability', e.target.value)} />
          </Field>
          <Field label="Description" errors={fe('description')} className="span-2">
            <textarea rows={3} value={f.description} onChange={(e) => set('description', e.target.value)} />
          </Field>
          <Field label="Source" errors={fe('source')} hint="Where it came from, e.g. qbr_meeting">
            <input type="text" value={f.source} onChange={(e) => set('source', e.target.value)} />
          </Field>
          <Field label="Tags" errors={fe('tags')} hint="Separate tags with commas.">
            <input type="text" value={f.tags} onChange={(e) => set('tags', e.target.value)} />
          </Field>
        </div>
        <FormError err={err} shown={['name', 'customer_id', 'value', 'expected_close_date', 'stage', 'probability', 'description', 'source', 'tags']} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>Back</button>
          <button type="submit" className="button primary">Create opportunity</button>
        </div>
      </form>
    </Dialog>
  );
}

// ------------------------------------------------------------------------------------------------
// Edit opportunity

type OpportunityForm = Record<'name' | 'value' | 'probability' | 'stage' | 'expected_close_date' | 'discovery_notes' | 'next_step' | 'tags', string>
  & Record<(typeof QUALIFICATION_FLAGS)[number], boolean>;

function opportunityForm(view: Record<string, unknown>): OpportunityForm {
  return {
    name: text(view.name), value: text(view.value), probability: text(view.probability), stage: text(view.stage),
    expected_close_date: text(view.expected_close_date), discovery_notes: text(view.discovery_notes), next_step: text(view.next_step),
    tags: tagsText(view.tags),
    budget_confirmed: view.budget_confirmed === true, authority_confirmed: view.authority_confirmed === true,
    need_confirmed: view.need_confirmed === true, timeline_confirmed: view.timeline_confirmed === true,
  };
}

/** The fields the rep changed, as the PATCH body. */
function opportunityPatch(before: OpportunityForm, now: OpportunityForm): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (now.name !== before.name) patch.name = now.name;
  if (now.value !== before.value) patch.value = numberOrText(now.value);
  if (now.probability !== before.probability) patch.probability = numberOrText(now.probability);
  if (now.stage !== before.stage) patch.stage = now.stage;
  if (now.expected_close_date !== before.expected_close_date) patch.expected_close_date = orNull(now.expected_close_date);
  if (now.discovery_notes !== before.discovery_notes) patch.discovery_notes = orNull(now.discovery_notes);
  if (now.next_step !== before.next_step) patch.next_step = orNull(now.next_step);
  if (now.tags !== before.tags) patch.tags = tagsOf(now.tags);
  for (const k of QUALIFICATION_FLAGS) if (now[k] !== before[k]) patch[k] = now[k];
  return patch;
}

export function EditOpportunityDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const data = useEntityWithEdits('opportunity', id);
  if (!data) return <Loading title="Edit opportunity" onClose={onClose} missing={data === null} />;
  return <EditOpportunityForm key={id} row={data.row} ops={data.ops} initial={opportunityForm(data.view)} onClose={onClose} />;
}

function EditOpportunityForm({ row, ops, initial, onClose }: { row: DirectoryEntity; ops: EntityOp[]; initial: OpportunityForm; onClose: () => void }) {
  const commands = useEntityCommands();
  const toast = useUiStore((s) => s.toast);
  // The form keeps what it opened with; later live updates do not overwrite the rep's typing.
  const [before] = useState(initial);
  const { f, set, err, setErr, fe } = useFormFields(initial);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await commands.updateEntity('opportunity', row.id, opportunityPatch(before, f));
      toast('Opportunity updated.', 'success');
      onClose();
    } catch (x) {
      setErr(toShownError(x));
    }
  }

  return (
    <Dialog title="Edit opportunity" onClose={onClose} size="medium" description={row.name}>
      <form className="form" onSubmit={(e) => { void submit(e); }} noValidate>
        <PendingNote ops={ops} />
        <div className="form-grid">
          <Field label="Name" errors={fe('name')} className="span-2">
            <input type="text" value={f.name} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <Field label="Value" errors={fe('value')} hint="Amount, e.g. 175000">
            <input type="text" inputMode="decimal" value={f.value} onChange={(e) => set('value', e.target.value)} data-autofocus />
          </Field>
          <Field label="Probability (%)" errors={fe('probability')}>
            <input type="text" inputMode="numeric" value={f.probability} onChange={(e) => set('probability', e.target.value)} />
          </Field>
          <Field label="Stage" errors={fe('stage')}>
            <select value={f.stage} onChange={(e) => set('stage', e.target.value)}>
              {!f.stage && <option value="">Not set</option>}
              {OPPORTUNITY_STAGES.map((s) => <option key={s} value={s}>{STAGE_LABELS[s]}</option>)}
            </select>
          </Field>
          <Field label="Expected close date" errors={fe('expected_close_date')}>
            <input type="date" value={f.expected_close_date} onChange={(e) => set('expected_close_date', e.target.value)} />
          </Field>
          <fieldset className="span-2 check-group">
            <legend>Qualification</legend>
            {QUALIFICATION_FLAGS.map((k) => (
              <label key={k} className="check">
                <input type="checkbox" checked={f[k]} onChange={(e) => set(k, e.target.checked)} aria-invalid={fe(k) ? true : undefined} />
                {FLAG_LABELS[k]}
              </label>
            ))}
          </fieldset>
          <Field label="Discovery notes" errors={fe('discovery_notes')} className="span-2">
            <textarea rows={4} value={f.discovery_notes} onChange={(e) => set('discovery_notes', e.target.value)} />
          </Field>
          <Field label="Next step" errors={fe('next_step')} className="span-2">
            <input type="text" value={f.next_step} onChange={(e) => set('next_step', e.target.value)} />
          </Field>
          <Field label="Tags" errors={fe('tags')} hint="Separate tags with commas." className="span-2">
            <input type="text" value={f.tags} onChange={(e) => set('tags', e.target.value)} />
          </Field>
        </div>
        <FormError err={err} shown={['name', 'value', 'probability', 'stage', 'expected_close_date', 'discovery_notes', 'next_step', 'tags', ...QUALIFICATION_FLAGS]} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>Back</button>
          <button type="submit" className="button primary">Save opportunity</button>
        </div>
      </form>
    </Dialog>
  );
}

// ------------------------------------------------------------------------------------------------
// Edit customer

type CustomerForm = Record<'name' | 'status' | 'notes' | 'tags', string>;

export function EditCustomerDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const data = useEntityWithEdits('customer', id);
  if (!data) return <Loading title="Edit customer" onClose={onClose} missing={data === null} />;
  const v = data.view;
  return (
    <EditCustomerForm
      key={id} row={data.row} ops={data.ops} onClose={onClose}
      initial={{ name: text(v.name), status: text(v.status), notes: text(v.notes), tags: tagsText(v.tags) }}
    />
  );
}

function EditCustomerForm({ row, ops, initial, onClose }: { row: DirectoryEntity; ops: EntityOp[]; initial: CustomerForm; onClose: () => void }) {
  const commands = useEntityCommands();
  const toast = useUiStore((s) => s.toast);
  const [before] = useState(initial);
  const { f, set, err, setErr, fe } = useFormFields(initial);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    if (f.name !== before.name) patch.name = f.name;
    if (f.status !== before.status) patch.status = f.status;
    if (f.notes !== before.notes) patch.notes = orNull(f.notes);
    if (f.tags !== before.tags) patch.tags = tagsOf(f.tags);
    try {
      await commands.updateEntity('customer', row.id, patch);
      toast('Customer updated.', 'success');
      onClose();
    } catch (x) {
      setErr(toShownError(x));
    }
  }

  return (
    <Dialog title="Edit customer" onClose={onClose} size="medium" description={row.name}>
      <form className="form" onSubmit={(e) => { void submit(e); }} noValidate>
        <PendingNote ops={ops} />
        <div className="form-grid">
          <Field label="Name" errors={fe('name')}>
            <input type="text" value={f.name} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <Field label="Status" errors={fe('status')}>
            <select value={f.status} onChange={(e) => set('status', e.target.value)} data-autofocus>
              {!f.status && <option value="">Not set</option>}
              {CUSTOMER_STATUSES.map((s) => <option key={s} value={s}>{CUSTOMER_STATUS_LABELS[s]}</option>)}
            </select>
          </Field>
          <Field label="Notes" errors={fe('notes')} className="span-2">
            <textarea rows={4} value={f.notes} onChange={(e) => set('notes', e.target.value)} />
          </Field>
          <Field label="Tags" errors={fe('tags')} hint="Separate tags with commas." className="span-2">
            <input type="text" value={f.tags} onChange={(e) => set('tags', e.target.value)} />
          </Field>
        </div>
        <FormError err={err} shown={['name', 'status', 'notes', 'tags']} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>Back</button>
          <button type="submit" className="button primary">Save customer</button>
        </div>
      </form>
    </Dialog>
  );
}
