/**
 * Outcome entry: complete an activity with the guide's "Always include" template, actual
 * duration, tags and follow-up. "Complete & schedule follow-up" then opens a prefilled create.
 * Completing before the due time asks to confirm first.
 */
import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { availableActions, refusalReason, typeLabel, type CompleteActivityInput } from '#shared/domain/index';
import { activityDetail } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { toShownError, type ShownError } from '../../lib/errors.ts';
import { formatWhen } from '../../lib/format.ts';
import { useInitialFocus } from '../../lib/focus.ts';
import {
  OUTCOME_SECTIONS, buildCompleteInput, followUpPrefill, isEarly, missingSections, parseOutcome,
  type OutcomeForm, type OutcomeSectionKey,
} from './outcome-model.ts';
import './outcome.css';

type Intent = 'complete' | 'followup';

const PLACEHOLDERS: Record<OutcomeSectionKey, string> = {
  discussed: 'e.g. Reviewed Q4 usage metrics (85% adoption, 92% satisfaction)',
  decisions: 'e.g. Customer agreed to an 8-week timeline if we provide a dedicated PM',
  actions: 'e.g. 1. Send revised SOW  2. Schedule kickoff for Jan 15',
  next: 'e.g. Send SOW by Dec 22; customer reviews with team',
  sentiment: 'e.g. Positive; interested in premium support tier',
};

