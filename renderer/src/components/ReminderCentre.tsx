/**
 * The reminder centre: due reminders shown inside the app, whether or not the OS shows
 * notifications (web mode sends every due one; the desktop those the OS did not show). Each
 * notice names the activity, its due time and related record, with Open, Done and the desktop's
 * snooze choices. Notices sit in the layout under the status bar: they never cover a control.
 */
import { useEffect, useState } from 'react';
import type { ReminderAction, ReminderItem, SnoozeChoice } from '#shared/ipc/platform';
import { useApp } from '../app/context.tsx';
import { useUiStore } from '../state/store.ts';
import { formatInstant } from '../lib/format.ts';

interface Due {
  key: string;
  reminder: ReminderItem;
}

/** The desktop's snooze choices, in its order (electron/main/reminders.ts ACTION_LABELS). */
export const SNOOZE_OPTIONS: readonly { choice: SnoozeChoice; label: string }[] = [
  { choice: '5m', label: '5 min' },
  { choice: '15m', label: '15 min' },
  { choice: '60m', label: '1 hour' },
  { choice: 'tomorrow9', label: 'Tomorrow 9:00' },
];

function typeLabel(type: string): string {
  const t = type.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function ReminderCentre() {
  const { platform, settings } = useApp();
  const openActivity = useUiStore((s) => s.openActivity);
  const openOutcome = useUiStore((s) => s.openOutcome);
  const toast = useUiStore((s) => s.toast);
  const [due, setDue] = useState<Due[]>([]);

  // One notice per activity: a snooze coming back (or a moved reminder) replaces the earlier one.
  useEffect(() => platform.on('reminderDue', (d) => {
    setDue((xs) => [...xs.filter((x) => x.reminder.lid !== d.reminder.lid), d]);
  }), [platform]);

  function act(d: Due, action: ReminderAction): void {
    setDue((xs) => xs.filter((x) => x.key !== d.key));
    void platform.reminderAction?.(d.key, action);
  }

  if (due.length === 0) return null;
  return (
    <section className="reminder-centre" aria-label="Due reminders">
      {due.map((d) => {
        const r = d.reminder;
        const subject = r.subject.trim() || 'Reminder';
        const when = r.due_at ?? r.reminder_at;
        return (
          <article key={d.key} className="reminder-notice" aria-label={`Reminder: ${subject}`}>
            <svg className="reminder-bell" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
              <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.1 17h13.8a1 1 0 0 0 .8-1.6L18 12.6V9a6 6 0 0 0-6-6Zm-2 15a2 2 0 0 0 4 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
            </svg>
            <div className="reminder-text">
              <strong>{subject}</strong>
              <span className="muted small">
                {r.due_at ? 'Due' : 'At'} {formatInstant(when, settings.timeZone, 'dayTime')}
                {' · '}{typeLabel(r.type)}
                {r.entity_name ? <> · {r.entity_name}</> : null}
                {r.location ? <> · {r.location}</> : null}
                {r.phone ? <> · {r.phone}</> : null}
              </span>
            </div>
            <div className="reminder-actions">
              <button type="button" className="button small" onClick={() => { act(d, 'dismiss'); openActivity(r.lid); }}>Open</button>
              <button type="button" className="button small" onClick={() => { act(d, 'done'); openOutcome(r.lid); }}>Done</button>
              <div className="reminder-snooze" role="group" aria-label={`Snooze ${subject}`}>
                <span className="muted small" aria-hidden="true">Snooze</span>
                {SNOOZE_OPTIONS.map((o) => (
                  <button
                    key={o.choice}
                    type="button"
                    className="button small"
                    aria-label={`Snooze ${o.label}`}
                    onClick={() => { act(d, o.choice); toast(`“${subject}” snoozed (${o.label}).`, 'info'); }}
                  >
                    {o.label}
                  </button>
                ))}
              </div>
            </div>
          </article>
        );
      })}
    </section>
  );
}

export type NotificationState = 'granted' | 'denied' | 'default' | 'unsupported';

function readPermission(): NotificationState {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/** Settings: whether reminders can also appear outside the app, and how to allow them. */
export function NotificationPermissionNotice() {
  const { platform } = useApp();
  const [state, setState] = useState<NotificationState>(readPermission);
  useEffect(() => {
    // The rep may change it in the browser's site settings while the app runs.
    const id = setInterval(() => setState(readPermission()), 2_000);
    return () => clearInterval(id);
  }, []);
  if (platform.kind === 'electron') {
    return (
      <p className="muted small" role="status">
        Reminders appear as system notifications. If your system does not show them (notifications
        turned off for Fieldbook, focus mode), they appear inside Fieldbook instead, under the status bar.
      </p>
    );
  }
  if (state === 'granted') {
    return <p className="muted small" role="status">Browser notifications are allowed: reminders appear on your screen and inside Fieldbook.</p>;
  }
  if (state === 'denied') {
    return (
      <div className="notice notice-warn" role="status">
        <p><strong>Browser notifications are blocked for this site.</strong> Reminders still appear inside Fieldbook while it is open, but not on your screen when you are in another window.</p>
        <p className="small">To allow them: click the icon left of the address bar (the lock or the settings icon), open Site settings, set Notifications to Allow, then reload the page.</p>
      </div>
    );
  }
  if (state === 'unsupported') {
    return <p className="notice notice-warn" role="status">This browser has no notifications: reminders appear only inside Fieldbook while it is open.</p>;
  }
  return (
    <div className="notice" role="status">
      <p>Browser notifications are not allowed yet: reminders appear only inside Fieldbook while it is open.</p>
      <button type="button" className="button small" onClick={() => { void Notification.requestPermission().then(setState, () => setState(readPermission())); }}>
        Allow notifications
      </button>
    </div>
  );
}
