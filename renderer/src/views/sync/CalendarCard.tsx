/**
 * Sync → Calendar (issue #14): the calendar connection beside the CRM's — which account and
 * calendar, last synced, changes waiting for the calendar, the last problem in plain words (a
 * refused password says so), and "Sync calendar now".
 */
import { formatDistanceToNowStrict } from 'date-fns';
import { useCalendarAccount } from '../../caldav/account-store.ts';
import { useCalendarSync, useCalendarSyncView } from '../../caldav/sync-store.ts';
import { formatInstant } from '../../lib/format.ts';
import { useUiStore } from '../../state/store.ts';
import { useApp } from '../../app/context.tsx';
import { useAttempt } from './attempt.ts';

export function CalendarCard() {
  const { settings } = useApp();
  const account = useCalendarAccount();
  const handle = useCalendarSync();
  const view = useCalendarSyncView();
  const setView = useUiStore((s) => s.setView);
  const attempt = useAttempt();
  if (account === undefined) return null;
  const config = account.config;
  const toSettings = <button type="button" className="button small" onClick={() => setView('settings')}>Open Settings → Calendar</button>;
  return (
    <section className="card settings-section" aria-labelledby="cal-sync-title">
      <div className="issue-head">
        <h2 id="cal-sync-title">Calendar</h2>
        {config && account.credential && (
          <button type="button" className="button small" disabled={!handle || view?.syncing}
            onClick={() => { void attempt('Calendar synced.', async () => { await handle!.sync(); const e = handle!.getView().lastError; if (e) throw new Error(e); }); }}>
            {view?.syncing ? 'Syncing calendar…' : 'Sync calendar now'}
          </button>
        )}
      </div>
      {!config ? (
        <div className="row">
          <p className="muted">No calendar connected: activities stay in Fieldbook only.</p>
          {toSettings}
        </div>
      ) : !account.credential ? (
        <div className="row">
          <p className="form-error" role="alert">The calendar password is needed again to sync with “{config.calendarName}”.</p>
          {toSettings}
        </div>
      ) : (
        <>
          <div className="stats">
            <div className="stat">
              <div className="stat-label">Calendar</div>
              <div className="stat-value">{config.calendarName}</div>
              <div className="muted small">{config.username} at {new URL(config.serverUrl).host}</div>
            </div>
            <div className="stat">
              <div className="stat-label">Last synced</div>
              <div className="stat-value">{view?.lastSyncedAt ? formatDistanceToNowStrict(view.lastSyncedAt, { addSuffix: true }) : 'Never'}</div>
              <div className="muted small">{view?.lastSyncedAt ? formatInstant(new Date(view.lastSyncedAt).toISOString(), settings.timeZone) : '—'}</div>
            </div>
            <div className="stat">
              <div className="stat-label">Waiting for the calendar</div>
              <div className="stat-value">{view?.pending ?? 0}</div>
              <div className="muted small">Changes kept here until the calendar has them</div>
            </div>
          </div>
          {view?.lastError && <p className="form-error" role="alert">Calendar: {view.lastError}</p>}
        </>
      )}
    </section>
  );
}
