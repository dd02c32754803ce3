/**
 * Add or edit one activity plan: its name and steps (type, subject template, when, duration,
 * priority, reminder, description, tags). Every field error at once from the shared plan schema,
 * shown on its field; the draft stays as typed until it saves.
 */
import { useId, useState, type FormEvent } from 'react';
import {
  ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, PRIORITIES, PRIORITY_LABELS, blankStep, planProblems,
  type FieldErrors, type Plan, type PlanStep,
} from '#shared/domain/index';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';

/** A step as typed: numbers stay text until saved. */
interface StepDraft {
  key: number;
  type: string;
  subject: string;
  anchor: string;
  unit: string;
  offset: string;
  sameTime: boolean;
  time: string;
  duration: string;
  priority: string;
  reminder: string;
  description: string;
  tags: string;
  completed: boolean;
}

let nextKey = 1;

function toDraft(s: PlanStep): StepDraft {
  return {
    key: nextKey++, type: s.type, subject: s.subject, anchor: s.anchor, unit: s.unit, offset: String(s.offset),
    sameTime: s.time === null, time: s.time ?? '10:00', duration: s.duration_minutes === null ? '' : String(s.duration_minutes),
    priority: s.priority, reminder: s.reminder_minutes === null ? '' : String(s.reminder_minutes),
    description: s.description ?? '', tags: s.tags.join(', '), completed: s.completed,
  };
}

/** Empty text: none; anything else a number (NaN for text, which the schema names on its field). */
const num = (v: string): number | null => (v.trim() === '' ? null : Number(v.trim()));

function fromDraft(d: StepDraft): Record<string, unknown> {
  return {
    type: d.type, subject: d.subject, anchor: d.anchor, unit: d.unit, offset: num(d.offset) ?? Number.NaN,
    time: d.sameTime ? null : d.time, duration_minutes: num(d.duration), priority: d.priority, reminder_minutes: num(d.reminder),
    description: d.description.trim() === '' ? null : d.description, tags: d.tags.split(',').map((t) => t.trim()).filter(Boolean),
    completed: d.completed,
  };
}

export interface PlanEditorProps {
  /** The plan being edited, or a new one (its id given). */
  plan: Plan;
  isNew: boolean;
  /** The other plans (names must differ). */
  others: readonly Plan[];
  onSave: (plan: Plan) => Promise<void>;
  onClose: () => void;
}

