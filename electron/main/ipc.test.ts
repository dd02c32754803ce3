import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '#shared/ipc/contract';
import type { InvokeChannel } from '#shared/ipc/contract';
import { EventSender, registerIpcHandlers } from './ipc.ts';
import type { Handlers, InvokeEventLike, IpcMainLike, WebContentsLike } from './ipc.ts';
import { APP_INDEX_URL } from './app-protocol.ts';
import { createAppUrlMatcher } from './security.ts';

vi.mock('electron', () => ({}));

const RENDERER = '/opt/Fieldbook/resources/app.asar/out/renderer/index.html';
const APP_URL = APP_INDEX_URL;
/** Where the app was served from before app://fieldbook: no longer the app. */
const OLD_FILE_URL = pathToFileURL(RENDERER).href;

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

function setup(devServerUrl?: string) {
  const registered = new Map<string, Listener>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void registered.set(channel, listener) };
  const calls: { channel: InvokeChannel; payload: unknown }[] = [];
  const record =
    <C extends InvokeChannel>(channel: C, result: Awaited<ReturnType<Handlers[C]>>) =>
    (payload: unknown) => {
      calls.push({ channel, payload });
      return result;
    };
  const handlers: Handlers = {
    'http:request': record('http:request', { ok: true, response: { status: 200, headers: {}, body: '{}' } }),
    'auth:signIn': record('auth:signIn', { tokenPersisted: true }),
    'auth:signOut': record('auth:signOut', undefined),
    'auth:session': record('auth:session', { baseUrl: '', signedIn: false, tokenPersisted: false }),
    'reminders:set': record('reminders:set', undefined),
    'settings:quietHours': record('settings:quietHours', undefined),
    'settings:startAtLogin': record('settings:startAtLogin', { enabled: true }),
    'tray:counts': record('tray:counts', undefined),
    'logs:export': record('logs:export', null),
    'app:openExternal': record('app:openExternal', undefined),
    'reminders:action': record('reminders:action', undefined),
    'caldav:setCredential': record('caldav:setCredential', { persisted: true }),
    'caldav:clearCredential': record('caldav:clearCredential', undefined),
    'caldav:credential': record('caldav:credential', null),
    'caldav:request': record('caldav:request', { ok: true, response: { status: 207, headers: {}, body: '' } }),
  };
  const warnings: string[] = [];
  const isAppUrl = createAppUrlMatcher(devServerUrl ? { devServerUrl } : {});
  registerIpcHandlers(ipcMain, handlers, isAppUrl, { warn: (m) => warnings.push(m) });
  const invoke = (channel: string, senderFrame: InvokeEventLike['senderFrame'], ...args: unknown[]): Promise<unknown> => {
    const listener = registered.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return Promise.resolve(listener({ senderFrame }, ...args));
  };
  const fromApp = { url: APP_URL, parent: null };
  return { registered, calls, warnings, invoke, fromApp };
}

const GOOD_PAYLOADS: Record<InvokeChannel, unknown> = {
  'http:request': { method: 'GET', path: '/api/v1/crm/activities?page=2' },
  'auth:signIn': { baseUrl: 'https://crm.example.com', token: 'secret' },
  'auth:signOut': undefined,
  'auth:session': undefined,
  'reminders:set': [
    { lid: '01J', subject: 'Call', reminder_at: '2026-03-02T09:00:00Z', due_at: null, type: 'call', entity_name: null, location: null, phone: null },
  ],
  'settings:quietHours': { start: '22:00', end: '07:00' },
  'settings:startAtLogin': { enabled: false },
  'tray:counts': { today: 3, overdue: 1 },
  'logs:export': undefined,
  'app:openExternal': 'https://example.com/help',
  'reminders:action': { key: '01J|2026-03-02T09:00:00.000Z', action: '15m' },
  'caldav:setCredential': { serverUrl: 'https://caldav.example.com/dav/', username: 'rep@example.com', password: 'abcd efgh ijkl' },
  'caldav:clearCredential': undefined,
  'caldav:credential': undefined,
  'caldav:request': { method: 'PROPFIND', path: '/.well-known/caldav', headers: { Depth: '0' }, body: '<propfind/>' },
};

