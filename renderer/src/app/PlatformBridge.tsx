/**
 * Keeps the platform told about what it shows outside the window: upcoming reminders (web
 * notifications or the desktop scheduler) and the today/overdue counts; turns missed-reminder
 * summaries into a toast.
 */
import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { ReminderItem } from '#shared/ipc/platform';
import { remindersDue } from '#shared/sync/index';
import { useApp } from './context.tsx';
import { useUiStore } from '../state/store.ts';
import { useVisibilitySignals } from '../data/engine-signals.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The wall clock, to the minute (re-runs the windowed queries as time passes). */
function useMinute(): number {
  const [t, setT] = useState(() => Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
  useEffect(() => {
    const id = setInterval(() => setT(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS), 15_000);
    return () => clearInterval(id);
  }, []);
  return t;
}

export function PlatformBridge() {
  const { db, queries, platform, engine } = useApp();
  const remindersMissed = useUiStore((s) => s.remindersMissed);
  // Hidden: idle polls back off further; shown or focused: the engine polls at once.
  useVisibilitySignals(engine);
  const now = useMinute();

  // Open activities due from a day ago to a week ahead that carry a reminder.
  const reminders = useLiveQuery(async () => (await remindersDue(db, now - DAY_MS, now + 7 * DAY_MS)).map(({ activity: r, record, contact }): ReminderItem => ({
    lid: r.lid,
    subject: r.subject,
    reminder_at: r.reminder_at as string,
    due_at: r.due_at,
    type: r.type,
    entity_name: record?.name ?? r.activityable?.name ?? null,
    location: r.location,
    phone: contact?.phone ?? null,
    // The contact's zone first: it is the person on the call (customerZoneOf does the same).
    customer_time_zone: contact?.time_zone ?? record?.time_zone ?? null,
  })), [db, now]);

  useEffect(() => {
    if (reminders) void platform.setReminders(reminders);
  }, [platform, reminders]);

  const counts = useLiveQuery(() => queries.counts(now), [queries, now]);
  useEffect(() => {
    if (counts) void platform.setCounts(counts);
  }, [platform, counts]);

  useEffect(() => platform.on('remindersMissed', ({ lids }) => remindersMissed(lids.length)), [platform, remindersMissed]);

  return null;
}
