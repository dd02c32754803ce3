/** The app's services (db, commands, queries, engine, platform) and session, for every view. */
import { createContext, useContext } from 'react';
import type { UserRef } from '#shared/domain/index';
import type { Platform } from '#shared/ipc/platform';
import type { FieldbookDB } from '#shared/sync/index';
import type { Commands, Queries, SyncEngine } from './ports.ts';
import type { Settings } from './settings.ts';

export interface Session {
  baseUrl: string;
  signedIn: boolean;
}

export interface AppContextValue {
  db: FieldbookDB;
  commands: Commands;
  queries: Queries;
  /** Null until signed in (nothing to sync with). */
  engine: SyncEngine | null;
  platform: Platform;
  /** The rep; new activities are assigned to them by default. */
  currentUser: UserRef | null;
  settings: Settings;
  session: Session;
  updateSettings: (patch: Partial<Settings>) => Promise<void>;
  /** Stores the address and token, starts the engine and finds out who the rep is. */
  signIn: (baseUrl: string, token: string) => Promise<void>;
  signOut: () => Promise<void>;
  setCurrentUser: (user: UserRef) => Promise<void>;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp() outside <AppProvider>');
  return ctx;
}
