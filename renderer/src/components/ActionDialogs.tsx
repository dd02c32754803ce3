/**
 * Cancel and reschedule one activity (the detail panel's actions): small forms over the domain
 * commands, errors per field. The overdue queue's dialogs for one or several rows are
 * renderer/src/views/overdue/TriageDialogs.tsx.
 */
import { useState, type FormEvent } from 'react';
import { TZDate } from '@date-fns/tz';
import type { LocalActivity } from '#shared/sync/index';
import { useApp } from '../app/context.tsx';
import { useUiStore } from '../state/store.ts';
import { Dialog } from './Dialog.tsx';
import { Field } from './Field.tsx';
import { fromLocalInput, toLocalInput } from '../lib/format.ts';
import { toShownError, otherErrors, type ShownError } from '../lib/errors.ts';

/**
 * Where a new copy of a cancelled activity goes by default: the next business day (Monday to
 * Friday) after today, at the time of day it had (or the start of working hours when it had none).
 */
export function nextBusinessDaySameTime(dueAt: string | null, nowMs: number, zone: string, workStart: string): string {
  const [h, m] = dueAt
    ? (() => { const t = new TZDate(Date.parse(dueAt), zone); return [t.getHours(), t.getMinutes()]; })()
    : workStart.split(':').map(Number);
  const today = new TZDate(nowMs, zone);
  for (let i = 1; ; i += 1) {
    const d = new TZDate(today.getFullYear(), today.getMonth(), today.getDate() + i, h ?? 9, m ?? 0, zone);
    if (d.getDay() !== 0 && d.getDay() !== 6) return `${new Date(d.getTime()).toISOString().slice(0, 19)}Z`;
  }
}

export function CancelActivityDialog({ activity, onClose }: { activity: LocalActivity; onClose: () => void }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [reason, setReason] = useState('');
  const [reschedule, setReschedule] = useState(false);
  const [when, setWhen] = useState(() =>
    toLocalInput(nextBusinessDaySameTime(activity.due_at, Date.now(), settings.timeZone, settings.workingHours.start), settings.timeZone));
  const [err, setErr] = useState<ShownError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input: Record<string, unknown> = {};
    if (reason.trim()) input.reason = reason.trim();
    if (reschedule) {
      input.reschedule = true;
      const iso = fromLocalInput(when, settings.timeZone);
      if (!iso) {
        setErr({ message: 'Pick when the new copy is due.', fields: { reschedule_date: ['Pick the date and time of the new copy.'] } });
        return;
      }
      // A copy due in the past would be overdue the moment it exists.
      if (Date.parse(iso) <= Date.now()) {
        setErr({ message: 'Pick a time in the future.', fields: { reschedule_date: ['That time has already passed: pick a time in the future for the new copy.'] } });
        return;
      }
      input.reschedule_date = iso;
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
          <Field label="New date and time" errors={err?.fields.reschedule_date} hint={`Proposed: the next business day at the same time. Time zone: ${settings.timeZone}`}>
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

export function RescheduleActivityDialog({ activity, onClose }: { activity: LocalActivity; onClose: () => void }) {
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