export function OutcomeDialog({ lid }: { lid: string }) {
  const { db, commands, settings } = useApp();
  const close = useUiStore((s) => s.closeOutcome);
  const openCreate = useUiStore((s) => s.openCreate);
  const toast = useUiStore((s) => s.toast);
  const zone = settings.timeZone;
  const activity = useLiveQuery(() => activityDetail(db, lid).then((a) => a ?? null), [db, lid]);
  const [form, setForm] = useState<OutcomeForm | null>(null);
  const [errors, setErrors] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const firstRef = useInitialFocus<HTMLTextAreaElement>(!!activity);
  const [confirmEarly, setConfirmEarly] = useState<{ intent: Intent; input: CompleteActivityInput } | null>(null);

  if (activity === undefined) return null;
  if (activity === null) {
    return (
      <Dialog title="Complete activity" onClose={close} size="small">
        <p>That activity is no longer on this device.</p>
      </Dialog>
    );
  }
  const f: OutcomeForm = form ?? {
    sections: parseOutcome(activity.outcome),
    duration: '',
    tags: '',
    followUpRequired: activity.follow_up_required,
    followUpDate: activity.follow_up_date ?? '',
  };
  const set = (patch: Partial<OutcomeForm>) => setForm({ ...f, ...patch });
  const setSection = (key: OutcomeSectionKey, value: string) => set({ sections: { ...f.sections, [key]: value } });
  const canComplete = availableActions(activity.status).includes('complete');
  const missing = missingSections(f.sections);
  const fieldErr = (k: string) => errors?.fields[k];

  const run = async (intent: Intent, input: CompleteActivityInput) => {
    setBusy(true);
    setErrors(null);
    try {
      await commands.complete(lid, input);
      toast(`Completed "${activity.subject}".`, 'success');
      close();
      if (intent === 'followup') {
        openCreate(followUpPrefill(activity, input.follow_up_date ?? null, zone, f.sections));
      }
    } catch (e) {
      setErrors(toShownError(e));
      setBusy(false);
    }
  };

  const submit = (intent: Intent) => {
    // Scheduling the follow-up means one is required: the box shows it, so no message contradicts it.
    if (intent === 'followup' && !f.followUpRequired) set({ followUpRequired: true });
    const built = buildCompleteInput(f, intent === 'followup');
    if (!built.ok) {
      setErrors({ message: 'Please check the highlighted fields.', fields: built.errors });
      return;
    }
    if (isEarly(activity.due_at, Date.now())) {
      setConfirmEarly({ intent, input: built.value });
      return;
    }
    void run(intent, built.value);
  };

  const due = activity.due_at ? formatWhen(activity.due_at, zone, 'dateTime') : 'no due time';
  return (
    <>
      <Dialog
        title={`Complete: ${activity.subject}`}
        onClose={close}
        size="large"
        description={`${typeLabel(activity.type)} · due ${due}${activity.activityable?.name ? ` · ${activity.activityable.name}` : ''}`}
        footer={
          <>
            <button type="button" className="button" onClick={close}>Not now</button>
            <button type="button" className="button" disabled={busy || !canComplete} onClick={() => submit('followup')}>
              Complete &amp; schedule follow-up
            </button>
            <button type="button" className="button primary" disabled={busy || !canComplete} onClick={() => submit('complete')}>
              Complete
            </button>
          </>
        }
      >
        <form className="form fb-outcome" onSubmit={(e) => { e.preventDefault(); submit('complete'); }}>
          {!canComplete && (
            <p className="form-error" role="alert">
              {refusalReason(activity.status, 'complete')}
            </p>
          )}
          <fieldset className="fb-outcome-sections fb-outcome-grid">
            <legend>Outcome <span className="muted small">(the guide: always include each of these)</span></legend>
            {OUTCOME_SECTIONS.map(({ key, heading }, i) => (
              <Field key={key} label={heading} errors={i === 0 ? fieldErr('outcome') : undefined} className={i < 3 ? 'span-2' : ''}>
                <textarea
                  rows={2}
                  value={f.sections[key]}
                  placeholder={PLACEHOLDERS[key]}
                  onChange={(e) => setSection(key, e.target.value)}
                  ref={i === 0 ? firstRef : undefined}
                />
              </Field>
            ))}
            {missing.length > 0 && missing.length < OUTCOME_SECTIONS.length && (
              <p className="field-warning span-2">Still empty: {missing.join(', ')}.</p>
            )}
          </fieldset>
          <div className="form-grid">
            <Field label="Actual duration (minutes)" errors={fieldErr('duration_minutes')}
              hint={activity.duration_minutes ? `Planned: ${activity.duration_minutes} min. Leave empty to keep it.` : 'Leave empty if not tracked.'}>
              <input type="text" inputMode="numeric" value={f.duration} onChange={(e) => set({ duration: e.target.value })} />
            </Field>
            <Field label="Tags" errors={fieldErr('tags')} hint={`Comma-separated; added to ${activity.tags.length ? activity.tags.join(', ') : 'the existing ones'}.`}>
              <input type="text" value={f.tags} onChange={(e) => set({ tags: e.target.value })} placeholder="e.g. completed, positive" />
            </Field>
            <label className="check">
              <input type="checkbox" checked={f.followUpRequired} onChange={(e) => set({ followUpRequired: e.target.checked })} />
              Follow-up required
            </label>
            <Field label="Follow-up date" errors={fieldErr('follow_up_date')} hint="A date, no time: it never shifts.">
              <input type="date" value={f.followUpDate} onChange={(e) => set({ followUpDate: e.target.value })} />
            </Field>
          </div>
          {errors && !Object.keys(errors.fields).some((k) => ['outcome', 'duration_minutes', 'tags', 'follow_up_date'].includes(k)) && (
            <p className="form-error" role="alert">{errors.message}</p>
          )}
          {errors && Object.keys(errors.fields).length > 0 && <p className="sr-only" role="alert">{errors.message}</p>}
        </form>
      </Dialog>
      {confirmEarly && (
        <ConfirmDialog
          title="Complete before it's due?"
          message={<p>"{activity.subject}" is due {due}. Complete it now anyway?</p>}
          confirmLabel="Complete now"
          onCancel={() => setConfirmEarly(null)}
          onConfirm={() => {
            const c = confirmEarly;
            setConfirmEarly(null);
            void run(c.intent, c.input);
          }}
        />
      )}
    </>
  );
}
