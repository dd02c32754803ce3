/**
 * Moves on the calendar: a drag is a reschedule (previous due date and count kept, reminder moved
 * with it), a resize changes the planned duration. A drag or resize with nothing to warn about
 * moves the activity at once (moveNow), with Undo and "Add reason" in its notice (the reason goes
 * with the reschedule while it waits out its undo window). This dialog confirms keyboard moves and
 * drops the schedule warns about (over-scheduled, outside working hours); reason optional.
 */
import { useEffect, useRef, useState } from 'react';
import { TZDate } from '@date-fns/tz';
import type { UndoEntry } from '#shared/sync/index';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { useApp } from '../../app/context.tsx';
import type { Commands } from '../../app/ports.ts';
import { useUiStore } from '../../state/store.ts';
import { addMoveReason, asOneChange, holdUntil } from '../../data/undo.ts';
import { formatMinutes, slotWarnings, type LoadWarning } from './calendar-model.ts';
import { useCalendarRange } from '../../lib/hooks.ts';
import { toShownError, type ShownError } from '../../lib/errors.ts';
import { formatWhen, fromLocalInput, toLocalInput } from '../../lib/format.ts';
import { useInitialFocus } from '../../lib/focus.ts';
import { useBusyBlocks } from '../../caldav/busy.ts';

export interface PendingMove {
  lid: string;
  subject: string;
  oldStart: Date;
  newStart: Date;
  oldMinutes: number | null;
  newMinutes: number;
  /** The warnings for where it was dropped (shown until the day's activities are read here). */
  warnings: MoveWarning[];
  revert: () => void;
  /** Opened with Alt+arrows: the new time is focused first, so the rep can fine-tune it by keyboard. */
  byKeyboard?: boolean;
}

/** What a move is warned about: the day's load (calendar-model) or the rep's working hours. */
export type MoveWarning = LoadWarning | { kind: 'outside_hours'; message: string };

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** A warning when the moved activity falls outside working hours (Monday to Friday, `hours`), in the rep's zone. */
export function hoursWarnings(start: Date, minutes: number, hours: { start: string; end: string }, zone: string): MoveWarning[] {
  const local = new TZDate(start.getTime(), zone);
  const day = local.getDay();
  const from = local.getHours() * 60 + local.getMinutes();
  if (day === 0 || day === 6) return [{ kind: 'outside_hours', message: 'That is on a weekend, outside working hours.' }];
  if (from < minutesOf(hours.start) || from + minutes > minutesOf(hours.end)) {
    return [{ kind: 'outside_hours', message: `That is outside working hours (${hours.start}–${hours.end}).` }];
  }
  return [];
}

const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

function moveText(move: PendingMove, newStart: Date, zone: string): string {
  const moved = move.newStart.getTime() !== move.oldStart.getTime();
  return moved
    ? `Rescheduled "${move.subject}" to ${formatWhen(newStart, zone, 'dayTime')}.`
    : `"${move.subject}" now lasts ${formatMinutes(move.newMinutes)}.`;
}

/** The move's commands, as one change for Undo: the reschedule (if moved), then the new duration (if resized). */
async function applyMove(commands: Commands, move: PendingMove, newStart: Date, reason: string, extra?: (entry: UndoEntry) => { label: string; run: () => void }, zone = 'UTC') {
  const moved = move.newStart.getTime() !== move.oldStart.getTime();
  const resized = move.oldMinutes !== move.newMinutes;
  return asOneChange(async () => {
    if (moved) {
      await commands.reschedule(move.lid, { new_due_at: isoSeconds(newStart), update_reminder: true, ...(reason ? { reason } : {}) });
    }
    if (resized) await commands.update(move.lid, { duration_minutes: move.newMinutes });
  }, () => moveText(move, newStart, zone), moved ? extra : undefined);
}

/**
 * A drag or resize with nothing to warn about: the activity moves at once. Its notice offers Undo
 * and, for a reschedule, "Add reason" (`onAddReason`). A refused move snaps back with the reason.
 */
