/**
 * Create or edit an activity: every field of the guide, all field errors at once from the shared
 * validation, and the day-load warnings (over-scheduled, back to back) following the due time and
 * duration as they are typed. A new one starts at the clicked slot or the next free one, for as
 * long as its type usually takes.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { TZDate } from '@date-fns/tz';
import {
  ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, ACTIVITY_STATUS_LABELS, ACTIVITYABLE_TYPES, NOTES_FIELDS, PATCHABLE_STATUSES,
  PRIORITIES, PRIORITY_LABELS, createActivitySchema, isKnownPriority, isKnownType, priorityLabel, typeLabel, defaultReminderAt, reminderLead, updateActivitySchema, vagueSubjectHint,
  validate, type ActivityableType, type ActivityType, type ActivityTypeValue, type PriorityValue, type CreateActivityInput, type FieldErrors,
} from '#shared/domain/index';
import type { LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { useActivity } from '../../data/activities.ts';
import { useUsers } from '../../data/entities.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { EntityPicker, type EntityValue } from '../../components/EntityPicker.tsx';
import { Field } from '../../components/Field.tsx';
import { formatInstant, formatLead, fromLocalInput, toLocalInput } from '../../lib/format.ts';
import { otherErrors, toShownError } from '../../lib/errors.ts';
import { useUiStore } from '../../state/store.ts';
import { NO_REPEAT, REPEAT_ERROR_KEYS, RepeatFields, SeriesScopeChooser, repeatRule, seriesIdOf } from '../../components/series/RepeatFields.tsx';
import { useSeriesCommands } from '../../components/series/useSeries.ts';
import { CustomerLocalTime } from '../../components/local-time/CustomerLocalTime.tsx';
import { seriesLink, toIsoInstant, type SeriesScope } from '#shared/domain/index';
import { nextFreeSlot, slotWarnings } from '../calendar/calendar-model.ts';
import { useCalendarRange } from '../../lib/hooks.ts';
import { WarningList } from '../calendar/MoveDialog.tsx';
import { durationFor } from './durations.ts';
import { useBusyBlocks } from '../../caldav/busy.ts';
import { ApplyPlanDialog } from '../plans/ApplyPlanDialog.tsx';

export function ActivityFormDialog() {
  const prefill = useUiStore((s) => s.createPrefill);
  const editLid = useUiStore((s) => s.editLid);
  const existing = useActivity(editLid);
  if (editLid && existing === undefined) return null;
  return <ActivityForm key={editLid ?? 'new'} existing={editLid ? existing ?? null : null} prefill={prefill ?? {}} />;
}

/** Form state: strings as typed; converted and validated on submit. */
interface Draft {
  type: ActivityTypeValue;
  subject: string;
  entity: EntityValue<ActivityableType> | null;
  contact: EntityValue<'contact'> | null;
  assigned_user_id: string;
  priority: PriorityValue;
  status: string;
  due: string;
  duration: string;
  /** False while the duration follows the type's default. */
  durationTouched: boolean;
  /** False while the due time is the app's proposal (the next free slot), not the rep's or the slot's. */
  dueTouched: boolean;
  reminder: string;
  /** False while the reminder follows the type's default. */
  reminderTouched: boolean;
  location: string;
  description: string;
  outcome: string;
  follow_up_required: boolean;
  follow_up_date: string;
  tags: string;
  is_billable: boolean;
  billable_rate: string;
}

