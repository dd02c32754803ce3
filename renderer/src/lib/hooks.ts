/** Live data for the calendar: the activities in the visible range, straight from the due_ms index. */
import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { calendarRange, type LocalActivity } from '#shared/sync/index';
import { useApp } from '../app/context.tsx';

const DAY_MS = 86_400_000;

/**
 * The rep's activities due in [startMs, endMs), plus a day before so a long activity that started the
 * previous evening still shows. Undefined while loading.
 */
export function useCalendarRange(startMs: number | null, endMs: number | null): LocalActivity[] | undefined {
  const { db, currentUser } = useApp();
  // The rep's own calendar (colleagues' activities on shared accounts stay in Activities).
  const userId = currentUser?.id ?? null;
  return useLiveQuery(
    async () => {
      if (startMs === null || endMs === null) return [];
      return calendarRange(db, startMs - DAY_MS, endMs, userId ? { assigned_user_id: userId } : {});
    },
    [db, startMs, endMs, userId],
  );
}

/** A clock that ticks every `everyMs` so overdue marks appear without a reload. */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
