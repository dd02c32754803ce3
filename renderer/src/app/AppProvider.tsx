/** Startup: opens the local store, picks the platform, wires the engine, restores the session. */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { UserRef } from '#shared/domain/index';
import type { Platform } from '#shared/ipc/platform';
import { openDatabase, type FieldbookDB } from '#shared/sync/db';
import { pickPlatform } from '../platform/index.ts';
import { useUiStore } from '../state/store.ts';
import { AppContext, type AppContextValue, type Session } from './context.tsx';
import type { Commands, Queries, SyncEngine } from './ports.ts';
import { defaultSettings, SETTINGS_KEY, writeTheme, type Settings } from './settings.ts';
import { makeCommands, makeEngine, makeQueries } from './wiring.ts';

export const CURRENT_USER_KEY = 'ui.current_user';
export const DEFAULT_CRM_URL = 'http://127.0.0.1:4010';
const DIRECTORY_AT_KEY = 'ui.directory_at';
const DIRECTORY_MAX_AGE_MS = 12 * 3_600_000;

interface Booted {
  db: FieldbookDB;
  platform: Platform;
  commands: Commands;
  queries: Queries;
  settings: Settings;
  currentUser: UserRef | null;
  session: Session;
}

/** Reads ?db=NAME (fresh store per e2e test) and ?crm=&token= (auto sign-in, web mode only). */
export function bootParams(search = window.location.search) {
  const p = new URLSearchParams(search);
  return { dbName: p.get('db') || 'fieldbook', crm: p.get('crm'), token: p.get('token') };
}

interface Live {
  user: UserRef | null;
  settings: Settings;
  engine: SyncEngine | null;
}

async function boot(live: Live): Promise<Booted> {
  const params = bootParams();
  const db = openDatabase(params.dbName);
  await db.open();
  const platform = await pickPlatform({
    firedLog: {
      has: async (key) => !!(await db.reminders.get(key))?.fired_at,
      add: async (key, lid) => { await db.reminders.put({ key, lid, fired_at: Date.now() }); },
    },
  });
  const stored = (await db.sync_meta.get(SETTINGS_KEY))?.value as Partial<Settings> | undefined;
  const settings: Settings = { ...defaultSettings(), ...stored, theme: defaultSettings().theme };
  const currentUser = ((await db.sync_meta.get(CURRENT_USER_KEY))?.value as UserRef | undefined) ?? null;
  live.user = currentUser;
  live.settings = settings;
  const commands = makeCommands(db, {
    currentUser: () => live.user,
    reminderDefaults: () => live.settings.reminderLeads,
    onChange: () => live.engine?.notifyLocalChange(),
  });
  const queries = makeQueries(db);
  if (platform.kind === 'web' && params.crm && params.token) {
    await platform.signIn(params.crm, params.token);
    // Keep the token out of the address bar and history.
    const url = new URL(window.location.href);
    url.searchParams.delete('token');
    url.searchParams.delete('crm');
    window.history.replaceState(null, '', url);
  }
  await platform.setQuietHours(settings.quietHours);
  const session = await platform.session();
  return { db, platform, commands, queries, settings, currentUser, session };
}

