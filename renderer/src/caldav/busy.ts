/**
 * The rep's other calendar events in a range, as busy blocks on the Fieldbook calendar (issue
 * #14): live from the store (shared/caldav's busyBlocks over calendar_busy, which the calendar sync
 * fills), drawn as FullCalendar background events. Times only: their titles are never kept.
 */
import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { EventInput } from '@fullcalendar/core';
import { busyBlocks } from '#shared/caldav/busy';
import { useApp } from '../app/context.tsx';

export interface BusyBlock {
  startMs: number;
  endMs: number;
  href: string;
}

const NONE: BusyBlock[] = [];
const NO_EVENTS: EventInput[] = [];
export const BUSY_LABEL = 'Busy in your calendar';

export function useBusyBlocks(fromMs: number | null, toMs: number | null): BusyBlock[] {
  const { db } = useApp();
  return useLiveQuery(() => (fromMs === null || toMs === null ? NONE : busyBlocks(db, fromMs, toMs)), [db, fromMs, toMs]) ?? NONE;
}

/** Background events for these blocks (useBusyBlocks), not editable; a stable array while the blocks are the same. */
export function useBusyEvents(blocks: readonly BusyBlock[]): EventInput[] {
  return useMemo(() => (blocks.length === 0 ? NO_EVENTS : blocks.map((b, i): EventInput => ({
    id: `busy:${b.href}:${i}`,
    start: b.startMs,
    end: b.endMs,
    display: 'background',
    editable: false,
    classNames: ['fb-busy'],
    // Grey at FullCalendar's background-event opacity, in either theme.
    backgroundColor: 'var(--text-3)',
    extendedProps: { busy: true },
  }))), [blocks]);
}
