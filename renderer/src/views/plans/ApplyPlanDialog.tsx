/**
 * Apply a plan to a record: pick the plan and the start, see every activity it will create with
 * its date and time here and at the customer's, and the warnings (outside working hours, a
 * non-working day, an over-booked day, back-to-back: the rules the calendar uses), shift one step
 * or the whole plan while the warnings follow, then create them all in one local transaction.
 */
import { useMemo, useState } from 'react';
import { TZDate } from '@date-fns/tz';
import {
  ACTIVITY_TYPE_LABELS, ACTIVITYABLE_TYPES, STEP_WARNING_TEXT, expandPlan, toIsoInstant,
  type ActivityableType, type ExpandOptions, type FieldErrors, type Plan,
} from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { useEntity } from '../../data/entities.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { EntityPicker, type EntityValue } from '../../components/EntityPicker.tsx';
import { Field } from '../../components/Field.tsx';
import { formatInstant, fromLocalInput, toLocalInput } from '../../lib/format.ts';
import { useCalendarRange } from '../../lib/hooks.ts';
import { toShownError } from '../../lib/errors.ts';
import { useUiStore } from '../../state/store.ts';
import { usePlanCommands, usePlans } from './plan-store.ts';
import './plans.css';
import { useBusyBlocks } from '../../caldav/busy.ts';

const DAY_MIN = 24 * 60;

export interface ApplyPlanDialogProps {
  /** The record the plan is for; null: the rep picks one here. */
  record: EntityValue<ActivityableType> | null;
  /** Where the plan starts; default: the next working day at the start of working hours. */
  start?: string | null;
  /** The plan chosen first (e.g. the QBR follow-up from a completed meeting). */
  planId?: string;
  onClose: () => void;
  /** After the activities are written. */
  onApplied?: (count: number) => void;
}

/** The next weekday (Mon–Fri) from now at the start of the rep's working hours. */
function defaultStart(zone: string, workStart: string): string {
  const now = new TZDate(Date.now(), zone);
  const [h = 9, m = 0] = workStart.split(':').map(Number);
  let d = new TZDate(now.getFullYear(), now.getMonth(), now.getDate() + 1, h, m, zone);
  while (d.getDay() === 0 || d.getDay() === 6) d = new TZDate(d.getFullYear(), d.getMonth(), d.getDate() + 1, h, m, zone);
  return toIsoInstant(d.getTime());
}

export function ApplyPlanDialog(props: ApplyPlanDialogProps) {
  const plans = usePlans();
  if (plans === undefined) return null;
  return <ApplyPlan {...props} plans={plans} />;
}

