/** Cancel and reschedule one activity: small forms over the domain commands, errors per field. */
import { useState, type FormEvent } from 'react';
import type { LocalActivity } from '#shared/sync/types';
import { useApp } from '../app/context.tsx';
import { useUiStore } from '../state/store.ts';
import { Dialog } from './Dialog.tsx';
import { Field } from './Field.tsx';
import { fromLocalInput, toLocalInput } from './format.ts';
import { toShownError, otherErrors, type ShownError } from './errors.ts';

export function CancelDialog({ activity, onClose }: { activity: LocalActivity; onClose: () => void }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [reason, setReason] = useState('');
  const [reschedule, setReschedule] = useState(false);
  const [when, setWhen] = useState(toLocalInput(activity.due_at, settings.timeZone));
  const [err, setErr] = useState<ShownError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input: Record<string, unknown> = {};
    if (reason.trim()) input.reason = reason.trim();
    if (reschedule) {
      input.reschedule = true;
      const iso = fromLocalInput(when, settings.timeZone);
      if (iso) input.reschedule_date = iso;
    }
    try {
      const out = await commands.cancel(activity.lid, input);
      toast(out.rescheduled ? 'Cancelled; a new copy is scheduled.' : 'Activity cancelled.', 'success');
      onClose();
    } catch (x) {
      setErr(toShownError(x));
    }
  }

  const other = err ? otherErrors(err.fields, ['reason', 'reschedule_date']) : [];
  return (
    <Dialog title="Cancel activity" onClose={onClose} size="small" description={activity.subject}>
      <form className="form" onSubmit={(e) => { void submit(e); }} noValidate>
        <Field label="Reason (optional)" errors={err?.fields.reason}>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={reschedule} onChange={(e) => setReschedule(e.target.checked)} />
          Schedule a new copy
        </label>
        {reschedule && (
          <Field label="New date and time" errors={err?.fields.reschedule_date} hint={`Time zone: ${settings.timeZone}`}>
            <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
          </Field>
        )}
        {err && (other.length > 0 || Object.keys(err.fields).length === 0) && <p className="form-error" role="alert">{other.join(' ') || err.message}</p>}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>Keep it</button>
          <button type="submit" className="button danger">Cancel activity</button>
        </div>
      </form>
    </Dialog>
  );
}

export function RescheduleDialog({ activity, onClose }: { activity: LocalActivity; onClose: () => void }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [when, setWhen] = useState(toLocalInput(activity.due_at, settings.timeZone));
  const [reason, setReason] = useState('');
  const [moveReminder, setMoveReminder] = useState(true);
  const [err, setErr] = useState<ShownError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const iso = fromLocalInput(when, settings.timeZone);
    const input: Record<string, unknown> = { update_reminder: moveReminder };
    if (iso) input.new_due_at = iso;
    if (reason.trim()) input.reason = reason.trim();
    try {
      await commands.reschedule(activity.lid, input);
      toast('Activity rescheduled.', 'success');
      onClose();
    } catch (x) {
      setErr(toShownError(x));
    }
  }

  const other = err ? otherErrors(err.fields, ['new_due_at', 'reason']) : [];
  return (
    <Dialog title="Reschedule activity" onClose={onClose} size="small" description={activity.subject}>
      <form className="form" onSubmit={(e) => { void submit(e); }} noValidate>
        <Field label="New due date and time" errors={err?.fields.new_due_at} hint={`Time zone: ${settings.timeZone}`}>
          <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required />
        </Field>
        <Field label="Reason (optional)" errors={err?.fields.reason}>
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={moveReminder} onChange={(e) => setMoveReminder(e.target.checked)} />
          Move the reminder by the same amount
        </label>
        {err && (other.length > 0 || Object.keys(err.fields).length === 0) && <p className="form-error" role="alert">{other.join(' ') || err.message}</p>}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>Back</button>
          <button type="submit" className="button primary">Reschedule</button>
        </div>
      </form>
    </Dialog>
  );
}
