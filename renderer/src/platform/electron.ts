/**
 * Desktop mode: the Platform port over the preload bridge (window.fieldbook). HTTP goes to main,
 * which adds the CRM address and token; the token never comes back here.
 */
import type { EventPayload, FieldbookBridge } from '#shared/ipc/contract';
import type { Platform, PlatformEvents, Transport } from '#shared/ipc/platform';
import { TransportError } from '#shared/ipc/platform';
import type { DurableStorage } from '#shared/ipc/platform';
import { requestDurableStorage } from './durable-storage.ts';
import { crmAddressProblem, tokenProblem } from '#shared/ipc/contract';
import type { CalDavPort } from '#shared/ipc/platform';
import { credentialProblem } from './caldav-web.ts';

declare global {
  interface Window {
    /** Present only when running inside the desktop app (set by electron/preload). */
    fieldbook?: FieldbookBridge;
  }
}

/** Electron wraps a rejected invoke as "Error invoking remote method 'x': Error: message"; keep the message. */
function remoteMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
}

export function createElectronPlatform(
  bridge: FieldbookBridge | undefined = window.fieldbook,
  askDurableStorage: () => Promise<DurableStorage> = requestDurableStorage,
): Platform {
  if (!bridge) throw new Error('The desktop bridge (window.fieldbook) is missing: is this running inside Fieldbook?');
  const b = bridge;
  // At start; main's permission handler grants persistent storage to app://fieldbook only.
  const durable = askDurableStorage();

  const transport: Transport = {
    async request(req) {
      let result;
      try {
        result = await b.invoke('http:request', req);
      } catch (e) {
        // Not signed in, or a request main refused: nothing was sent.
        throw new TransportError('network', remoteMessage(e));
      }
      if (!result.ok) throw new TransportError(result.failure.kind, result.failure.message);
      return result.response;
    },
  };

  // The calendar account: the password goes to main once and stays there (safeStorage).
  const caldav: CalDavPort = {
    async setCredential(c) {
      const problem = credentialProblem(c);
      if (problem) throw new Error(problem);
      return b.invoke('caldav:setCredential', c);
    },
    async clearCredential() {
      await b.invoke('caldav:clearCredential');
    },
    credential: () => b.invoke('caldav:credential'),
    transport: {
      async request(req) {
        let result;
        try {
          result = await b.invoke('caldav:request', req);
        } catch (e) {
          // No account, or a request main refused: nothing was sent.
          throw new TransportError('network', remoteMessage(e));
        }
        if (!result.ok) throw new TransportError(result.failure.kind, result.failure.message);
        return result.response;
      },
    },
  };

  return {
    kind: 'electron',
    transport,
    caldav,
    durableStorage: () => durable,
    async signIn(baseUrl, token) {
      // Main validates too; checking here first gives the form the plain field message.
      const problem = crmAddressProblem(baseUrl) ?? tokenProblem(token);
      if (problem) throw new Error(problem);
      await b.invoke('auth:signIn', { baseUrl, token });
    },
    async signOut() {
      await b.invoke('auth:signOut');
    },
    async session() {
      const s = await b.invoke('auth:session');
      return { baseUrl: s.baseUrl, signedIn: s.signedIn, tokenPersisted: s.tokenPersisted };
    },
    async setReminders(items) {
      await b.invoke('reminders:set', items);
    },
    async setQuietHours(q) {
      await b.invoke('settings:quietHours', q);
    },
    async setCounts(c) {
      await b.invoke('tray:counts', c);
    },
    on<K extends keyof PlatformEvents>(event: K, listener: (payload: PlatformEvents[K]) => void) {
      // Same payload types: contract.ts proves EventPayload<E> ≡ PlatformEvents[E] at compile time.
      return b.on(event, listener as (payload: EventPayload<K>) => void);
    },
    exportLogs() {
      return b.invoke('logs:export');
    },
    async reminderAction(key, action) {
      await b.invoke('reminders:action', { key, action });
    },
  };
}