export function PlanEditor({ plan, isNew, others, onSave, onClose }: PlanEditorProps) {
  const formId = useId();
  const [name, setName] = useState(plan.name);
  const [steps, setSteps] = useState<StepDraft[]>(() => plan.steps.map(toDraft));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  const setStep = (i: number, patch: Partial<StepDraft>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) => setSteps((all) => {
    const next = [...all];
    const [s] = next.splice(i, 1);
    if (s) next.splice(i + by, 0, s);
    return next;
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const candidate = { id: plan.id, name, steps: steps.map(fromDraft) };
    const problems = planProblems(candidate, others);
    if (problems) {
      setErrors(problems);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await onSave({ id: plan.id, name: name.trim(), steps: steps.map(fromDraft) as PlanStep[] });
    } catch (x) {
      setSaveError(x instanceof Error ? x.message : String(x));
    } finally {
      setBusy(false);
    }
  }

  const err = (k: string) => errors[k];
  const count = Object.keys(errors).length;
  return (
    <Dialog
      title={isNew ? 'New plan' : `Edit plan: ${plan.name}`}
      onClose={onClose}
      size="large"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>Discard</button>
          <button type="submit" form={formId} className="button primary" disabled={busy}>Save plan</button>
        </>
      }
    >
      <form id={formId} className="plan-editor" onSubmit={(e) => { void submit(e); }} noValidate>
        <Field label="Plan name" errors={err('name')}>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
        </Field>
        {err('steps') && <ul className="field-errors" role="alert">{err('steps')?.map((m) => <li key={m}>{m}</li>)}</ul>}
        <ol className="plan-steps">
          {steps.map((s, i) => {
            const k = (f: string) => err(`steps.${i}.${f}`);
            const n = i + 1;
            return (
              <li key={s.key}>
                <fieldset className="plan-step">
                  <legend>Step {n}</legend>
                  <div className="form-grid">
                    <Field label={`Step ${n} type`} errors={k('type')}>
                      <select value={s.type} onChange={(e) => setStep(i, { type: e.target.value })}>
                        {ACTIVITY_TYPES.map((t) => <option key={t} value={t}>{ACTIVITY_TYPE_LABELS[t]}</option>)}
                      </select>
                    </Field>
                    <Field label={`Step ${n} priority`} errors={k('priority')}>
                      <select value={s.priority} onChange={(e) => setStep(i, { priority: e.target.value })}>
                        {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABELS[p]}</option>)}
                      </select>
                    </Field>
                    <Field label={`Step ${n} subject`} errors={k('subject')} className="span-2" hint="{record} becomes the record's name.">
                      <input type="text" value={s.subject} onChange={(e) => setStep(i, { subject: e.target.value })} />
                    </Field>
                    <Field label={`Step ${n} counts from`} errors={k('anchor')}>
                      <select value={s.anchor} onChange={(e) => setStep(i, { anchor: e.target.value })}>
                        <option value="start">The start of the plan</option>
                        <option value="previous">{i === 0 ? 'The start (no step before)' : 'The previous step'}</option>
                      </select>
                    </Field>
                    <div className="plan-offset">
                      <Field label={`Step ${n} offset`} errors={k('offset')}>
                        <input type="number" min={0} step={1} value={s.offset} onChange={(e) => setStep(i, { offset: e.target.value })} />
                      </Field>
                      <Field label={`Step ${n} offset unit`} errors={k('unit')}>
                        <select value={s.unit} onChange={(e) => setStep(i, { unit: e.target.value })}>
                          <option value="days">days after</option>
                          <option value="business_days">business days after</option>
                        </select>
                      </Field>
                    </div>
                    <div className="plan-time">
                      {s.sameTime ? (
                        <div className="field">
                          <span className="field-label-like">Step {n} time of day</span>
                          <span className="plan-same-time">Same time as what it counts from</span>
                        </div>
                      ) : (
                        <Field label={`Step ${n} time of day`} errors={k('time')} hint="In your time zone.">
                          <input type="time" value={s.time} onChange={(e) => setStep(i, { time: e.target.value })} />
                        </Field>
                      )}
                      <label className="check">
                        <input type="checkbox" checked={s.sameTime} onChange={(e) => setStep(i, { sameTime: e.target.checked })} />
                        Step {n} at the same time of day
                      </label>
                    </div>
                    <Field label={`Step ${n} duration (minutes)`} errors={k('duration_minutes')} hint="Empty: none.">
                      <input type="number" min={0} step={5} value={s.duration} onChange={(e) => setStep(i, { duration: e.target.value })} />
                    </Field>
                    <Field label={`Step ${n} reminder (minutes before)`} errors={k('reminder_minutes')} hint="Empty: the type's default from Settings.">
                      <input type="number" min={0} step={5} value={s.reminder} onChange={(e) => setStep(i, { reminder: e.target.value })} />
                    </Field>
                    <Field label={`Step ${n} description`} errors={k('description')} className="span-2">
                      <textarea rows={2} value={s.description} onChange={(e) => setStep(i, { description: e.target.value })} />
                    </Field>
                    <Field label={`Step ${n} tags`} errors={k('tags') ?? Object.entries(errors).filter(([x]) => x.startsWith(`steps.${i}.tags.`)).flatMap(([, v]) => v)} hint="Separate tags with commas.">
                      <input type="text" value={s.tags} onChange={(e) => setStep(i, { tags: e.target.value })} />
                    </Field>
                    <div className="field">
                      <span className="field-label-like" aria-hidden="true">&nbsp;</span>
                      <label className="check">
                        <input type="checkbox" checked={s.completed} onChange={(e) => setStep(i, { completed: e.target.checked })} />
                        Step {n}: log as already done
                      </label>
                    </div>
                  </div>
                  <div className="row-tight plan-step-actions">
                    <button type="button" className="button small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move up step ${n}`}>Move up</button>
                    <button type="button" className="button small" disabled={i === steps.length - 1} onClick={() => move(i, 1)} aria-label={`Move down step ${n}`}>Move down</button>
                    <button type="button" className="button small danger-text" onClick={() => setSteps((all) => all.filter((_, j) => j !== i))} aria-label={`Remove step ${n}`}>Remove</button>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <button type="button" className="button" onClick={() => setSteps((all) => [...all, toDraft(blankStep())])}>Add step</button>
        {count > 0 && <p className="form-error" role="alert">Please check the highlighted fields.</p>}
        {saveError && <p className="form-error" role="alert">The plan could not be saved: {saveError}</p>}
      </form>
    </Dialog>
  );
}