function draftFrom(a: LocalActivity | null, p: Partial<CreateActivityInput>, tz: string, me: string, durations: Record<string, number>): Draft {
  const src = a ?? p;
  const type = src.type ?? 'call';
  const durationTouched = !!a || src.duration_minutes !== undefined;
  return {
    type,
    subject: src.subject ?? '',
    entity: src.activityable_type && src.activityable_id ? { type: src.activityable_type, id: src.activityable_id } : null,
    contact: src.contact_id ? { type: 'contact', id: src.contact_id } : null,
    assigned_user_id: src.assigned_user_id ?? me,
    priority: src.priority ?? 'medium',
    status: src.status ?? 'pending',
    due: toLocalInput(src.due_at, tz),
    duration: durationTouched ? (src.duration_minutes != null ? String(src.duration_minutes) : '') : String(durationFor(type, durations)),
    durationTouched,
    dueTouched: !!a || !!src.due_at,
    reminder: toLocalInput(src.reminder_at, tz),
    reminderTouched: !!a || src.reminder_at !== undefined,
    location: src.location ?? '',
    description: src.description ?? '',
    outcome: src.outcome ?? '',
    follow_up_required: src.follow_up_required ?? false,
    follow_up_date: src.follow_up_date ?? '',
    tags: (src.tags ?? []).join(', '),
    is_billable: src.is_billable ?? false,
    billable_rate: src.billable_rate != null ? String(src.billable_rate) : '',
  };
}

