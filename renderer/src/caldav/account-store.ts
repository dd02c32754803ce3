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
import type { CalendarFilterChoice, DoneMode } from '../views/settings/calendar-account.ts';

export const ACCOUNT_KEY = 'caldav.account';

export interface CalendarAccountConfig {
  serverUrl: string;
  username: string;
  calendarHref: string;
  calendarName: string;
  filter: CalendarFilterChoice;
  doneMode: DoneMode;
}

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
      await db.sync_meta.put({ key: ACCOUNT_KEY, value: config });
      await refreshCredential(port);
    },
    async disconnect() {
      await port.clearCredential();
      await db.sync_meta.delete(ACCOUNT_KEY);
      await refreshCredential(port);
    },
  };
}

/** After setCredential/clearCredential outside save/disconnect (the connect form). */
export function credentialChanged(port: CalDavPort): Promise<void> {
  return refreshCredential(port);
}
