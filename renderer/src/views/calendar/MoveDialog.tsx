/**
 * Confirms a drag or resize on the calendar: a drag is a reschedule (previous due date and
 * count kept, reminder moved with it), a resize changes the planned duration. Reason optional.
 */
import { useState } from 'react';
import { TZDate } from '@date-fns/tz';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { formatMinutes, slotWarnings, type LoadWarning } from './calendar-model.ts';
import { useCalendarRange } from '../../lib/hooks.ts';
import { toShownError, type ShownError } from '../../lib/errors.ts';
import { formatInZone, fromLocalInput, toLocalInput } from '../../lib/format.ts';
import { useInitialFocus } from '../../lib/focus.ts';

export interface PendingMove {
  lid: string;
  subject: string;
  oldStart: Date;
  newStart: Date;
  oldMinutes: number | null;
  newMinutes: number;
  /** The warnings for where it was dropped (shown until the day's activities are read here). */
  warnings: LoadWarning[];
  revert: () => void;
  /** Opened with Alt+arrows: the new time is focused first, so the rep can fine-tune it by keyboard. */
  byKeyboard?: boolean;
}

export function MoveDialog({ move, onDone }: { move: PendingMove; onDone: () => void }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const zone = settings.timeZone;
  // The new time stays editable (a drag lands on the nearest quarter hour; keyboard moves step).
  const [when, setWhen] = useState(() => toLocalInput(move.newStart.toISOString(), zone));
  const chosen = fromLocalInput(when, zone);
  const newStart = chosen ? new Date(chosen) : move.newStart;
  // Warnings follow the time in the box: the day it names is read here (it may be off screen).
  const local = new TZDate(newStart.getTime(), zone);
  const dayStart = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), zone).getTime();
  const dayEnd = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + 1, zone).getTime();
  const dayRows = useCalendarRange(dayStart, dayEnd);
  const warnings = dayRows
    ? slotWarnings({ start: newStart, end: new Date(newStart.getTime() + move.newMinutes * 60_000) }, dayRows, zone, move.lid)
    : move.warnings;
  const moved = move.newStart.getTime() !== move.oldStart.getTime();
  const resized = move.oldMinutes !== move.newMinutes;
  const reasonRef = useInitialFocus<HTMLInputElement>(moved && !move.byKeyboard);
  const whenRef = useInitialFocus<HTMLInputElement>(moved && move.byKeyboard === true);
  const durationRef = useInitialFocus<HTMLButtonElement>(!moved);

  const cancel = () => {
    move.revert();
    onDone();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      if (moved) {
        const r = reason.trim();
        if (!chosen) {
          setError({ message: 'Enter the new date and time.', fields: {} });
          setBusy(false);
          return;
        }
        await commands.reschedule(move.lid, {
          new_due_at: `${newStart.toISOString().slice(0, 19)}Z`,
          update_reminder: true,
          ...(r ? { reason: r } : {}),
        });
      }
      if (resized) await commands.update(move.lid, { duration_minutes: move.newMinutes });
      toast(moved ? `Rescheduled "${move.subject}" to ${formatInZone(newStart, zone, 'EEE d MMM, HH:mm')}.` : `"${move.subject}" now lasts ${formatMinutes(move.newMinutes)}.`, 'success');
      onDone();
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={moved ? 'Reschedule activity' : 'Change duration'}
      onClose={cancel}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={cancel}>Don't change</button>
          <button type="button" className="button primary" disabled={busy} onClick={() => void confirm()} ref={durationRef}>
            {moved ? 'Reschedule' : 'Save duration'}
          </button>
        </>
      }
    >
      <div className="form">
        <p>
          <strong>{move.subject}</strong>
          <br />
          {moved ? (
            <>
              From {formatInZone(move.oldStart, zone, 'EEE d MMM, HH:mm')} to{' '}
              <strong>{formatInZone(newStart, zone, 'EEE d MMM, HH:mm')}</strong>
            </>
          ) : null}
          {resized ? (
            <>
              {moved ? <br /> : null}
              Duration {move.oldMinutes ? formatMinutes(move.oldMinutes) : 'not set'} → <strong>{formatMinutes(move.newMinutes)}</strong>
            </>
          ) : null}
        </p>
        {warnings.length > 0 && <WarningList warnings={warnings} />}
        {moved && (
          <Field label="New date and time" errors={error?.fields.new_due_at}>
            <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} ref={whenRef} required />
          </Field>
        )}
        {moved && (
          <Field label="Reason (optional)" errors={error?.fields.reason}>
            <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} ref={reasonRef} placeholder="e.g. Customer asked for a later slot" />
          </Field>
        )}
        {error && <p className="form-error" role="alert">{error.message}</p>}
      </div>
    </Dialog>
  );
}

export function WarningList({ warnings }: { warnings: LoadWarning[] }) {
  return (
    <div className="fb-warnings" role="status">
      <strong><span aria-hidden="true">⚠ </span>Check the schedule</strong>
      <ul>
        {warnings.map((w) => <li key={w.kind + w.message}>{w.message}</li>)}
      </ul>
    </div>
  );
}
