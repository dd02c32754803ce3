/**
 * The calendar sync engine for this renderer (issue #14): shared/caldav's createCalendarSync over
 * the platform's CalDAV transport, with commands of its own (a move made in the calendar is a
 * reschedule like any other, but not one the rep can undo here: no undo window) that tell the
 * CRM engine, so the change reaches the CRM once.
 */
import { createCalendarSync, createSeriesSource, type DavTransport } from '#shared/caldav/index';
import { createCommands, type FieldbookDB } from '#shared/sync/index';
import type { AppContextValue } from '../app/context.tsx';
import type { CalendarSyncHandle } from './sync-store.ts';

export interface RunningCalendarSync extends CalendarSyncHandle {
  stop(): Promise<void>;
}

export function makeCalendarSync(opts: { db: FieldbookDB; transport: DavTransport; app: () => AppContextValue }): RunningCalendarSync {
  const { db, transport, app } = opts;
  const commands = createCommands(db, {
    currentUser: () => app().currentUser ?? { id: 'me', name: 'Me' },
    reminderDefaults: () => app().settings.reminderLeads,
    onChange: () => app().engine?.notifyLocalChange(),
  });
  const currentUserId = () => app().currentUser?.id ?? null;
  // A recurring series is one event with RRULE, EXDATE and overrides, both ways.
  const sync = createCalendarSync({ db, transport, commands, currentUserId, series: createSeriesSource({ currentUserId }) });
  return {
    sync: () => sync.sync(),
    getView: () => sync.getStatus(),
    subscribe: (l) => sync.subscribe(() => l()),
    stop: () => sync.stop(),
  };
}
