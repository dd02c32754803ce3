/** Startup: opens the local store, picks the platform, wires the engine, restores the session. */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { UserRef } from '#shared/domain/index';
import type { Platform } from '#shared/ipc/platform';
import { openDatabase, watchStoreWrites, type FieldbookDB } from '#shared/sync/index';
import { pickPlatform } from '../platform/index.ts';
import { useUiStore } from '../state/store.ts';
import { AppContext, type AppContextValue, type Session } from './context.tsx';
import type { Commands, Queries, SyncEngine } from './ports.ts';
import { defaultSettings, SETTINGS_KEY, writeTheme, type Settings } from './settings.ts';
import { setDisplayLocale } from '../lib/format.ts';
import { makeCommands, makeEngine, makeQueries } from './wiring.ts';
import { crmOrigin, crmReach, probeCrm, SignInError, STORE_ORIGIN_KEY, watchTransport } from './connection.ts';

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
  // The search remembers its last matches; every write (here, the worker, another window) voids them.
  watchStoreWrites();
  await db.open();
  const picked = await pickPlatform({
    firedLog: {
      has: async (key) => !!(await db.reminders.get(key))?.fired_at,
      add: async (key, lid) => { await db.reminders.put({ key, lid, fired_at: Date.now() }); },
    },
  });
  // Every CRM request goes through here, so the status bar knows whether the CRM answers.
  const platform: Platform = { ...picked, transport: watchTransport(picked.transport, crmReach) };
  const stored = (await db.sync_meta.get(SETTINGS_KEY))?.value as Partial<Settings> | undefined;
  const settings: Settings = { ...defaultSettings(), ...stored, theme: defaultSettings().theme };
  const currentUser = ((await db.sync_meta.get(CURRENT_USER_KEY))?.value as UserRef | undefined) ?? null;
  live.user = currentUser;
  live.settings = settings;
  applyLocale(settings.locale);
  const commands = makeCommands(db, {
    currentUser: () => live.user,
    reminderDefaults: () => live.settings.reminderLeads,
    onChange: () => live.engine?.notifyLocalChange(),
  });
  const queries = makeQueries(db);
  if (platform.kind === 'web' && params.crm && params.token) {
    const refusal = await originRefusal(db, params.crm);
    if (refusal) useUiStore.getState().toast(refusal, 'error', undefined, 'signin');
    else {
      await platform.signIn(params.crm, params.token);
      await db.sync_meta.put({ key: STORE_ORIGIN_KEY, value: crmOrigin(params.crm) });
    }
    // Keep the token out of the address bar and history.
    const url = new URL(window.location.href);
    url.searchParams.delete('token');
    url.searchParams.delete('crm');
    window.history.replaceState(null, '', url);
  }
  await platform.setQuietHours(settings.quietHours);
  const session = await platform.session();
  // A store from before origins were kept (the desktop stays signed in): it belongs to this CRM.
  if (session.signedIn && !(await db.sync_meta.get(STORE_ORIGIN_KEY))) {
    await db.sync_meta.put({ key: STORE_ORIGIN_KEY, value: crmOrigin(session.baseUrl) });
  }
  return { db, platform, commands, queries, settings, currentUser, session };
}

/**
 * Queued changes belong to the CRM they were made for: signing in to another one while some wait
 * would send them there. Returns why not, or null when the switch is safe.
 */
async function originRefusal(db: FieldbookDB, baseUrl: string): Promise<string | null> {
  const stored = (await db.sync_meta.get(STORE_ORIGIN_KEY))?.value;
  const origin = crmOrigin(baseUrl);
  if (typeof stored !== 'string' || stored === origin) return null;
  const waiting = (await db.outbox.count()) + (await db.entity_outbox.count());
  if (waiting === 0) return null;
  return `${waiting} ${waiting === 1 ? 'change' : 'changes'} made on this device for ${stored} have not reached it yet. ` +
    `Sign in to ${stored} to send them first (or discard them in Sync) before you switch to ${origin}.`;
}

/**
 * Who the rep is (scopes the pull and the calendar) and the offline directory (pickers, names).
 * Runs when a session starts and again after every successful sign-in (a corrected token).
 */
let identityRun = 0;