describe('IPC handlers', () => {
  it('registers every contract channel, and each accepts a good payload from the app window', async () => {
    const { registered, calls, invoke, fromApp } = setup();
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    for (const channel of INVOKE_CHANNELS) await invoke(channel, fromApp, GOOD_PAYLOADS[channel]);
    expect(calls.map((c) => c.channel)).toEqual([...INVOKE_CHANNELS]);
    expect(calls[0]?.payload).toEqual(GOOD_PAYLOADS['http:request']);
  });

  it.each([
    ['another local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['a web page', { url: 'https://evil.example/', parent: null }],
    ['a sub-frame of the app', { url: APP_URL, parent: {} }],
    ['a destroyed frame', null],
    ['a dev server that is not configured', { url: 'http://localhost:5173/', parent: null }],
    ['a look-alike host', { url: 'app://fieldbook.evil.example/index.html', parent: null }],
    ['another app:// host', { url: 'app://evil/index.html', parent: null }],
    ['the old file:// address of the app', { url: OLD_FILE_URL, parent: null }],
  ])('rejects every channel from %s', async (_name, frame) => {
    const { calls, invoke, warnings } = setup();
    for (const channel of INVOKE_CHANNELS) {
      await expect(invoke(channel, frame, GOOD_PAYLOADS[channel])).rejects.toThrow(/sender is not the app window/);
    }
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(INVOKE_CHANNELS.length);
  });

  it('accepts the dev server only when it is the configured one', async () => {
    const { invoke, calls } = setup('http://localhost:5173');
    await invoke('auth:session', { url: 'http://localhost:5173/#/calendar', parent: null });
    await expect(invoke('auth:session', { url: 'http://localhost:5174/', parent: null })).rejects.toThrow(/sender/);
    expect(calls).toHaveLength(1);
  });

  it('accepts the app URL with a hash route', async () => {
    const { invoke, calls } = setup();
    await invoke('auth:session', { url: `${APP_URL}#/activity/01J`, parent: null });
    expect(calls).toHaveLength(1);
  });

  it.each<[InvokeChannel, unknown]>([
    ['http:request', { method: 'GET', path: 'https://evil.example/steal' }],
    ['http:request', { method: 'GET', path: '//evil.example/steal' }],
    ['http:request', { method: 'TRACE', path: '/x' }],
    ['http:request', { method: 'GET', path: '/x', extra: true }],
    ['http:request', { method: 'POST', path: '/x', headers: { a: 1 } }],
    ['http:request', 'GET /x'],
    ['auth:signIn', { baseUrl: 'ftp://crm.example.com', token: 't' }],
    ['auth:signIn', { baseUrl: 'http://crm.example.com', token: 't' }],
    ['auth:signIn', { baseUrl: 'https://crm.example.com', token: '' }],
    ['auth:signOut', { anything: 1 }],
    ['reminders:set', [{ lid: 'x', subject: 's', reminder_at: 'tomorrow', due_at: null, type: 'call', entity_name: null, location: null, phone: null }]],
    ['reminders:set', { lid: 'not-an-array' }],
    ['settings:quietHours', { start: '25:00', end: '07:00' }],
    ['settings:startAtLogin', { enabled: 'yes' }],
    ['tray:counts', { today: -1, overdue: 0 }],
    ['tray:counts', { today: 1.5, overdue: 0 }],
    ['app:openExternal', 'file:///etc/passwd'],
    ['app:openExternal', 'javascript:alert(1)'],
    ['app:openExternal', 'smb://share/x'],
    ['caldav:request', { method: 'PROPFIND', path: 'https://evil.example/steal' }],
    ['caldav:request', { method: 'PROPFIND', path: '//evil.example/steal' }],
    ['caldav:request', { method: 'MOVE', path: '/cal/' }],
    ['caldav:request', { method: 'GET', path: '/cal/', extra: 1 }],
    ['caldav:setCredential', { serverUrl: 'http://caldav.example.com', username: 'rep', password: 'pw' }],
    ['caldav:setCredential', { serverUrl: 'https://rep:pw@caldav.example.com', username: 'rep', password: 'pw' }],
    ['caldav:setCredential', { serverUrl: 'https://caldav.example.com', username: 'a:b', password: 'pw' }],
    ['caldav:setCredential', { serverUrl: 'https://caldav.example.com', username: 'rep', password: '' }],
    ['caldav:clearCredential', { anything: 1 }],
  ])('rejects a bad %s payload with a clear message and never calls the handler', async (channel, payload) => {
    const { invoke, calls, fromApp } = setup();
    await expect(invoke(channel, fromApp, payload)).rejects.toThrow(new RegExp(`${channel}: invalid payload`));
    expect(calls).toEqual([]);
  });

  it('accepts plain http only for a CRM on this computer', async () => {
    const { invoke, calls, fromApp } = setup();
    await invoke('auth:signIn', fromApp, { baseUrl: 'http://127.0.0.1:8787', token: 't' });
    await invoke('auth:signIn', fromApp, { baseUrl: 'http://localhost:8787/crm', token: 't' });
    await expect(invoke('auth:signIn', fromApp, { baseUrl: 'http://10.0.0.5', token: 't' })).rejects.toThrow(/https:\/\/ address/);
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['a line break', { token: 'tok-SECRET-1\r\nX-Evil: 1' }, /visible ASCII/],
    ['a NUL', { token: 'tok-SECRET-1\u0000' }, /visible ASCII/],
    ['non-ASCII', { token: 'tok-SECRET-1é' }, /visible ASCII/],
    ['a space', { token: 'tok-SECRET-1 x' }, /visible ASCII/],
    ['an over-long token', { token: `tok-SECRET-1${'x'.repeat(4096)}` }, /longer than 4096/],
    ['credentials in the address', { baseUrl: 'https://rep:pw@crm.example.com' }, /user name and password/],
    ['a query in the address', { baseUrl: 'https://crm.example.com/?tenant=1' }, /query/],
    ['a fragment in the address', { baseUrl: 'https://crm.example.com/#x' }, /fragment/],
    ['an address that is no URL', { baseUrl: 'crm example' }, /http\(s\) URL/],
  ])('sign-in refuses %s with a field message that never repeats the token', async (_name, over, message) => {
    const { invoke, calls, fromApp } = setup();
    const err = await invoke('auth:signIn', fromApp, { baseUrl: 'https://crm.example.com', token: 'tok-SECRET-1', ...over }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('SECRET');
    expect(calls).toEqual([]);
  });

  it('sign-in accepts visible-ASCII tokens of any CRM flavour (JWT, base64, 4096 characters)', async () => {
    const { invoke, calls, fromApp } = setup();
    for (const token of ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_', 'dG9rZW4/+=', 'x'.repeat(4096), '!~']) {
      await invoke('auth:signIn', fromApp, { baseUrl: 'https://crm.example.com/crm', token });
    }
    expect(calls).toHaveLength(4);
  });

  it('a calendar password with a line break is refused in words that never repeat it', async () => {
    const { invoke, calls, fromApp } = setup();
    const err = await invoke('caldav:setCredential', fromApp, { serverUrl: 'https://caldav.example.com', username: 'rep', password: 'pw-SECRET-9\r\nX: 1' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/line breaks/);
    expect((err as Error).message).not.toContain('SECRET');
    expect(calls).toEqual([]);
    // Plain http only to a server on this computer (the test Radicale).
    await invoke('caldav:setCredential', fromApp, { serverUrl: 'http://127.0.0.1:5232/', username: 'rep', password: 'pw' });
    expect(calls).toHaveLength(1);
  });

  it('rejects extra arguments', async () => {
    const { invoke, calls, fromApp } = setup();
    await expect(invoke('tray:counts', fromApp, { today: 1, overdue: 1 }, 'extra')).rejects.toThrow(/expected one argument/);
    expect(calls).toEqual([]);
  });
});

describe('EventSender', () => {
  function fakeContents(loading: boolean) {
    const sent: { channel: string; payload: unknown }[] = [];
    let onLoad: (() => void) | undefined;
    const contents: WebContentsLike & { finishLoad(): void } = {
      send: (channel, payload) => void sent.push({ channel, payload }),
      isDestroyed: () => false,
      isLoading: () => loading,
      on: (_event, listener) => {
        onLoad = listener;
      },
      finishLoad: () => {
        loading = false;
        onLoad?.();
      },
    };
    return { contents, sent };
  }

  it('queues events until the page has loaded, then delivers them in order', () => {
    const { contents, sent } = fakeContents(true);
    const events = new EventSender();
    events.send('remindersMissed', { lids: ['A'] }); // before any window
    events.attach(contents);
    events.send('reminderClicked', { lid: 'A', action: 'open' });
    expect(sent).toEqual([]);
    contents.finishLoad();
    events.send('online', { online: false });
    expect(sent).toEqual([
      { channel: 'event:remindersMissed', payload: { lids: ['A'] } },
      { channel: 'event:reminderClicked', payload: { lid: 'A', action: 'open' } },
      { channel: 'event:online', payload: { online: false } },
    ]);
  });

  it('refuses to send a payload the contract does not allow', () => {
    const { contents } = fakeContents(false);
    const events = new EventSender();
    events.attach(contents);
    const bad = { lid: 'A', action: 'delete' } as unknown as { lid: string; action: 'open' };
    expect(() => events.send('reminderClicked', bad)).toThrow();
  });
});
