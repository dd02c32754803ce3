/**
 * In an activity's detail: where it sits in its recurring series, and "End series", which
 * cancels the future open occurrences only (past and closed ones stay as history).
 */
import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { seriesLink } from '#shared/domain/index';
import { seriesOf, type LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { ConfirmDialog } from '../Dialog.tsx';
import { toShownError } from '../../lib/errors.ts';
import { useUiStore } from '../../state/store.ts';
import { useSeriesCommands } from './useSeries.ts';

export function SeriesPanel({ activity }: { activity: LocalActivity }) {
  const link = seriesLink(activity);
  const series = useSeriesCommands();
  const toast = useUiStore((s) => s.toast);
  const [confirming, setConfirming] = useState(false);
  const { db } = useApp();
  // Read through the entity index (a series shares its record), not a scan of every activity:
  // this query re-runs on every local change while the detail is open.
  const members = useLiveQuery(
    () => seriesOf(db, { activityable_type: activity.activityable_type, activityable_id: activity.activityable_id, custom_fields: activity.custom_fields }),
    [db, link?.seriesId, activity.activityable_type, activity.activityable_id],
  );
  if (!link) return null;
  const now = Date.now();
  const future = (members ?? []).filter((m) => m.open === 1 && m.due_ms !== undefined && m.due_ms > now).length;

  async function end() {
    setConfirming(false);
    if (!link) return;
    try {
      const r = await series.deleteSeries(link.seriesId);
      toast(`Series ended: ${r.cancelled.length} future ${r.cancelled.length === 1 ? 'activity' : 'activities'} cancelled, ${r.kept.length} kept.`, 'success');
    } catch (e) {
      toast(toShownError(e).message, 'error');
    }
  }

  return (
    <section className="detail-section" aria-labelledby="d-series">
      <h3 id="d-series">Recurring series</h3>
      <p className="small">
        Occurrence {link.index ?? '?'} of {members?.length ?? '…'} on this device · {future} still ahead.
      </p>
      <div>
        <button type="button" className="button small danger-text" disabled={future === 0} onClick={() => setConfirming(true)}>End series…</button>
      </div>
      {confirming && (
        <ConfirmDialog
          title="End this series?"
          message={`The ${future} open ${future === 1 ? 'occurrence' : 'occurrences'} still ahead will be cancelled. Past and closed ones stay as they are.`}
          confirmLabel="End series"
          danger
          onConfirm={() => { void end(); }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