async function loadIdentityAndDirectory(
  e: SyncEngine, db: FieldbookDB, live: Live, isDisposed: () => boolean, setUser: (u: UserRef) => void, force: boolean,
): Promise<void> {
  // A newer run (a sign-in since) speaks for the session: an older one that fails stays quiet.
  const run = ++identityRun;
  const disposed = () => isDisposed() || run !== identityRun;
  if (!live.user) {
    const me = await e.whoAmI().catch(() => null);
    if (me && !disposed()) {
      const u: UserRef = { id: me.id, name: me.name, email: me.email ?? null };
      await db.sync_meta.put({ key: CURRENT_USER_KEY, value: u });
      live.user = u;
      setUser(u);
    }
  }
  if (disposed()) return;
  const last = (await db.sync_meta.get(DIRECTORY_AT_KEY))?.value;
  const empty = (await db.entities.count()) === 0;
  if (force || empty || typeof last !== 'number' || Date.now() - last > DIRECTORY_MAX_AGE_MS) {
    try {
      await e.pullDirectory();
      await db.sync_meta.put({ key: DIRECTORY_AT_KEY, value: Date.now() });
      useUiStore.getState().dismissCause('signin');
    } catch (err) {
      if (!disposed()) useUiStore.getState().toast(`Could not load the directory: ${err instanceof Error ? err.message : String(err)}`, 'error', undefined, 'signin');
    }
  }
  if (disposed()) return;
  document.documentElement.dataset.directory = 'ready';
  if (!live.user) useUiStore.getState().toast('The CRM did not say who you are: pick yourself in Settings.', 'info', undefined, 'signin');
}

/** Dates, times and amounts in the rep's locale from the next render on; <html lang> says it (date inputs follow where the platform lets them). */
function applyLocale(locale: string | undefined): void {
  document.documentElement.lang = setDisplayLocale(locale);
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
    const setUser = (u: UserRef) => setBooted((b) => (b ? { ...b, currentUser: u } : b));
    void (async () => {
      if (!live.current.user) {
        const me = await e.whoAmI().catch(() => null);
        if (me && !disposed) {
          const u: UserRef = { id: me.id, name: me.name, email: me.email ?? null };
          await db.sync_meta.put({ key: CURRENT_USER_KEY, value: u });
          live.current.user = u;
          setUser(u);
        }
      }
      if (disposed) return;
      e.start();
      // The engine's runs keep activities fresh; the directory (pickers, names) is refreshed here.
      await loadIdentityAndDirectory(e, db, live.current, () => disposed, setUser, false);
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
    if ('locale' in patch) applyLocale(next.locale);
    setBooted((b) => (b ? { ...b, settings: next } : b));
    if (patch.theme) writeTheme(patch.theme);
    const { theme: _t, ...persisted } = next;
    await booted.db.sync_meta.put({ key: SETTINGS_KEY, value: persisted });
    if ('quietHours' in patch) await booted.platform.setQuietHours(next.quietHours);
  }, [booted]);

  /**
   * Signs in only once the CRM has answered: something at the address, speaking the guide's API,
   * taking the token. Each failure throws a SignInError naming what to fix.
   */
  const signIn = useCallback(async (baseUrl: string, token: string) => {
    if (!booted) return;
    const { db, platform } = booted;
    const refusal = await originRefusal(db, baseUrl);
    if (refusal) throw new SignInError('url', refusal);
    const before = await platform.session();
    await platform.signIn(baseUrl, token);
    const probe = await probeCrm(platform.transport, baseUrl.replace(/\/+$/, ''));
    if (!probe.ok) {
      await platform.signOut();
      const session = await platform.session();
      setBooted((b) => (b ? { ...b, session } : b));
      throw new SignInError(probe.reason === 'refused' ? 'token' : 'url', probe.message);
    }
    crmReach.set('reachable');
    const origin = crmOrigin(baseUrl);
    const previous = (await db.sync_meta.get(STORE_ORIGIN_KEY))?.value;
    if (typeof previous === 'string' && previous !== origin) {
      // Another CRM: who the rep is and its directory come from it.
      await db.sync_meta.bulkDelete([CURRENT_USER_KEY, DIRECTORY_AT_KEY]);
      live.current.user = null;
      setBooted((b) => (b ? { ...b, currentUser: null } : b));
    }
    await db.sync_meta.put({ key: STORE_ORIGIN_KEY, value: origin });
    useUiStore.getState().dismissCause('signin');
    // Same session after a 401: the running engine resumes with the new token, and loads who the
    // rep is and the directory now rather than at the next manual refresh.
    const e = live.current.engine;
    e?.authRestored();
    const session = await platform.session();
    setBooted((b) => (b ? { ...b, session } : b));
    if (e && before.signedIn) {
      const setUser = (u: UserRef) => setBooted((b) => (b ? { ...b, currentUser: u } : b));
      void loadIdentityAndDirectory(e, db, live.current, () => live.current.engine !== e, setUser, true);
      void e.syncNow();
    }
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
    <AppContext.Provider value={value}>{children}</AppContext.Provider>
  );
}
