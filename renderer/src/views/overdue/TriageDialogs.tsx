/**
 * The overdue queue's action dialogs: reschedule (presets or a chosen time), cancel with a
 * reason, and bulk complete. One activity goes through the single command; several go through
 * commands.bulk (one bulk op group per distinct new time).
 */
import { useMemo, useState } from 'react';
import { DEFAULT_LOAD_THRESHOLDS, PRIORITIES, PRIORITY_LABELS, type Priority } from '#shared/domain/index';
import type { ReschedulePreset } from './overdue-model.ts';
import { PRESET_LABELS, presetDueTimes, spreadDays, spreadOverWeek } from './overdue-model.ts';
import { useCalendarRange } from '../../lib/hooks.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { toShownError, type ShownError } from '../../lib/errors.ts';
import { formatWhen } from '../../lib/format.ts';
import { useInitialFocus } from '../../lib/focus.ts';
import { dateAtLocalTime } from '../outcome/outcome-model.ts';
import { asOneChange } from '../../data/undo.ts';
import { useBusyBlocks } from '../../caldav/busy.ts';

export interface Target {
  lid: string;
  subject: string;
  /** Planned duration (spread over the week books this much). */
  minutes?: number | null;
}

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

function describe(targets: Target[]): string {
  return targets.length === 1 ? `"${targets[0]?.subject ?? ''}"` : `${targets.length} activities`;
}

/** Outcome of a bulk command, as one sentence; failures listed by subject. */
function bulkSummary(verb: string, targets: Target[], failed: { lid: string; message: string }[]): { text: string; ok: boolean } {
  const done = targets.length - failed.length;
  if (failed.length === 0) return { text: `${verb} ${describe(targets)}.`, ok: true };
  const names = failed.slice(0, 3).map((f) => `"${targets.find((t) => t.lid === f.lid)?.subject ?? f.lid}": ${f.message}`);
  return { text: `${verb} ${done} of ${targets.length}. Not done: ${names.join('; ')}${failed.length > 3 ? '…' : ''}`, ok: false };
}

type Choice = ReschedulePreset | 'custom';

export function RescheduleDialog({ targets, onClose }: { targets: Target[]; onClose: (done: boolean) => void }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const zone = settings.timeZone;
  const [choice, setChoice] = useState<Choice>(targets.length > 1 ? 'spreadWeek' : 'tomorrow9');
  const [custom, setCustom] = useState('');
  const [reason, setReason] = useState('');
  const [priority, setPriority] = useState<Priority | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  // "now" is fixed when the dialog opens so the preview and the result agree.
  const [now] = useState(() => Date.now());
  const firstRef = useInitialFocus<HTMLInputElement>();

  // What is already booked on the week a spread fills (the rep's own calendar), so it goes around it.
  const week = useMemo(() => {
    const days = spreadDays(now, zone);
    const last = days[days.length - 1] ?? new Date(now);
    return { start: (days[0] ?? new Date(now)).getTime(), end: last.getTime() + 2 * 86_400_000 };
  }, [now, zone]);
  const bookedRows = useCalendarRange(week.start, week.end);
  // And the rep's other calendar events (busy time, issue #14).
  const busyTime = useBusyBlocks(week.start, week.end);
  const spread = useMemo(() => {
    if (choice !== 'spreadWeek' || !bookedRows) return null;
    const mine = new Set(targets.map((t) => t.lid));
    return spreadOverWeek(
      targets.map((t) => t.minutes), now, zone, settings.workingHours, bookedRows.filter((a) => !mine.has(a.lid)), DEFAULT_LOAD_THRESHOLDS, busyTime,
    );
  }, [choice, bookedRows, busyTime, targets, now, zone, settings.workingHours]);

  const times = useMemo(() => {
    if (choice === 'custom') {
      const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(custom);
      if (!m) return null;
      const t = new Date(dateAtLocalTime(m[1] ?? '', m[2] ?? '', zone));
      return targets.map(() => t);
    }
    if (choice === 'spreadWeek') return spread?.times ?? null;
    return presetDueTimes(choice, targets.length, now, zone, settings.workingHours);
  }, [choice, custom, targets, now, zone, settings.workingHours, spread]);

  const preview = times?.length
    ? choice === 'spreadWeek' && targets.length > 1
      ? `${formatWhen(times[0] ?? now, zone, 'dayTime')} … ${formatWhen(times.reduce((a, b) => (b > a ? b : a)), zone, 'dayTime')}`
      : formatWhen(times[0] ?? now, zone, 'longDayTime')
    : null;

  const submit = async () => {
    if (!times && choice === 'spreadWeek') return;
    if (!times) {
      setError({ message: 'Pick a date and time.', fields: { new_due_at: ['Pick the new date and time.'] } });
      return;
    }
    setBusy(true);
    setError(null);
    const r = reason.trim();
    const params = (t: Date) => ({
      new_due_at: iso(t), update_reminder: true, ...(r ? { reason: r } : {}), ...(priority ? { priority } : {}),
    });
    try {
      if (targets.length === 1 && targets[0]) {
        await commands.reschedule(targets[0].lid, params(times[0] ?? new Date(now)));
        toast(`Rescheduled ${describe(targets)} to ${preview ?? ''}.`, 'success');
      } else {
        // Same time → one bulk command; spread → one bulk command per distinct time.
        const groups = new Map<string, string[]>();
        targets.forEach((t, i) => {
          const key = iso(times[i] ?? new Date(now));
          groups.set(key, [...(groups.get(key) ?? []), t.lid]);
        });
        const failed: { lid: string; message: string }[] = [];
        // One change for Undo, however many times the spread needs.
        const { entry } = await asOneChange(async () => {
          for (const [at, lids] of groups) {
            const out = await commands.bulk({ action: 'reschedule', lids, parameters: params(new Date(at)) });
            failed.push(...out.failed);
          }
        }, () => bulkSummary('Rescheduled', targets, failed).text);
        const s = bulkSummary('Rescheduled', targets, failed);
        if (!entry || !s.ok) toast(s.text, s.ok ? 'success' : 'error');
      }
      onClose(true);
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  };

  const choices: Choice[] = ['in1h', 'tomorrow9', 'nextBusinessDay', ...(targets.length > 1 ? (['spreadWeek'] as const) : []), 'custom'];
  return (
    <Dialog
      title={`Reschedule ${describe(targets)}`}
      onClose={() => onClose(false)}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={() => onClose(false)}>Back</button>
          <button type="button" className="button primary" disabled={busy} onClick={() => void submit()}>Reschedule</button>
        </>
      }
    >
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <fieldset className="fb-presets">
          <legend>New time</legend>
          {choices.map((c) => (
            <label key={c} className="check">
              <input type="radio" name="preset" value={c} checked={choice === c} onChange={() => setChoice(c)} ref={choice === c ? firstRef : undefined} />
              {c === 'custom' ? 'Pick a date and time' : PRESET_LABELS[c]}
            </label>
          ))}
        </fieldset>
        {choice === 'custom' && (
          <Field label="New date and time" errors={error?.fields.new_due_at} hint={`Your time zone: ${zone}`}>
            <input type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />
          </Field>
        )}
        {preview && <p className="muted" aria-live="polite">New due: <strong>{preview}</strong></p>}
        {choice === 'spreadWeek' && spread && (
          <p className={spread.overflow ? 'field-warning' : 'muted small'} aria-live="polite">
            {spread.overflow
              ? `${spread.overflow} of ${targets.length} don't fit in working hours without over-scheduling a day; they go after hours. Consider fewer at once.`
              : 'Placed around what is already booked, with time to prepare between activities, and no day over-scheduled.'}
          </p>
        )}
        <Field label="Reason (optional)" errors={error?.fields.reason}>
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. Rescheduling to earliest available slot" />
        </Field>
        <Field label="Priority" errors={error?.fields.priority}>
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority | '')}>
            <option value="">Keep as it is</option>
            {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABELS[p]}</option>)}
          </select>
        </Field>
        {error && <p className="form-error" role="alert">{error.message}</p>}
      </form>
    </Dialog>
  );
}

