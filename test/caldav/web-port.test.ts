/**
 * Web mode's calendar port: the credential stays in memory, each request goes to the account's
 * origin with Basic auth (UTF-8), a path cannot leave the origin, and a failure is a TransportError
 * that never repeats the password. Then the real client discovers a real Radicale through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalDavClient, type CalDavError } from '#shared/caldav/client';
import { TransportError } from '#shared/ipc/platform';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';
import { basicAuthHeader, createWebCalDav } from '../../renderer/src/platform/caldav-web.ts';

describe('web calendar port', () => {
  it('refuses a bad credential with a field message, keeps a good one in memory only', async () => {
    const port = createWebCalDav(() => Promise.reject(new Error('no network in this test')));
    await expect(port.setCredential({ serverUrl: 'http://caldav.example.com', username: 'rep', password: 'pw' })).rejects.toThrow(/https:\/\//);
    await expect(port.setCredential({ serverUrl: 'https://caldav.example.com', username: 'a:b', password: 'pw' })).rejects.toThrow(/colon/);
    expect(await port.setCredential({ serverUrl: 'https://caldav.example.com/dav/', username: 'rep', password: 'pw' })).toEqual({ persisted: false });
    expect(await port.credential()).toEqual({ serverUrl: 'https://caldav.example.com/dav/', username: 'rep', persisted: false });
    await port.clearCredential();
    expect(await port.credential()).toBeNull();
    await expect(port.transport.request({ method: 'GET', path: '/x' })).rejects.toThrow(/No calendar account/);
  });

  it('sends Basic auth to the account origin; a renderer-set Authorization is replaced; failures are redacted TransportErrors', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    let fail = false;
    const port = createWebCalDav((url, init) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') });
      if (fail) return Promise.reject(new TypeError('Failed to fetch pässwörd-SECRET'));
      return Promise.resolve(new Response('<x/>', { status: 207, headers: { ETag: '"1"' } }));
    });
    await port.setCredential({ serverUrl: 'https://caldav.example.com/dav/', username: 'rep', password: 'pässwörd-SECRET' });
    const res = await port.transport.request({ method: 'PROPFIND', path: '/dav/', headers: { Authorization: 'Basic forged' } });
    expect(res).toMatchObject({ status: 207, headers: { etag: '"1"' }, body: '<x/>' });
    expect(seen[0]).toEqual({ url: 'https://caldav.example.com/dav/', auth: basicAuthHeader('rep', 'pässwörd-SECRET') });
    expect(atob(basicAuthHeader('rep', 'é').slice(6))).toBe('rep:\u00c3\u00a9');
    await expect(port.transport.request({ method: 'GET', path: '//evil.example/x' })).rejects.toThrow(/outside/);
    fail = true;
    const err = await port.transport.request({ method: 'GET', path: '/dav/' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).not.toContain('SECRET');
  });
});

describe.skipIf(!radicaleAvailable())('web calendar port against Radicale', () => {
  let radicale: RadicaleServer;
  beforeAll(async () => {
    radicale = await startRadicale();
  });
  afterAll(() => radicale.stop());

  it('discovers the account; a wrong password is the auth error', async () => {
    const port = createWebCalDav();
    await port.setCredential({ serverUrl: radicale.url, username: radicale.user, password: radicale.password });
    expect((await createCalDavClient(port.transport).discover('/')).calendarHome).toBe(`/${radicale.user}/`);
    await port.setCredential({ serverUrl: radicale.url, username: radicale.user, password: 'nope' });
    const err = await createCalDavClient(port.transport).discover('/').catch((e: unknown) => e);
    expect((err as CalDavError).kind).toBe('auth');
  });
});
if (!radicaleAvailable()) console.log(skipMessage());
