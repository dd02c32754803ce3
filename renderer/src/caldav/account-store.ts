/**
 * The calendar account as the renderer knows it (issue #14): its settings (sync_meta
 * `caldav.account`: server, user name, calendar, filter, done mode — never the password) and
 * whether the platform holds its credential (web mode forgets it on reload; the desktop keeps it
 * encrypted in main). One store, so Settings, the Sync card and the calendar sync agree.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { CalDavCredentialInfo, CalDavPort } from '#shared/ipc/platform';
import type { FieldbookDB } from '#shared/sync/index';
import { useApp } from '../app/context.tsx';
import { ACCOUNT_META_KEY, STATE_META_KEY, type CalendarAccount } from '#shared/caldav/types';

export const ACCOUNT_KEY = ACCOUNT_META_KEY;

/** shared/caldav's account, as Settings writes it (always with the calendar's name). */
export type CalendarAccountConfig = CalendarAccount & { calendarName: string };

export interface CalendarAccountState {
  config: CalendarAccountConfig | null;
  credential: CalDavCredentialInfo | null;
  save: (config: CalendarAccountConfig) => Promise<void>;
  /** Forgets the password and the account; events already in the calendar stay there. */
  disconnect: () => Promise<void>;
}

let credential: CalDavCredentialInfo | null | undefined;
const listeners = new Set<() => void>();
let asked: CalDavPort | null = null;

async function refreshCredential(port: CalDavPort): Promise<void> {
  credential = await port.credential().catch(() => null);
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export async function readAccountConfig(db: FieldbookDB): Promise<CalendarAccountConfig | null> {
  return ((await db.sync_meta.get(ACCOUNT_KEY))?.value as CalendarAccountConfig | undefined) ?? null;
}

/**
 * Disconnecting forgets the account and what was known of its calendar (links, queued changes,
 * busy time, sync token): connected again, possibly to another calendar, it starts afresh.
 */
export async function forgetCalendar(db: FieldbookDB): Promise<void> {
  await db.transaction('rw', [db.sync_meta, db.calendar_links, db.calendar_outbox, db.calendar_busy], async () => {
    await db.sync_meta.bulkDelete([ACCOUNT_KEY, STATE_META_KEY]);
    await db.calendar_links.clear();
    await db.calendar_outbox.clear();
    await db.calendar_busy.clear();
  });
}

/** Undefined while loading. */
export function useCalendarAccount(): CalendarAccountState | undefined {
  const { db, platform } = useApp();
  const port = platform.caldav ?? null;
  const row = useLiveQuery(async () => ({ config: await readAccountConfig(db) }), [db]);
  const cred = useSyncExternalStore(subscribe, () => credential);
  useEffect(() => {
    if (port && asked !== port) {
      asked = port;
      void refreshCredential(port);
    }
  }, [port]);
  if (!port || row === undefined || cred === undefined) return undefined;
  return {
    config: row.config,
    credential: cred,
    async save(config) {
      const before = await readAccountConfig(db);
      // Another server or calendar: what was known of the old one means nothing there.
      if (before && (before.serverUrl !== config.serverUrl || before.calendarHref !== config.calendarHref)) await forgetCalendar(db);
      await db.sync_meta.put({ key: ACCOUNT_KEY, value: config });
      await refreshCredential(port);
    },
    async disconnect() {
      await port.clearCredential();
      await forgetCalendar(db);
      await refreshCredential(port);
    },
  };
}

/** After setCredential/clearCredential outside save/disconnect (the connect form). */
export function credentialChanged(port: CalDavPort): Promise<void> {
  return refreshCredential(port);
}