export async function moveNow(commands: Commands, move: PendingMove, zone: string, onAddReason: (entry: UndoEntry) => void): Promise<void> {
  try {
    await applyMove(commands, move, move.newStart, '', (entry) => ({ label: 'Add reason', run: () => onAddReason(entry) }), zone);
  } catch (e) {
    move.revert();
    useUiStore.getState().toast(toShownError(e).message, 'error');
  }
}

/** How long a move waits for the rep to write its reason (the window restarts after). */
const REASON_HOLD_MS = 10 * 60_000;

/**
 * "Add reason" for a move made at once: while it is open the reschedule waits (its undo window is
 * held); saved, the reason goes with it, or the rep is told it already reached the CRM without one.
 */
export function ReasonDialog({ entry, subject, onDone }: { entry: UndoEntry; subject: string; onDone: () => void }) {
  const toast = useUiStore((s) => s.toast);
  const offerUndo = useUiStore((s) => s.offerUndo);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const op = entry.ops.find((o) => o.kind === 'reschedule');
  const ids = useRef(entry.ops.map((o) => o.op_id));
  useEffect(() => { void holdUntil(ids.current, Date.now() + REASON_HOLD_MS); }, []);
  const release = async (undoFor: number) => {
    const until = Date.now() + undoFor;
    await holdUntil(ids.current, until);
    return until;
  };
  const close = async () => {
    await release(3_000);
    onDone();
  };
  const save = async () => {
    setBusy(true);
    const text = reason.trim();
    const added = op && text ? await addMoveReason(op.op_id, text) : false;
    const until = await release(5_000);
    if (!text) toast('No reason added.', 'info');
    else if (added) offerUndo(`Reason added to the move of "${subject}"; it goes to the CRM with it.`, { entry: entry.id, at: Date.now(), until, merged: true });
    else toast(`The move of "${subject}" already reached the CRM without a reason; the CRM has no way to add one to it now.`, 'error');
    onDone();
  };
  return (
    <Dialog
      title="Reason for the move"
      onClose={() => { void close(); }}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={() => { void close(); }}>No reason</button>
          <button type="button" className="button primary" disabled={busy} onClick={() => { void save(); }}>Add reason</button>
        </>
      }
    >
      <form className="form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <p><strong>{subject}</strong></p>
        <Field label="Reason">
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} data-autofocus placeholder="e.g. Customer asked for a later slot" maxLength={2_000} />
        </Field>
      </form>
    </Dialog>
  );
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
  const dayBusy = useBusyBlocks(dayStart, dayEnd);
  const warnings: MoveWarning[] = dayRows
    ? [
        ...hoursWarnings(newStart, move.newMinutes, settings.workingHours, zone),
        ...slotWarnings({ start: newStart, end: new Date(newStart.getTime() + move.newMinutes * 60_000) }, dayRows, zone, move.lid, dayBusy),
      ]
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
      if (moved && !chosen) {
        setError({ message: 'Enter the new date and time.', fields: {} });
        setBusy(false);
        return;
      }
      // One change for Undo (its notice says what moved, with Undo).
      const { entry } = await applyMove(commands, { ...move, newStart: moved ? newStart : move.newStart }, newStart, moved ? reason.trim() : '', undefined, zone);
      if (!entry) toast(moveText(move, newStart, zone), 'success');
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
              From {formatWhen(move.oldStart, zone, 'dayTime')} to{' '}
              <strong>{formatWhen(newStart, zone, 'dayTime')}</strong>
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

export function WarningList({ warnings }: { warnings: MoveWarning[] }) {
  return (
    <div className="fb-warnings" role="status">
      <strong><span aria-hidden="true">⚠ </span>Check the schedule</strong>
      <ul>
        {warnings.map((w) => <li key={w.kind + w.message}>{w.message}</li>)}
      </ul>
    </div>
  );
}
