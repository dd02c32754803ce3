/**
 * Confirms a drag or resize on the calendar: a drag is a reschedule (previous due date and
 * count kept, reminder moved with it), a resize changes the planned duration. Reason optional.
 */
import { useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { formatMinutes, type LoadWarning } from './calendar-model.ts';
import { shownError, type ShownError } from './errors.ts';
import { formatInZone } from './format.ts';
import { useInitialFocus } from './focus.ts';

export interface PendingMove {
  lid: string;
  subject: string;
  oldStart: Date;
  newStart: Date;
  oldMinutes: number | null;
  newMinutes: number;
  warnings: LoadWarning[];
  revert: () => void;
}

export function MoveDialog({ move, onDone }: { move: PendingMove; onDone: () => void }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const reasonRef = useInitialFocus<HTMLInputElement>();
  const zone = settings.timeZone;
  const moved = move.newStart.getTime() !== move.oldStart.getTime();
  const resized = move.oldMinutes !== move.newMinutes;

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
        await commands.reschedule(move.lid, {
          new_due_at: `${move.newStart.toISOString().slice(0, 19)}Z`,
          update_reminder: true,
          ...(r ? { reason: r } : {}),
        });
      }
      if (resized) await commands.update(move.lid, { duration_minutes: move.newMinutes });
      toast(moved ? `Rescheduled "${move.subject}" to ${formatInZone(move.newStart, zone, 'EEE d MMM, HH:mm')}.` : `"${move.subject}" now lasts ${formatMinutes(move.newMinutes)}.`, 'success');
      onDone();
    } catch (e) {
      setError(shownError(e));
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
          <button type="button" className="button primary" disabled={busy} onClick={() => void confirm()}>
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
              <strong>{formatInZone(move.newStart, zone, 'EEE d MMM, HH:mm')}</strong>
            </>
          ) : null}
          {resized ? (
            <>
              {moved ? <br /> : null}
              Duration {move.oldMinutes ? formatMinutes(move.oldMinutes) : 'not set'} → <strong>{formatMinutes(move.newMinutes)}</strong>
            </>
          ) : null}
        </p>
        {move.warnings.length > 0 && <WarningList warnings={move.warnings} />}
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
