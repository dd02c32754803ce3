/**
 * Connecting a calendar account: where discovery looks (the address's own path first; in a
 * browser the root before /.well-known/caldav), which failure the rep is told about, and a real
 * Radicale found from its root, from a principal path, and refused with a wrong password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalDavError, type DavTransport } from '#shared/caldav/client';
import { TransportError } from '#shared/ipc/platform';
import { fetchDavTransport } from './dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';
import { ConnectError, connectError, createFieldbookCalendar, discoverAccount, discoveryPaths, eventCalendars } from '../../renderer/src/views/settings/calendar-account.ts';

describe('discoveryPaths', () => {
  it('the address path first, then the well-known path and the root (the root first in a browser)', () => {
    expect(discoveryPaths('https://cloud.example.com/remote.php/dav')).toEqual(['/remote.php/dav', '/.well-known/caldav', '/']);
    expect(discoveryPaths('https://caldav.example.com')).toEqual(['/.well-known/caldav', '/']);
    expect(discoveryPaths('https://caldav.example.com/', true)).toEqual(['/', '/.well-known/caldav']);
  });
});

describe('connectError', () => {
  it('names the field and says what to do', () => {
    expect(connectError(new CalDavError('auth', 'x', 401), 'https://dav.example.com').field).toBe('credentials');
    expect(connectError(new CalDavError('auth', 'x', 401), 'https://dav.example.com').message).toMatch(/dav\.example\.com refused the username or password/);
    expect(connectError(new CalDavError('unreachable', 'x'), 'https://dav.example.com').message).toMatch(/could not be reached/);
    expect(connectError(new CalDavError('protocol', 'no principal'), 'https://dav.example.com').message).toMatch(/No CalDAV calendar account was found.*no principal/);
  });

  it('a refused password stops discovery at once; otherwise the most telling failure wins', async () => {
    const paths: string[] = [];
    const refusing: DavTransport = { request: (r) => { paths.push(r.path); return Promise.resolve({ status: 401, headers: {}, body: '' }); } };
    await expect(discoverAccount(refusing, 'https://dav.example.com')).rejects.toMatchObject({ field: 'credentials' });
    expect(paths).toEqual(['/.well-known/caldav']);
    let n = 0;
    const mixed: DavTransport = {
      request: () => (n++ === 0 ? Promise.reject(new TransportError('network', 'Failed to fetch')) : Promise.resolve({ status: 200, headers: {}, body: '<html/>' })),
    };
    const err = await discoverAccount(mixed, 'https://dav.example.com', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(/No CalDAV calendar account/);
  });
});

describe.skipIf(!radicaleAvailable())('against Radicale', () => {
  let radicale: RadicaleServer;
  beforeAll(async () => {
    radicale = await startRadicale();
  });
  afterAll(() => radicale.stop());

  it('finds the account from the root and from the principal path, creates "Fieldbook" once', async () => {
    const t = fetchDavTransport(radicale.url, radicale.user, radicale.password);
    const d = await discoverAccount(t, radicale.url);
    expect(d.calendarHome).toBe(`/${radicale.user}/`);
    const fromPrincipal = await discoverAccount(t, `${radicale.url}/${radicale.user}/`);
    expect(fromPrincipal.principal).toBe(d.principal);
    const made = await createFieldbookCalendar(t, d);
    expect(made.displayName).toBe('Fieldbook');
    const again = await discoverAccount(t, radicale.url);
    expect(eventCalendars(again).filter((c) => c.displayName === 'Fieldbook')).toHaveLength(1);
    expect((await createFieldbookCalendar(t, again)).href).toBe(made.href);
    const wrong = fetchDavTransport(radicale.url, radicale.user, 'wrong');
    await expect(discoverAccount(wrong, radicale.url)).rejects.toMatchObject({ field: 'credentials' });
  });
});
if (!radicaleAvailable()) console.log(skipMessage());