function applyTheme(theme: Settings['theme']): void {
  const dark = theme === 'dark' || (theme === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [booted, setBooted] = useState<Booted | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [engine, setEngine] = useState<SyncEngine | null>(null);
  const live = useRef<Live>({ user: null, settings: defaultSettings(), engine: null });
  const queryClient = useMemo(() => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 60_000 } } }), []);

  // Opening takes long only when the store is being updated to a new schema (once, after an
  // update; about half a minute at 100 000 activities): say so rather than look stuck.
  const [slowOpen, setSlowOpen] = useState(false);
  useEffect(() => {
    if (booted || error) return;
    const t = setTimeout(() => setSlowOpen(true), 2_000);
    return () => clearTimeout(t);
  }, [booted, error]);

  useEffect(() => {
    let cancelled = false;
    boot(live.current).then(
      (b) => { if (!cancelled) setBooted(b); },
      (e: unknown) => { if (!cancelled) setError(e instanceof Error ? e.message : String(e)); },
    );
    return () => { cancelled = true; };
  }, []);

  // The engine runs only while signed in; a new one per session. Who the rep is comes first:
  // it scopes the pull.
  const signedIn = booted?.session.signedIn ?? false;
  useEffect(() => {
    if (!booted || !signedIn) return;
    const { db, platform } = booted;
    const e = makeEngine(db, platform, () => live.current.user?.id ?? null);
    let disposed = false;
    live.current.engine = e;
    setEngine(e);
    e.setOnline(navigator.onLine);
    const offs = [
      platform.on('online', ({ online }) => e.setOnline(online)),
      platform.on('resumed', () => e.resume()),
      platform.on('syncNow', () => { void e.syncNow(); }),
    ];
    void (async () => {
      if (!live.current.user) {
        const me = await e.whoAmI().catch(() => null);
        if (me && !disposed) {
          const u: UserRef = { id: me.id, name: me.name, email: me.email ?? null };
          await db.sync_meta.put({ key: CURRENT_USER_KEY, value: u });
          live.current.user = u;
          setBooted((b) => (b ? { ...b, currentUser: u } : b));
        }
      }
      if (disposed) return;
      e.start();
      // The engine's runs keep activities fresh; the directory (pickers, names) is refreshed here.
      const last = (await db.sync_meta.get(DIRECTORY_AT_KEY))?.value;
      const empty = (await db.entities.count()) === 0;
      if (empty || typeof last !== 'number' || Date.now() - last > DIRECTORY_MAX_AGE_MS) {
        try {
          await e.pullDirectory();
          await db.sync_meta.put({ key: DIRECTORY_AT_KEY, value: Date.now() });
        } catch (err) {
          if (!disposed) useUiStore.getState().toast(`Could not load the directory: ${err instanceof Error ? err.message : String(err)}`, 'error');
        }
      }
      if (disposed) return;
      document.documentElement.dataset.directory = 'ready';
      if (!live.current.user) useUiStore.getState().toast('The CRM did not say who you are: pick yourself in Settings.', 'info');
    })();
    return () => {
      disposed = true;
      for (const off of offs) off();
      void e.stop();
      live.current.engine = null;
      setEngine(null);
    };
  }, [booted?.db, booted?.platform, signedIn]);

  const theme = booted?.settings.theme ?? 'system';
  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => applyTheme('system');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [theme]);

  const updateSettings = useCallback(async (patch: Partial<Settings>) => {
    if (!booted) return;
    // Shown at once (controls stay in step with the click), then stored.
    const next = { ...live.current.settings, ...patch };
    live.current.settings = next;
    setBooted((b) => (b ? { ...b, settings: next } : b));
    if (patch.theme) writeTheme(patch.theme);
    const { theme: _t, ...persisted } = next;
    await booted.db.sync_meta.put({ key: SETTINGS_KEY, value: persisted });
    if ('quietHours' in patch) await booted.platform.setQuietHours(next.quietHours);
  }, [booted]);

  const signIn = useCallback(async (baseUrl: string, token: string) => {
    if (!booted) return;
    await booted.platform.signIn(baseUrl, token);
    // Same session after a 401: the running engine resumes with the new token.
    live.current.engine?.authRestored();
    const session = await booted.platform.session();
    setBooted((b) => (b ? { ...b, session } : b));
  }, [booted]);

  const signOut = useCallback(async () => {
    if (!booted) return;
    await booted.platform.signOut();
    const session = await booted.platform.session();
    setBooted((b) => (b ? { ...b, session } : b));
  }, [booted]);

  const setCurrentUser = useCallback(async (user: UserRef) => {
    if (!booted) return;
    await booted.db.sync_meta.put({ key: CURRENT_USER_KEY, value: user });
    live.current.user = user;
    setBooted((b) => (b ? { ...b, currentUser: user } : b));
  }, [booted]);

  const value = useMemo<AppContextValue | null>(() => (booted ? {
    db: booted.db, commands: booted.commands, queries: booted.queries, engine, platform: booted.platform,
    currentUser: booted.currentUser, settings: booted.settings, session: booted.session,
    updateSettings, signIn, signOut, setCurrentUser,
  } : null), [booted, engine, updateSettings, signIn, signOut, setCurrentUser]);

  if (error) {
    return (
      <main className="boot-error" role="alert">
        <h1>Fieldbook could not start</h1>
        <p>{error}</p>
      </main>
    );
  }
  if (!value) {
    return (
      <main className="boot" aria-busy="true">
        <p>Opening Fieldbook…</p>
        {slowOpen && <p role="status">Still opening the activities stored on this device. The first start after an update to Fieldbook can take up to a minute when there are many of them.</p>}
      </main>
    );
  }
  return (
    <QueryClientProvider client={queryClient}>
      <AppContext.Provider value={value}>{children}</AppContext.Provider>
    </QueryClientProvider>
  );
}