function ApplyPlan({ record: given, start: givenStart, planId, onClose, onApplied, plans }: ApplyPlanDialogProps & { plans: Plan[] }) {
  const { settings } = useApp();
  const tz = settings.timeZone;
  const toast = useUiStore((s) => s.toast);
  const planCommands = usePlanCommands();
  const [chosen, setChosen] = useState(() => (plans.some((p) => p.id === planId) ? planId : plans[0]?.id) ?? '');
  const [record, setRecord] = useState<EntityValue<ActivityableType> | null>(given);
  const [startText, setStartText] = useState(() => toLocalInput(givenStart ?? defaultStart(tz, settings.workingHours.start), tz));
  const [shifts, setShifts] = useState<number[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const entity = useEntity(record?.type, record?.id);

  const plan = plans.find((p) => p.id === chosen) ?? null;
  const startIso = startText ? fromLocalInput(startText, tz) : null;
  const base: Omit<ExpandOptions, 'booked'> | null = useMemo(() => {
    if (!plan || !startIso || !record) return null;
    return {
      start: startIso, timeZone: tz, shifts, workingHours: settings.workingHours,
      record: { type: record.type, id: record.id, name: entity?.name ?? record.id, time_zone: entity?.time_zone ?? null },
    };
  }, [plan, startIso, record, entity, tz, shifts, settings.workingHours]);
  // The rep's calendar over the days the plan covers (first expanded without it to know which days).
  const span = useMemo(() => {
    if (!plan || !base) return null;
    const ms = expandPlan(plan, base).map((e) => Date.parse(e.at));
    return { from: Math.min(...ms) - DAY_MIN * 60_000, to: Math.max(...ms) + 2 * DAY_MIN * 60_000 };
  }, [plan, base]);
  const booked = useCalendarRange(span?.from ?? null, span?.to ?? null);
  // And the rep's other calendar events (busy time, issue #14).
  const busyTime = useBusyBlocks(span?.from ?? null, span?.to ?? null);
  const preview = useMemo(() => (plan && base ? expandPlan(plan, { ...base, booked: booked ?? [], busy: busyTime }) : null), [plan, base, booked, busyTime]);

  const shiftStep = (i: number, minutes: number) => setShifts((s) => {
    const next = [...s];
    while (next.length <= i) next.push(0);
    next[i] = (next[i] ?? 0) + minutes;
    return next;
  });
  const shiftAll = (minutes: number) => {
    if (!startIso) return;
    setStartText(toLocalInput(toIsoInstant(Date.parse(startIso) + minutes * 60_000), tz));
  };
  /** The rep typed a time for one step: the shift is the difference from where the plan puts it. */
  const setStepTime = (i: number, value: string, currentIso: string) => {
    const iso = value ? fromLocalInput(value, tz) : null;
    if (!iso) return;
    shiftStep(i, Math.round((Date.parse(iso) - Date.parse(currentIso)) / 60_000));
  };

  async function create() {
    if (!plan) return setErrors({ plan: ['Choose a plan.'] });
    if (!record) return setErrors({ record: ['Choose the record the activities are for.'] });
    if (!base) return setErrors({ start: ['Enter when the plan starts.'] });
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const r = await planCommands.applyPlan(plan, base);
      toast(`${r.rows.length} ${r.rows.length === 1 ? 'activity' : 'activities'} created from “${plan.name}”.`, 'success');
      onApplied?.(r.rows.length);
      onClose();
    } catch (x) {
      const s = toShownError(x);
      setErrors(s.fields);
      setFormError(s.message);
    } finally {
      setBusy(false);
    }
  }

  const warned = preview?.filter((e) => e.warnings.length > 0).length ?? 0;
  const count = preview?.length ?? 0;
  return (
    <Dialog
      title="Apply a plan"
      onClose={onClose}
      size="large"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button type="button" className="button primary" disabled={busy || !preview} onClick={() => { void create(); }}>
            Create {count} {count === 1 ? 'activity' : 'activities'}
          </button>
        </>
      }
    >
      <div className="apply-plan">
        <div className="form-grid">
          <Field label="Plan" errors={errors.plan}>
            <select value={chosen} onChange={(e) => { setChosen(e.target.value); setShifts([]); }} data-autofocus>
              {plans.length === 0 && <option value="">No plans: add one in Settings</option>}
              {plans.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </Field>
          <Field label="Start" errors={errors.start} hint={`Day 0 of the plan, in ${tz}.`}>
            <input type="datetime-local" value={startText} onChange={(e) => setStartText(e.target.value)} />
          </Field>
          {given ? (
            <div className="field span-2">
              <span className="field-label-like">For</span>
              <span>{entity?.name ?? given.id}</span>
            </div>
          ) : (
            <div className="span-2">
              <EntityPicker<ActivityableType> label="Related record" types={ACTIVITYABLE_TYPES} value={record} onChange={setRecord}
                errors={errors.record} defaultType="opportunity" />
            </div>
          )}
        </div>
        <div className="row-tight plan-shift-all" role="group" aria-label="Shift the whole plan">
          <span className="muted small">Whole plan:</span>
          <button type="button" className="button small" disabled={!startIso} onClick={() => shiftAll(-DAY_MIN)}>A day earlier</button>
          <button type="button" className="button small" disabled={!startIso} onClick={() => shiftAll(DAY_MIN)}>A day later</button>
        </div>
        {!record && <p className="muted small">Choose the record to see the activities.</p>}
        {preview && (
          <>
            <p className="muted small" role="status">
              {warned === 0 ? `${count} activities, no warnings.` : `${warned} of ${count} steps need a look.`}
            </p>
            <ol className="plan-preview" aria-label="Activities to create">
              {preview.map((e) => {
                const stepErrors = Object.entries(e.errors ?? {}).flatMap(([, v]) => v)
                  .concat(Object.entries(errors).filter(([k]) => k.startsWith(`steps.${e.index}.`)).flatMap(([, v]) => v));
                const name = e.input.subject;
                return (
                  <li key={e.index} className={`plan-preview-step ${e.warnings.length ? 'has-warning' : ''}`} aria-label={`Step ${e.index + 1}: ${name}`}>
                    <div className="plan-preview-main">
                      <strong>{name}</strong>
                      <span className="muted"> · {ACTIVITY_TYPE_LABELS[e.step.type]}{e.step.duration_minutes ? `, ${e.step.duration_minutes} min` : ''}</span>
                      <div className="plan-preview-when">
                        {e.step.completed ? 'Logged as done ' : ''}{formatInstant(e.at, tz)} <span className="muted">({e.local.rep.abbreviation})</span>
                        {e.local.label && <span className="plan-customer-time"> · {e.local.label}</span>}
                      </div>
                      {e.warnings.length > 0 && (
                        <ul className="plan-warnings" aria-label={`Warnings for step ${e.index + 1}`}>
                          {e.warnings.map((w) => <li key={w}><span aria-hidden="true">⚠ </span>{STEP_WARNING_TEXT[w]}</li>)}
                        </ul>
                      )}
                      {stepErrors.length > 0 && <ul className="field-errors">{stepErrors.map((m) => <li key={m}>{m}</li>)}</ul>}
                    </div>
                    <div className="plan-preview-shift">
                      <Field label={`When: step ${e.index + 1}`}>
                        <input type="datetime-local" value={toLocalInput(e.at, tz)} onChange={(ev) => setStepTime(e.index, ev.target.value, e.at)} />
                      </Field>
                      <div className="row-tight">
                        <button type="button" className="button small" aria-label={`Step ${e.index + 1} a day earlier`} onClick={() => shiftStep(e.index, -DAY_MIN)}>A day earlier</button>
                        <button type="button" className="button small" aria-label={`Step ${e.index + 1} a day later`} onClick={() => shiftStep(e.index, DAY_MIN)}>A day later</button>
                      </div>
                    </div>
                  </li>
                );
              })}
            </ol>
          </>
        )}
        {formError && <p className="form-error" role="alert">{formError}</p>}
      </div>
    </Dialog>
  );
}
