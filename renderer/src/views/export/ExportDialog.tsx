/**
 * Calendar export: an .ics file (RFC 5545, reminders as VALARMs) of a chosen date range or of
 * the Activities list's current filter, saved through a Blob link. Opened by ExportButton.tsx,
 * which loads this file as a chunk of its own.
 */
import { useState } from 'react';
import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import { dayStartMs } from '#shared/domain/index';
import { icsFileName, toIcs } from '#shared/export/ics';
import type { LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { toListQuery, withMe } from '../../data/activities.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { toShownError } from '../../lib/errors.ts';
import { useUiStore } from '../../state/store.ts';
import { downloadText } from './download.ts';

/** Safety cap: a calendar file of more events than this is not what anyone wants. */
const MAX_EVENTS = 5_000;

export function ExportDialog({ onClose }: { onClose: () => void }) {
  const { queries, settings, currentUser } = useApp();
  const filters = withMe(useUiStore((s) => s.filters), currentUser?.id);
  const toast = useUiStore((s) => s.toast);
  const zone = settings.timeZone;
  const today = format(new TZDate(Date.now(), zone), 'yyyy-MM-dd');
  const [source, setSource] = useState<'range' | 'filter'>('range');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(() => format(addDays(new TZDate(Date.now(), zone), 27), 'yyyy-MM-dd'));
  const [openOnly, setOpenOnly] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function rowsForFilter(): Promise<LocalActivity[]> {
    const out: LocalActivity[] = [];
    for (let page = 1; out.length < MAX_EVENTS; page++) {
      const r = await queries.list({ ...toListQuery(filters), page, per_page: 100 }, { timeZone: zone });
      out.push(...r.items);
      if (page >= r.meta.last_page) break;
    }
    return out;
  }

  async function run() {
    setError(null);
    const fromMs = dayStartMs(from, zone);
    const toMs = dayStartMs(to, zone, 1);
    if (source === 'range' && (fromMs === null || toMs === null || fromMs >= toMs)) {
      setError('Pick a start date on or before the end date.');
      return;
    }
    setBusy(true);
    try {
      const rows = source === 'range'
        ? await queries.calendarRange(fromMs ?? 0, toMs ?? 0)
        : await rowsForFilter();
      const chosen = rows.filter((a) => !openOnly || a.open === 1).slice(0, MAX_EVENTS);
      const r = toIcs(chosen, { now: new Date().toISOString(), calendarName: 'Fieldbook activities', uidDomain: 'fieldbook.local' });
      if (r.included === 0) {
        setError('No activities with a due time match; nothing to export.');
        return;
      }
      const name = source === 'range' ? icsFileName(from, to) : `fieldbook-filtered-${today}.ics`;
      downloadText(name, r.text, 'text/calendar');
      toast(`Exported ${r.included} ${r.included === 1 ? 'event' : 'events'}${r.skipped.length ? ` (${r.skipped.length} without a due time left out)` : ''}.`, 'success');
      onClose();
    } catch (e) {
      setError(toShownError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Export calendar (.ics)"
      onClose={onClose}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>Close</button>
          <button type="button" className="button primary" disabled={busy} onClick={() => { void run(); }}>Download .ics</button>
        </>
      }
    >
      <div className="form">
        <fieldset className="settings-subsection" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="picker-legend">What to export</legend>
          <label className="check"><input type="radio" name="ics-source" checked={source === 'range'} onChange={() => setSource('range')} /> A date range</label>
          <label className="check"><input type="radio" name="ics-source" checked={source === 'filter'} onChange={() => setSource('filter')} /> The Activities list&apos;s current filter</label>
        </fieldset>
        {source === 'range' && (
          <div className="row">
            <Field label="From"><input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></Field>
            <Field label="To"><input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></Field>
          </div>
        )}
        <label className="check"><input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> Open activities only</label>
        <p className="muted small">Reminders become calendar alarms. Times are exact instants, so any calendar app shows them in its own zone.</p>
        {error && <p className="form-error" role="alert">{error}</p>}
      </div>
    </Dialog>
  );
}
