/**
 * The whole IPC path without Electron: renderer platform → preload bridge → (fake ipcRenderer)
 * → validated main handlers → and events back. Proves the bridge only speaks contract channels
 * and that transport failures arrive in the renderer as TransportErrors with their kind.
 */
import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FieldbookBridge } from '#shared/ipc/contract';
import { TransportError } from '#shared/ipc/platform';
import type { Platform } from '#shared/ipc/platform';
import { EventSender, registerIpcHandlers } from '../../electron/main/ipc.ts';
import type { Handlers, InvokeEventLike } from '../../electron/main/ipc.ts';
import { APP_INDEX_URL } from '../../electron/main/app-protocol.ts';
import { createAppUrlMatcher } from '../../electron/main/security.ts';

const mainHandlers = new Map<string, (e: InvokeEventLike, ...a: unknown[]) => unknown>();
const toRenderer = new EventEmitter();
const exposed: Record<string, unknown> = {};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
  ipcRenderer: {
    // Like Electron: the call reaches main with the sender frame of the page that made it.
    invoke: async (channel: string, ...args: unknown[]) => {
      const h = mainHandlers.get(channel);
      if (!h) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      try {
        return await h({ senderFrame: { url: APP_INDEX_URL, parent: null } }, ...args);
      } catch (e) {
        throw new Error(`Error invoking remote method '${channel}': ${String(e)}`, { cause: e });
      }
    },
    on: (channel: string, l: (...a: unknown[]) => void) => toRenderer.on(channel, l),
    removeListener: (channel: string, l: (...a: unknown[]) => void) => toRenderer.removeListener(channel, l),
  },
}));

let signedIn = false;
const handlers: Handlers = {
  'http:request': (req) => {
    if (!signedIn) throw new Error('Not signed in: add the CRM address and token in Settings.');
    return req.path === '/down'
      ? { ok: false, failure: { kind: 'timeout', message: 'No answer from the CRM within 30 s.' } }
      : { ok: true, response: { status: 200, headers: { etag: '"1"' }, body: `{"path":"${req.path}"}` } };
  },
  'auth:signIn': () => {
    signedIn = true;
    return { tokenPersisted: true };
  },
  'auth:signOut': () => {
    signedIn = false;
    return undefined;
  },
  'auth:session': () => ({ baseUrl: signedIn ? 'https://crm.example.com' : '', signedIn, tokenPersisted: true }),
  'reminders:set': () => undefined,
  'settings:quietHours': () => undefined,
  'settings:startAtLogin': ({ enabled }) => ({ enabled }),
  'tray:counts': () => undefined,
  'logs:export': () => '/home/rep/Downloads/fieldbook-logs.log',
  'app:openExternal': () => undefined,
  'reminders:action': () => undefined,
  'caldav:setCredential': () => ({ persisted: true }),
  'caldav:clearCredential': () => undefined,
  'caldav:credential': () => null,
  'caldav:request': () => ({ ok: true, response: { status: 207, headers: {}, body: '' } }),
};

const events = new EventSender();
let platform: Platform;
let bridge: FieldbookBridge;

beforeAll(async () => {
  registerIpcHandlers({ handle: (c, l) => void mainHandlers.set(c, l) }, handlers, createAppUrlMatcher(), { warn: () => {} });
  events.attach({
    send: (channel, payload) => void toRenderer.emit(channel, { sender: 'ipc-event-internals' }, payload),
    isDestroyed: () => false,
    isLoading: () => false,
    on: () => undefined,
  });
  await import('../../electron/preload/index.ts');
  bridge = exposed['fieldbook'] as FieldbookBridge;
  (globalThis as unknown as { window: { fieldbook?: FieldbookBridge } }).window = { fieldbook: bridge };
  const { createElectronPlatform } = await import('../../renderer/src/platform/electron.ts');
  platform = createElectronPlatform();
});

describe('preload bridge + electron platform', () => {
  it('exposes exactly one object, window.fieldbook', () => {
    expect(Object.keys(exposed)).toEqual(['fieldbook']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'kind', 'on']);
    expect(platform.kind).toBe('electron');
  });

  it('refuses channels outside the contract before they reach ipcRenderer', async () => {
    const loose = bridge as unknown as { invoke(c: string, p?: unknown): Promise<unknown>; on(e: string, l: () => void): () => void };
    await expect(loose.invoke('__ELECTRON_LOG__', {})).rejects.toThrow(/Unknown channel/);
    expect(() => loose.on('event:online', () => {})).toThrow(/Unknown event/);
  });

  it('signs in, reads the session, and makes requests through main', async () => {
    await expect(platform.transport.request({ method: 'GET', path: '/x' })).rejects.toEqual(
      new TransportError('network', 'Not signed in: add the CRM address and token in Settings.'),
    );
    await platform.signIn('https://crm.example.com', 'tok');
    expect(await platform.session()).toEqual({ baseUrl: 'https://crm.example.com', signedIn: true, tokenPersisted: true });
    expect(await platform.transport.request({ method: 'GET', path: '/api/v1/crm/activities' })).toEqual({
      status: 200,
      headers: { etag: '"1"' },
      body: '{"path":"/api/v1/crm/activities"}',
    });
    const failure = await platform.transport.request({ method: 'GET', path: '/down' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).kind).toBe('timeout');
    expect(await platform.exportLogs()).toBe('/home/rep/Downloads/fieldbook-logs.log');
    await platform.signOut();
    expect((await platform.session()).signedIn).toBe(false);
  });

  it('a bad payload from the page is rejected by main with its reason', async () => {
    await expect(platform.setQuietHours({ start: '7am', end: '22:00' })).rejects.toThrow(/settings:quietHours: invalid payload/);
  });

  it('events arrive without the IPC event object, and unsubscribe works', () => {
    const got: unknown[] = [];
    const off = platform.on('reminderClicked', (p) => got.push(p));
    events.send('reminderClicked', { lid: 'A', action: 'done' });
    off();
    events.send('reminderClicked', { lid: 'A2', action: 'open' }); // buffered for the next subscriber
    expect(got).toEqual([{ lid: 'A', action: 'done' }]);
  });

  it('events sent before the app subscribes are handed to its first subscriber, once', () => {
    events.send('remindersMissed', { lids: ['M1', 'M2'] });
    events.send('online', { online: false });
    const missed: unknown[] = [];
    const again: unknown[] = [];
    const off = platform.on('remindersMissed', (p) => missed.push(p));
    platform.on('remindersMissed', (p) => again.push(p));
    expect(missed).toEqual([{ lids: ['M1', 'M2'] }]);
    expect(again).toEqual([]);
    events.send('remindersMissed', { lids: ['M3'] });
    expect(missed).toEqual([{ lids: ['M1', 'M2'] }, { lids: ['M3'] }]);
    expect(again).toEqual([{ lids: ['M3'] }]);
    off();
  });
});
