/** What each invoke channel does. Validation happens before these run (ipc.ts). */
import type { Shell } from 'electron';
import type { CalDavCredentialStore } from './caldav-store.ts';
import type { MainCalDavTransport } from './caldav-transport.ts';
import type { Handlers } from './ipc.ts';
import type { ReminderScheduler } from './reminders.ts';
import { openExternalSafely } from './security.ts';
import type { TokenStore } from './token-store.ts';
import type { MainTransport } from './transport.ts';

export interface HandlerDeps {
  tokens: TokenStore;
  transport: MainTransport;
  scheduler: ReminderScheduler;
  tray: { setCounts(c: { today: number; overdue: number }): void } | null;
  startAtLogin: { set(enabled: boolean): void; get(): boolean };
  exportLogs(): Promise<string | null>;
  shell: Pick<Shell, 'openExternal'>;
  log: { info(msg: string): void };
  /** The calendar account (issue #14): its credential and transport. */
  caldav: { store: CalDavCredentialStore; transport: MainCalDavTransport };
}

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'http:request': (req) => deps.transport.request(req),
    'auth:signIn': ({ baseUrl, token }) => {
      const tokenPersisted = deps.tokens.set({ baseUrl, token });
      deps.log.info(`signed in to ${new URL(baseUrl).origin} (token ${tokenPersisted ? 'stored encrypted' : 'kept in memory only'})`);
      return { tokenPersisted };
    },
    'auth:signOut': () => {
      deps.tokens.clear();
      // The next rep on this machine must not get the previous rep's reminders.
      deps.scheduler.setItems([]);
      deps.log.info('signed out');
      return undefined;
    },
    'auth:session': () => {
      const creds = deps.tokens.get();
      return { baseUrl: creds?.baseUrl ?? '', signedIn: creds !== null, tokenPersisted: deps.tokens.isPersisted() };
    },
    'reminders:set': (items) => {
      deps.scheduler.setItems(items);
      deps.scheduler.tick();
      return undefined;
    },
    'settings:quietHours': (q) => {
      deps.scheduler.setQuietHours(q);
      return undefined;
    },
    'settings:startAtLogin': ({ enabled }) => {
      deps.startAtLogin.set(enabled);
      return { enabled: deps.startAtLogin.get() };
    },
    'tray:counts': (c) => {
      deps.tray?.setCounts(c);
      return undefined;
    },
    'logs:export': () => deps.exportLogs(),
    'app:openExternal': async (url) => {
      await openExternalSafely(deps.shell, url);
      return undefined;
    },
    'reminders:action': ({ key, action }) => {
      deps.scheduler.reminderAction(key, action);
      return undefined;
    },
    'caldav:setCredential': ({ serverUrl, username, password }) => {
      const persisted = deps.caldav.store.set({ serverUrl, username, password });
      deps.log.info(`calendar account set for ${new URL(serverUrl).origin} (password ${persisted ? 'stored encrypted' : 'kept in memory only'})`);
      return { persisted };
    },
    'caldav:clearCredential': () => {
      deps.caldav.store.clear();
      deps.log.info('calendar account removed');
      return undefined;
    },
    'caldav:credential': () => deps.caldav.store.info(),
    'caldav:request': (req) => deps.caldav.transport.request(req),
  };
}