const QUICK_REASONS = ['Stale activity, no longer relevant', 'Customer unresponsive to 3 contact attempts', 'Duplicate activity'];

export function CancelDialog({ targets, onClose }: { targets: Target[]; onClose: (done: boolean) => void }) {
  const { commands } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const reasonRef = useInitialFocus<HTMLTextAreaElement>();

  const submit = async () => {
    const r = reason.trim();
    if (!r) {
      setError({ message: 'Say why, so the history explains it.', fields: { reason: ['Enter a reason for cancelling.'] } });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (targets.length === 1 && targets[0]) {
        await commands.cancel(targets[0].lid, { reason: r, reschedule: false });
        toast(`Cancelled ${describe(targets)}.`, 'success');
      } else {
        const out = await commands.bulk({ action: 'cancel', lids: targets.map((t) => t.lid), parameters: { reason: r } });
        const s = bulkSummary('Cancelled', targets, out.failed);
        toast(s.text, s.ok ? 'success' : 'error');
      }
      onClose(true);
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Cancel ${describe(targets)}`}
      onClose={() => onClose(false)}
      size="small"
      description="Cancelled activities stay in the history with the reason."
      footer={
        <>
          <button type="button" className="button" onClick={() => onClose(false)}>Keep</button>
          <button type="button" className="button danger" disabled={busy} onClick={() => void submit()}>Cancel {targets.length > 1 ? `${targets.length} activities` : 'activity'}</button>
        </>
      }
    >
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <Field label="Reason" errors={error?.fields.reason}>
          <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} ref={reasonRef} />
        </Field>
        <div className="fb-quick" role="group" aria-label="Common reasons">
          {QUICK_REASONS.map((q) => (
            <button key={q} type="button" className="button small" onClick={() => setReason(q)}>{q}</button>
          ))}
        </div>
        {error && !error.fields.reason && <p className="form-error" role="alert">{error.message}</p>}
      </form>
    </Dialog>
  );
}

export function BulkCompleteDialog({ targets, onClose }: { targets: Target[]; onClose: (done: boolean) => void }) {
  const { commands } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [outcome, setOutcome] = useState('');
  const outcomeRef = useInitialFocus<HTMLTextAreaElement>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const o = outcome.trim();
      const out = await commands.bulk({ action: 'complete', lids: targets.map((t) => t.lid), parameters: o ? { outcome: o } : {} });
      const s = bulkSummary('Completed', targets, out.failed);
      toast(s.text, s.ok ? 'success' : 'error');
      onClose(true);
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Complete ${describe(targets)}`}
      onClose={() => onClose(false)}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={() => onClose(false)}>Back</button>
          <button type="button" className="button primary" disabled={busy} onClick={() => void submit()}>Complete {targets.length}</button>
        </>
      }
    >
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <Field label="Outcome for all (recommended)" errors={error?.fields['parameters.outcome'] ?? error?.fields.outcome}
          hint="The same outcome is recorded on each. For a detailed outcome, complete them one at a time (c with one selected).">
          <textarea rows={3} value={outcome} onChange={(e) => setOutcome(e.target.value)} ref={outcomeRef} placeholder="e.g. Task completed" />
        </Field>
        {error && <p className="form-error" role="alert">{error.message}</p>}
      </form>
    </Dialog>
  );
}
