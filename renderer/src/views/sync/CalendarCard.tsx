/**
 * Sync → Calendar (issue #14): the calendar connection beside the CRM's — which account and
 * calendar, last synced, changes waiting for the calendar, the last problem in plain words (a
 * refused password says so), and "Sync calendar now". An event deleted in the calendar is listed
 * with its two ways out: cancel the activity, or put the event back.
 */
import { formatDistanceToNowStrict } from 'date-fns';
import { useLiveQuery } from 'dexie-react-hooks';
import { calendarIssues, cancelDeletedInCalendar, putBackInCalendar, type CalendarIssue } from '#shared/caldav/issues';
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
          <CalendarIssues />
        </>
      )}
    </section>
  );
}

function CalendarIssues() {
  const { db, commands, settings } = useApp();
  const handle = useCalendarSync();
  const openActivity = useUiStore((s) => s.openActivity);
  const attempt = useAttempt();
  const issues = useLiveQuery(() => calendarIssues(db), [db]);
  if (!issues?.length) return null;
  const settle = (done: string, act: () => Promise<void>) => {
    void attempt(done, async () => {
      await act();
      void handle?.sync();
    });
  };
  return (
    <div className="settings-subsection" role="group" aria-labelledby="cal-issues-title">
      <h3 id="cal-issues-title">Deleted in your calendar</h3>
      <p className="muted small">These events were deleted in the calendar. Fieldbook has not cancelled the activities: say what you want.</p>
      {issues.map((i: CalendarIssue) => (
        <article key={i.key} className="issue" aria-label={`Deleted in the calendar: ${i.subject}`}>
          <div className="issue-head">
            <button type="button" className="button link" onClick={() => openActivity(i.lid)}>{i.subject}</button>
            <span className="muted small">{i.due_at ? formatInstant(i.due_at, settings.timeZone) : ''}</span>
          </div>
          <div className="action-bar">
            <button type="button" className="button small" onClick={() => settle('Activity cancelled.', () => cancelDeletedInCalendar({ db, commands }, i.key))}>
              Cancel the activity
            </button>
            <button type="button" className="button small primary" onClick={() => settle('The event goes back to the calendar.', () => putBackInCalendar(db, i.key))}>
              Put it back
            </button>
          </div>
        </article>
      ))}
    </div>
  );
}
