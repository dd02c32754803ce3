/**
 * Runs the calendar sync (issue #14) while a calendar account is connected and its credential is
 * at hand: one engine per account, driven by the schedule in scheduler.ts (after CRM syncs and
 * local changes, when the window is shown or back online, a slow poll), published for the views.
 * Renders nothing; mounted once in the shell. The engine (shared/caldav, ical.js) is a chunk of its
 * own, loaded only once an account is connected: most reps never pay for it at start (issue #12).
 */
import { useEffect, useRef } from 'react';
import { useApp } from '../app/context.tsx';
import { useCalendarAccount } from './account-store.ts';
import type { RunningCalendarSync } from './engine.ts';
import { startCalendarScheduler } from './scheduler.ts';
import { publishCalendarSync } from './sync-store.ts';

function wake(listener: () => void): () => void {
  const onVisible = () => { if (document.visibilityState === 'visible') listener(); };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('online', listener);
  return () => {
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('online', listener);
  };
}

export function CalendarSync() {
  const app = useApp();
  const { db, platform, engine } = app;
  const account = useCalendarAccount();
  const config = account?.config ?? null;
  const connected = !!account?.credential;
  // A new engine when the account or its calendar changes; the filter and done mode are read per run.
  const key = config && connected ? `${config.serverUrl}|${config.username}|${config.calendarHref}` : null;
  // The commands, the rep and the settings as they are when a run asks.
  const live = useRef(app);
  live.current = app;
  useEffect(() => {
    const caldav = platform.caldav;
    if (!key || !caldav) return;
    let gone = false;
    let stop: (() => void) | null = null;
    void import('./engine.ts').then(({ makeCalendarSync }) => {
      if (gone) return;
      const sync: RunningCalendarSync = makeCalendarSync({ db, transport: caldav.transport, app: () => live.current });
      publishCalendarSync(sync);
      const scheduler = startCalendarScheduler({
        sync: () => sync.sync(),
        crm: engine ? { subscribe: (l) => engine.subscribe(l) } : null,
        wake,
      });
      stop = () => {
        scheduler.stop();
        publishCalendarSync(null);
        void sync.stop();
      };
    }, (e: unknown) => console.error('Calendar sync could not load', e));
    return () => {
      gone = true;
      stop?.();
    };
  }, [key, db, platform, engine]);
  return null;
}