function numberOrRaw(s: string): number | string | null {
  const t = s.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The draft as the API's fields (create shape); bad values are passed through so validation names them. */
function toInput(d: Draft, tz: string): Record<string, unknown> {
  const due = d.due ? fromLocalInput(d.due, tz) ?? d.due : null;
  const out: Record<string, unknown> = {
    type: d.type,
    subject: d.subject,
    activityable_type: d.entity?.type,
    activityable_id: d.entity?.id,
    contact_id: d.contact?.id ?? null,
    assigned_user_id: d.assigned_user_id || undefined,
    priority: d.priority,
    due_at: due,
    duration_minutes: numberOrRaw(d.duration),
    location: d.location.trim() || null,
    description: d.description.trim() || null,
    follow_up_required: d.follow_up_required,
    follow_up_date: d.follow_up_date || null,
    tags: d.tags.split(',').map((t) => t.trim()).filter(Boolean),
    is_billable: d.is_billable,
    billable_rate: d.is_billable ? numberOrRaw(d.billable_rate) : null,
  };
  if (d.reminderTouched) out.reminder_at = d.reminder ? fromLocalInput(d.reminder, tz) ?? d.reminder : null;
  if (out.assigned_user_id === undefined) delete out.assigned_user_id;
  return out;
}

/** Checks that span fields, run even when a single field is wrong, so every error shows at once. */
function crossFieldErrors(dueAt: unknown, reminderAt: unknown): FieldErrors {
  if (typeof dueAt !== 'string' || typeof reminderAt !== 'string') return {};
  const [due, rem] = [Date.parse(dueAt), Date.parse(reminderAt)];
  if (Number.isNaN(due) || Number.isNaN(rem) || rem <= due) return {};
  return { reminder_at: ['The reminder must be at or before the due time.'] };
}

function mergeErrors(a: FieldErrors, b: FieldErrors): FieldErrors {
  const out: FieldErrors = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = [...new Set([...(out[k] ?? []), ...v])];
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function ActivityForm({ existing, prefill }: { existing: LocalActivity | null; prefill: Partial<CreateActivityInput> }) {
  const { commands, settings, currentUser } = useApp();
  const tz = settings.timeZone;
  const close = useUiStore((s) => s.closeForm);
  const toast = useUiStore((s) => s.toast);
  const users = useUsers();
  const durations = settings.durations as Record<string, number>;
  const [d, setD] = useState<Draft>(() => draftFrom(existing, prefill, tz, currentUser?.id ?? '', durations));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const notesOnly = existing?.status === 'completed';
  const locked = (f: string) => notesOnly && !(NOTES_FIELDS as readonly string[]).includes(f);
  const hint = vagueSubjectHint(d.subject);
  const formId = useId();
  // Issue 7: repeat on create; "this one / this and following" when editing a series member.
  const series = useSeriesCommands();
  const [repeat, setRepeat] = useState(NO_REPEAT);
  /** Create only: log something that already happened (a visit, a call, a note) as completed. */
  const [loggedDone, setLoggedDone] = useState(false);
  const [scope, setScope] = useState<SeriesScope>('this');
  /** Create only: schedule a whole activity plan for the record instead (issue 15). */
  const [applyingPlan, setApplyingPlan] = useState(false);
  const inSeries = !!seriesIdOf(existing);

  // Nothing clicked: propose the next free slot of the rep's calendar (until the rep types a time).
  const [openedAt] = useState(() => Date.now());
  const proposing = !existing && !d.dueTouched;
  const upcoming = useCalendarRange(proposing ? openedAt : null, proposing ? openedAt + 15 * 86_400_000 : null);
  const proposed = useRef(false);
  useEffect(() => {
    if (!proposing || !upcoming || proposed.current) return;
    proposed.current = true;
    const minutes = Number(d.duration) > 0 ? Number(d.duration) : 30;
    const at = nextFreeSlot(openedAt, minutes, upcoming, tz, settings.workingHours);
    if (at) setD((x) => (x.dueTouched ? x : { ...x, due: toLocalInput(toIsoInstant(at.getTime()), tz) }));
  }, [proposing, upcoming, openedAt, d.duration, tz, settings.workingHours]);

  // The day the due time names, read here (it may be off screen): the warnings follow what is typed.
  const dueIso = d.due ? fromLocalInput(d.due, tz) : null;
  const dueMs = dueIso ? Date.parse(dueIso) : Number.NaN;
  const dayBounds = useMemo(() => {
    if (Number.isNaN(dueMs)) return null;
    const local = new TZDate(dueMs, tz);
    return {
      start: new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), tz).getTime(),
      end: new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + 1, tz).getTime(),
    };
  }, [dueMs, tz]);
  const dayRows = useCalendarRange(dayBounds?.start ?? null, dayBounds?.end ?? null);
  const dayBusy = useBusyBlocks(dayBounds?.start ?? null, dayBounds?.end ?? null);
  const loadWarnings = useMemo(() => {
    if (!dayRows || Number.isNaN(dueMs) || notesOnly || loggedDone) return [];
    const n = Number(d.duration.trim());
    const minutes = d.duration.trim() && Number.isFinite(n) && n > 0 ? n : 30;
    return slotWarnings({ start: new Date(dueMs), end: new Date(dueMs + minutes * 60_000) }, dayRows, tz, existing?.lid, dayBusy);
  }, [dayRows, dayBusy, dueMs, d.duration, tz, existing?.lid, notesOnly, loggedDone]);

  const changeType = (type: ActivityType) =>
    setD((x) => ({ ...x, type, duration: x.durationTouched ? x.duration : String(durationFor(type, durations)) }));

  const defaultReminder = useMemo(() => {
    const lead = reminderLead(d.type, settings.reminderLeads);
    const due = d.due ? fromLocalInput(d.due, tz) : null;
    const at = defaultReminderAt(d.type, due, settings.reminderLeads);
    return { lead, at };
  }, [d.type, d.due, settings.reminderLeads, tz]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setFormError(null);
    const input = toInput(d, tz);
    let result;
    if (existing) {
      // Send only what changed, so a completed activity's notes-only rule and merges stay exact.
      const patch: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) {
        if (!same(v, (existing as unknown as Record<string, unknown>)[k])) patch[k] = v;
      }
      if (!notesOnly && d.status !== existing.status) patch.status = d.status;
      if (notesOnly && d.outcome !== (existing.outcome ?? '')) patch.outcome = d.outcome || null;
      if (Object.keys(patch).length === 0) { close(); return; }
      result = validate(updateActivitySchema, patch);
      const cross = crossFieldErrors(patch.due_at !== undefined ? patch.due_at : existing.due_at, patch.reminder_at !== undefined ? patch.reminder_at : existing.reminder_at);
      if (!result.ok || Object.keys(cross).length) { setErrors(mergeErrors(result.ok ? {} : result.errors, cross)); return; }
      setErrors({});
      setBusy(true);
      try {
        if (inSeries) {
          const r = await series.editSeries(existing.lid, patch, scope);
          toast(`Changes saved on this device (${r.updated.length} ${r.updated.length === 1 ? 'activity' : 'activities'}${r.skipped.length ? `, ${r.skipped.length} closed ones left as they were` : ''}).`, 'success');
        } else {
          await commands.update(existing.lid, patch);
          toast('Changes saved on this device.', 'success');
        }
        close();
      } catch (x) {
        const s = toShownError(x);
        setErrors(s.fields);
        setFormError(s.message);
      } finally {
        setBusy(false);
      }
      return;
    }
    // A prefill may log a finished activity (e.g. a completed note); keep those fields.
    if (prefill.status) input.status = prefill.status;
    if (prefill.completed_at) input.completed_at = prefill.completed_at;
    if (prefill.outcome) input.outcome = prefill.outcome;
    if (loggedDone && !repeat.enabled) {
      // It happened already: completed when it was due (or now), no reminder to fire.
      input.status = 'completed';
      const due = typeof input.due_at === 'string' ? input.due_at : null;
      input.completed_at = due && Date.parse(due) <= Date.now() ? due : toIsoInstant(Date.now());
      input.reminder_at = null;
      if (d.outcome.trim()) input.outcome = d.outcome.trim();
    }
    result = validate(createActivitySchema, input);
    const cross = crossFieldErrors(input.due_at, input.reminder_at ?? defaultReminder.at);
    if (!result.ok || Object.keys(cross).length) { setErrors(mergeErrors(result.ok ? {} : result.errors, cross)); return; }
    setErrors({});
    setBusy(true);
    try {
      const row = repeat.enabled ? (await series.createSeries(input, repeatRule(repeat, tz))).rows[0] : await commands.create(input);
      if (!row) throw new Error('The series has no occurrences.');
      // Back to where the rep was; the notice opens what was made, for when it is wanted.
      toast(repeat.enabled ? 'Recurring series created.' : 'Activity created.', 'success', { label: 'Open', lid: row.lid });
      close();
    } catch (x) {
      const s = toShownError(x);
      setErrors(s.fields);
      setFormError(s.message);
    } finally {
      setBusy(false);
    }
  }

  const shownKeys = ['type', 'subject', 'activityable_type', 'activityable_id', 'contact_id', 'assigned_user_id', 'priority', 'status',
    'due_at', 'duration_minutes', 'reminder_at', 'location', 'description', 'outcome', 'follow_up_required', 'follow_up_date', 'tags',
    'is_billable', 'billable_rate', ...(repeat.enabled ? REPEAT_ERROR_KEYS : [])];
  const other = otherErrors(errors, shownKeys).concat(Object.entries(errors).filter(([k]) => k.startsWith('tags.')).flatMap(([, v]) => v));
  const err = (k: string) => errors[k];

  return (
    <Dialog
      title={existing ? (notesOnly ? 'Edit notes' : 'Edit activity') : 'New activity'}
      onClose={close}
      size="large"
      footer={
        <>
          {!existing && <button type="button" className="button" onClick={() => setApplyingPlan(true)}>Apply a plan…</button>}
          <button type="button" className="button" onClick={close}>Discard</button>
          <button type="submit" form={formId} className="button primary" disabled={busy}>{existing ? 'Save changes' : 'Create activity'}</button>
        </>
      }
      description={notesOnly ? 'This activity is completed: only the description, outcome and tags can change.' : undefined}
    >
      <form id={formId} className="form" onSubmit={(e) => { void submit(e); }} noValidate aria-label={existing ? 'Edit activity' : 'New activity'}>
        <div className="form-grid">
          <Field label="Type" errors={err('type')}>
            <select value={d.type} disabled={locked('type')} onChange={(e) => changeType(e.target.value as ActivityType)}>
              {ACTIVITY_TYPES.map((t) => <option key={t} value={t}>{ACTIVITY_TYPE_LABELS[t]}</option>)}
              {!isKnownType(d.type) && <option value={d.type}>{typeLabel(d.type)}</option>}
            </select>
          </Field>
          <Field label="Priority" errors={err('priority')}>
            <select value={d.priority} disabled={locked('priority')} onChange={(e) => set('priority', e.target.value as PriorityValue)}>
              {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABELS[p]}</option>)}
              {!isKnownPriority(d.priority) && <option value={d.priority}>{priorityLabel(d.priority)}</option>}
            </select>
          </Field>
          <Field label="Subject" errors={err('subject')} warning={locked('subject') ? null : hint} className="span-2">
            <input type="text" value={d.subject} disabled={locked('subject')} onChange={(e) => set('subject', e.target.value)}
              placeholder="e.g. Discovery call - pricing with Acme CFO" data-autofocus />
          </Field>
          <div className="span-2">
            <EntityPicker<ActivityableType>
              label="Related record"
              types={ACTIVITYABLE_TYPES}
              value={d.entity}
              defaultType="customer"
              onChange={(v) => set('entity', v)}
              errors={locked('activityable_id') ? undefined : (err('activityable_id') ?? err('activityable_type'))}
            />
          </div>
          <div>
            <EntityPicker<'contact'>
              label="Contact"
              types={['contact']}
              value={d.contact}
              clearable
              onChange={(v) => set('contact', v)}
              errors={err('contact_id')}
            />
          </div>
          <Field label="Assigned to" errors={err('assigned_user_id')}>
            <select value={d.assigned_user_id} disabled={locked('assigned_user_id')} onChange={(e) => set('assigned_user_id', e.target.value)}>
              {currentUser && <option value={currentUser.id}>Me ({currentUser.name})</option>}
              {!currentUser && <option value="">Me</option>}
              {(users ?? []).filter((u) => u.id !== currentUser?.id).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              {d.assigned_user_id && d.assigned_user_id !== currentUser?.id && !users?.some((u) => u.id === d.assigned_user_id) && (
                <option value={d.assigned_user_id}>{d.assigned_user_id}</option>
              )}
            </select>
          </Field>
          <Field label="Due" errors={err('due_at')} hint={<>Time zone: {tz} <CustomerLocalTime dueIso={d.due ? fromLocalInput(d.due, tz) : null} repZone={tz} entity={d.entity} contactId={d.contact?.id ?? null} /></>}>
            <input type="datetime-local" value={d.due} disabled={locked('due_at')} onChange={(e) => setD((x) => ({ ...x, due: e.target.value, dueTouched: true }))} />
          </Field>
          <Field label="Duration (minutes)" errors={err('duration_minutes')}
            hint={d.durationTouched ? undefined : `Default for ${typeLabel(d.type)}; change it in Settings.`}>
            <input type="number" min={0} step={5} value={d.duration} disabled={locked('duration_minutes')}
              onChange={(e) => setD((x) => ({ ...x, duration: e.target.value, durationTouched: true }))} />
          </Field>
          {loadWarnings.length > 0 && <div className="span-2"><WarningList warnings={loadWarnings} /></div>}
          <Field
            label="Reminder"
            errors={err('reminder_at')}
            hint={
              d.reminderTouched
                ? <>Default for {typeLabel(d.type)}: {formatLead(defaultReminder.lead)}. <button type="button" className="button link small" onClick={() => setD((x) => ({ ...x, reminderTouched: false, reminder: '' }))}>Use default</button></>
                : `Default for ${typeLabel(d.type)}: ${formatLead(defaultReminder.lead)}${defaultReminder.at ? ` (${formatInstant(defaultReminder.at, tz, 'dayTime')})` : ''}`
            }
          >
            <input
              type="datetime-local"
              value={d.reminderTouched ? d.reminder : toLocalInput(defaultReminder.at, tz)}
              disabled={locked('reminder_at')}
              onChange={(e) => setD((x) => ({ ...x, reminder: e.target.value, reminderTouched: true }))}
            />
          </Field>
          {existing && !notesOnly && (
            <Field label="Status" errors={err('status')} hint="Use Complete or Cancel to close an activity.">
              <select value={d.status} onChange={(e) => set('status', e.target.value)}>
                {PATCHABLE_STATUSES.map((s) => <option key={s} value={s}>{ACTIVITY_STATUS_LABELS[s]}</option>)}
              </select>
            </Field>
          )}
          <Field label="Location" errors={err('location')} className={existing && !notesOnly ? '' : 'span-2'}>
            <input type="text" value={d.location} disabled={locked('location')} onChange={(e) => set('location', e.target.value)} />
          </Field>
          <Field label="Description" errors={err('description')} className="span-2">
            <textarea value={d.description} rows={2} onChange={(e) => set('description', e.target.value)} />
          </Field>
          {!existing && !repeat.enabled && (
            <div className="field span-2">
              <label className="check">
                <input type="checkbox" checked={loggedDone} onChange={(e) => setLoggedDone(e.target.checked)} />
                Already done: log it as completed
              </label>
            </div>
          )}
          {(notesOnly || (loggedDone && !existing && !repeat.enabled)) && (
            <Field label="Outcome" errors={err('outcome')} className="span-2">
              <textarea value={d.outcome} rows={4} onChange={(e) => set('outcome', e.target.value)} />
            </Field>
          )}
          <Field label="Tags" errors={err('tags')} hint="Separate tags with commas.">
            <input type="text" value={d.tags} onChange={(e) => set('tags', e.target.value)} />
          </Field>
          <div className="field">
            <span className="field-label-like" aria-hidden="true">&nbsp;</span>
            <label className="check">
              <input type="checkbox" checked={d.follow_up_required} disabled={locked('follow_up_required')} onChange={(e) => set('follow_up_required', e.target.checked)} />
              Follow-up required
            </label>
          </div>
          <Field label="Follow-up date" errors={err('follow_up_date')} hint="A calendar date; it does not move with time zones.">
            <input type="date" value={d.follow_up_date} disabled={locked('follow_up_date')} onChange={(e) => set('follow_up_date', e.target.value)} />
          </Field>
          <div className="field">
            <span className="field-label-like" aria-hidden="true">&nbsp;</span>
            <label className="check">
              <input type="checkbox" checked={d.is_billable} disabled={locked('is_billable')} onChange={(e) => set('is_billable', e.target.checked)} />
              Billable
            </label>
          </div>
          {d.is_billable && (
            <Field label="Billable rate (per hour)" errors={err('billable_rate')}>
              <input type="number" min={0} step="0.01" value={d.billable_rate} disabled={locked('billable_rate')} onChange={(e) => set('billable_rate', e.target.value)} />
            </Field>
          )}
        </div>
        {!existing && <RepeatFields draft={repeat} onChange={setRepeat} startIso={d.due ? fromLocalInput(d.due, tz) : null} timeZone={tz} errors={errors} />}
        {existing && inSeries && !notesOnly && <SeriesScopeChooser value={scope} onChange={setScope} index={seriesLink(existing)?.index ?? null} />}
        {(formError || other.length > 0) && (
          <p className="form-error" role="alert">{[formError, ...other].filter(Boolean).join(' ')}</p>
        )}
        {Object.keys(errors).length > 0 && !formError && other.length === 0 && (
          <p className="form-error" role="alert">Please check the highlighted fields.</p>
        )}
      </form>
      {applyingPlan && (
        <ApplyPlanDialog record={d.entity} start={dueIso} onClose={() => setApplyingPlan(false)} onApplied={close} />
      )}
    </Dialog>
  );
}
