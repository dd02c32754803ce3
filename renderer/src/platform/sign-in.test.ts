/** Web mode's sign-in refuses what main's IPC validation refuses, and never keeps such a token. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebPlatform, type WebPlatform } from './web.ts';

const win = Object.assign(new EventTarget(), { focus: vi.fn() });
const doc = Object.assign(new EventTarget(), { visibilityState: 'visible', title: '' });
let platform: WebPlatform | undefined;
beforeEach(() => {
  vi.stubGlobal('window', win);
  vi.stubGlobal('document', doc);
});
afterEach(() => {
  platform?.dispose();
  platform = undefined;
  vi.unstubAllGlobals();
});

describe('web platform sign-in', () => {
  it.each([
    ['a token with a line break', 'http://127.0.0.1:4010', 'tok-SECRET\r\nX: 1', /visible ASCII/],
    ['a token with a NUL', 'http://127.0.0.1:4010', 'tok-SECRET\u0000', /visible ASCII/],
    ['a non-ASCII token', 'http://127.0.0.1:4010', 'tök-SECRET', /visible ASCII/],
    ['an over-long token', 'http://127.0.0.1:4010', 'x'.repeat(4097), /longer than 4096/],
    ['an address with credentials', 'http://rep:pw@127.0.0.1:4010', 'tok-SECRET', /user name and password/],
    ['an address with a query', 'http://127.0.0.1:4010/?t=1', 'tok-SECRET', /query/],
    ['no http(s) address', 'ftp://127.0.0.1', 'tok-SECRET', /http:\/\/ or https:\/\//],
  ])('refuses %s with a message that does not repeat the token, and stays signed out', async (_name, url, token, message) => {
    const sent: string[] = [];
    platform = createWebPlatform({
      tickMs: 1e9,
      requestDurableStorage: () => Promise.resolve('granted'),
      makeTransport: () => ({ request: (req) => { sent.push(req.path); return Promise.resolve({ status: 200, headers: {}, body: '{}' }); } }),
    });
    const err = await platform.signIn(url, token).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('SECRET');
    expect((await platform.session()).signedIn).toBe(false);
    await expect(platform.transport.request({ method: 'GET', path: '/x' })).rejects.toThrow(/Not signed in/);
    expect(sent).toEqual([]);
  });

  it('accepts a visible-ASCII token', async () => {
    platform = createWebPlatform({ tickMs: 1e9, requestDurableStorage: () => Promise.resolve('granted') });
    await platform.signIn('http://127.0.0.1:4010/', 'eyJhbGciOi.J9-_~+/=');
    expect((await platform.session()).signedIn).toBe(true);
  });
});

describe('desktop platform sign-in', () => {
  it('refuses a bad token before it reaches main, with the plain field message', async () => {
    const { createElectronPlatform } = await import('./electron.ts');
    const invoked: string[] = [];
    const bridge = { kind: 'electron', invoke: (c: string) => { invoked.push(c); return Promise.resolve({ tokenPersisted: true }); }, on: () => () => {} };
    const desktop = createElectronPlatform(bridge as unknown as Parameters<typeof createElectronPlatform>[0], () => Promise.resolve('granted'));
    await expect(desktop.signIn('https://crm.example.com', 'tok-SECRET\r\n')).rejects.toThrow(/^The token can contain only visible ASCII characters/);
    expect(invoked).toEqual([]);
    await desktop.signIn('https://crm.example.com', 'tok-ok');
    expect(invoked).toEqual(['auth:signIn']);
  });
});
