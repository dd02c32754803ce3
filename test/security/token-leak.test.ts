/**
 * The bearer token must never reach the renderer: not in handler results, not in events, not in
 * error messages. Everything main hands to the renderer is captured here and searched for it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../electron/main/handlers.ts';
import { EventSender, registerIpcHandlers } from '../../electron/main/ipc.ts';
import type { InvokeEventLike, IpcMainLike } from '../../electron/main/ipc.ts';
import { ReminderScheduler } from '../../electron/main/reminders.ts';
import type { SchedulerState } from '../../electron/main/reminders.ts';
import { APP_INDEX_URL } from '../../electron/main/app-protocol.ts';
import { createAppUrlMatcher } from '../../electron/main/security.ts';
import { TokenStore } from '../../electron/main/token-store.ts';
import { CalDavCredentialStore } from '../../electron/main/caldav-store.ts';
import { MainCalDavTransport } from '../../electron/main/caldav-transport.ts';
import { MainTransport } from '../../electron/main/transport.ts';

vi.mock('electron', () => ({}));

const TOKEN = 'tok_9f8e7d6c5b4a-very-secret';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-leak-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function wire(fetchImpl: (url: string, init: RequestInit) => Promise<Response>) {
  const toRenderer: unknown[] = [];
  const events = new EventSender();
  events.attach({
    send: (channel, payload) => void toRenderer.push({ channel, payload }),
    isDestroyed: () => false,
    isLoading: () => false,
    on: () => undefined,
  });
  const tokens = new TokenStore(join(dir, 'session.json'), {
    isEncryptionAvailable: () => true,
    encryptString: (s) => Buffer.from(s).reverse(),
    decryptString: (b) => Buffer.from(b).reverse().toString(),
  }, 'darwin');
  const transport = new MainTransport({
    fetch: fetchImpl,
    isOnline: () => true,
    credentials: () => tokens.get(),
    onOnlineChange: (online) => events.send('online', { online }),
  });
  let stored: SchedulerState | null = null;
  const scheduler = new ReminderScheduler({
    clock: { now: () => Date.parse('2026-03-02T09:00:00Z') },
    notifier: { show: (_n, h) => h.click() },
    storage: { read: () => stored, write: (s) => void (stored = s) },
    timeZone: 'UTC',
    supportsActions: false,
    onOpen: (lid, action) => events.send('reminderClicked', { lid, action }),
    onMissed: (lids) => events.send('remindersMissed', { lids }),
  });
  const registered = new Map<string, (e: InvokeEventLike, ...a: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = { handle: (c, l) => void registered.set(c, l) };
  registerIpcHandlers(
    ipcMain,
    createHandlers({
      tokens,
      transport,
      scheduler,
      tray: null,
      startAtLogin: { set: () => {}, get: () => false },
      exportLogs: () => Promise.resolve(null),
      shell: { openExternal: () => Promise.resolve() },
      log: { info: () => {} },
      caldav: (() => {
        const store = new CalDavCredentialStore(join(dir, 'caldav.json'), { isEncryptionAvailable: () => false, encryptString: (s) => Buffer.from(s), decryptString: (b) => b.toString() }, 'darwin');
        return { store, transport: new MainCalDavTransport({ fetch: fetchImpl, credential: () => store.get() }) };
      })(),
    }),
    createAppUrlMatcher(),
    { warn: () => {} },
  );
  const frame = { url: APP_INDEX_URL, parent: null };
  /** Invokes like the renderer would; results and error messages are what the renderer gets. */
  const invoke = async (channel: string, payload?: unknown): Promise<unknown> => {
    const handler = registered.get(channel);
    if (!handler) throw new Error(channel);
    try {
      const result = await handler({ senderFrame: frame }, payload);
      toRenderer.push({ channel, result });
      return result;
    } catch (e) {
      toRenderer.push({ channel, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      return undefined;
    }
  };
  return { invoke, toRenderer, tokens };
}

describe('the token never reaches the renderer', () => {
  it('across sign-in, session, requests (ok, HTTP error, network error echoing it, timeout), reminders and sign-out', async () => {
    const authSeen: (string | null)[] = [];
    let mode: 'ok' | '401' | 'throw' | 'hang' = 'ok';
    const fetchImpl = (url: string, init: RequestInit): Promise<Response> => {
      authSeen.push(new Headers(init.headers).get('authorization'));
      if (mode === 'throw') return Promise.reject(new Error(`connect ECONNRESET ${url} (Authorization: Bearer ${TOKEN})`, { cause: new Error(`socket for ${TOKEN}`) }));
      if (mode === 'hang') {
        return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error(`aborted request with ${TOKEN}`))));
      }
      return Promise.resolve(new Response(mode === 'ok' ? '{"data":[]}' : '{"message":"Unauthenticated."}', { status: mode === 'ok' ? 200 : 401 }));
    };
    const { invoke, toRenderer } = wire(fetchImpl);

    await invoke('auth:signIn', { baseUrl: 'https://crm.example.com', token: TOKEN });
    await invoke('auth:session');
    await invoke('http:request', { method: 'GET', path: '/api/v1/crm/activities' });
    mode = '401';
    await invoke('http:request', { method: 'GET', path: '/api/v1/crm/activities/1' });
    mode = 'throw';
    await invoke('http:request', { method: 'POST', path: '/api/v1/crm/activities', body: '{}' });
    mode = 'hang';
    await invoke('http:request', { method: 'GET', path: '/slow', timeoutMs: 50 });
    await invoke('reminders:set', [
      { lid: 'A', subject: 'Call', reminder_at: '2026-03-02T09:00:00Z', due_at: null, type: 'call', entity_name: null, location: null, phone: null },
    ]);
    await invoke('auth:signOut');
    await invoke('auth:session');
    await invoke('http:request', { method: 'GET', path: '/after-sign-out' });

    // The CRM did get the token (so the search below is not vacuous)...
    expect(authSeen).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    // ...the renderer got results, events and errors...
    const everything = JSON.stringify(toRenderer);
    expect(everything).toContain('"signedIn":true');
    expect(everything).toContain('ECONNRESET');
    expect(everything).toContain('"kind":"timeout"');
    expect(everything).toContain('event:reminderClicked');
    expect(everything).toContain('Not signed in');
    // ...and none of it carries the token.
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.slice(4, 20));
    // Nor does anything main wrote to disk in plain text.
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain(TOKEN);
  });

  it('a token with control characters: refused at sign-in, and one saved by an older version fails requests without leaking', async () => {
    const bad = `${TOKEN}\r\nX-Injected: 1`;
    let fetched = 0;
    const { invoke, toRenderer, tokens } = wire(() => {
      fetched++;
      return Promise.resolve(new Response('{}'));
    });
    await invoke('auth:signIn', { baseUrl: 'https://crm.example.com', token: bad });
    await invoke('auth:signIn', { baseUrl: 'https://crm.example.com', token: `${TOKEN}\u0000` });
    // As if stored before sign-in validated tokens.
    tokens.set({ baseUrl: 'https://crm.example.com', token: bad });
    await invoke('http:request', { method: 'GET', path: '/api/v1/crm/activities' });
    await invoke('http:request', { method: 'POST', path: '/api/v1/crm/activities', body: '{}', headers: { 'X-Note': `Bearer ${TOKEN}\nX: 1` } });
    const everything = JSON.stringify(toRenderer);
    expect(everything).toContain('visible ASCII');
    expect(everything).toContain('cannot carry');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.slice(4, 20));
    expect(fetched).toBe(0);
  });
});
