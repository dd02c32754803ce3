/**
 * Main's CalDAV transport: the origin and Basic auth come from the stored account, the renderer
 * cannot set credentials or leave the origin, redirects come back as answers, and the password
 * never appears in what goes back to the renderer. Then the real client discovers a real Radicale
 * through it (the /.well-known/caldav redirect included).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCalDavClient, CalDavError, type DavTransport } from '#shared/caldav/client';
import { TransportError } from '#shared/ipc/platform';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from '../../test/caldav/radicale.testing.ts';
import { MainCalDavTransport, basicAuth } from './caldav-transport.ts';
import type { CalDavCredential } from './caldav-store.ts';

vi.mock('electron', () => ({}));

let server: Server;
let origin: string;
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/.well-known/caldav') {
        res.writeHead(301, { Location: '/dav/' });
        res.end();
        return;
      }
      res.writeHead(207, { 'Content-Type': 'application/xml', ETag: '"e1"', 'Set-Cookie': 's=1' });
      res.end('<multistatus xmlns="DAV:"/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const PASSWORD = 'pw-SECRET-4711';

function transport(cred: CalDavCredential | null = { serverUrl: `${origin}/dav/`, username: 'rep', password: PASSWORD }, fetchImpl?: (url: string, init: RequestInit) => Promise<Response>) {
  return new MainCalDavTransport({ fetch: fetchImpl ?? ((url, init) => fetch(url, init)), credential: () => cred });
}

describe('MainCalDavTransport', () => {
  it('sends to the account origin with Basic auth; a forged Authorization is dropped; ETag comes back, cookies do not', async () => {
    const result = await transport().request({ method: 'PROPFIND', path: '/dav/', headers: { Depth: '0', Authorization: 'Basic forged' }, body: '<propfind/>' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.response.status).toBe(207);
    expect(result.response.headers['etag']).toBe('"e1"');
    expect(result.response.headers['set-cookie']).toBeUndefined();
    const req = seen.at(-1);
    expect(req).toMatchObject({ method: 'PROPFIND', url: '/dav/', body: '<propfind/>' });
    expect(req?.headers.authorization).toBe(basicAuth('rep', PASSWORD));
    expect(req?.headers.depth).toBe('0');
  });

  it('hands a redirect back as an answer, for the client to follow on the same origin', async () => {
    const result = await transport().request({ method: 'PROPFIND', path: '/.well-known/caldav' });
    expect(result).toMatchObject({ ok: true, response: { status: 301, headers: { location: '/dav/' } } });
  });

  it('refuses without an account, and a path that would leave the origin', async () => {
    await expect(transport(null).request({ method: 'GET', path: '/x' })).rejects.toThrow(/No calendar account/);
    // Past the contract's check (which wants a leading '/'), glued to the origin this would be userinfo@evil.example.
    await expect(transport().request({ method: 'GET', path: '@evil.example/x' })).rejects.toThrow(/outside the account's server/);
  });

  it('a failure echoing the password or its Basic value reaches the renderer redacted', async () => {
    const encoded = basicAuth('rep', PASSWORD);
    const result = await transport(undefined, () => Promise.reject(new Error(`ECONNRESET while sending ${PASSWORD} as ${encoded}`, { cause: new Error(encoded.slice(6)) })))
      .request({ method: 'GET', path: '/x' });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encoded.slice(6));
    expect(text).toMatch(/ECONNRESET/);
  });

  it('a server that never answers is a timeout', async () => {
    const hang = (_url: string, init: RequestInit) => new Promise<Response>((_r, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const t = new MainCalDavTransport({ fetch: hang, credential: () => ({ serverUrl: origin, username: 'rep', password: PASSWORD }), defaultTimeoutMs: 30 });
    expect(await t.request({ method: 'GET', path: '/x' })).toEqual({ ok: false, failure: { kind: 'timeout', message: 'No answer from the calendar server within 0 s.' } });
  });
});

/** What the renderer's electron platform does with a caldav:request result. */
function asDavTransport(t: MainCalDavTransport): DavTransport {
  return {
    async request(req) {
      const r = await t.request(req);
      if (!r.ok) throw new TransportError(r.failure.kind, r.failure.message);
      return r.response;
    },
  };
}

describe.skipIf(!radicaleAvailable())('through main to a real Radicale', () => {
  let radicale: RadicaleServer;
  beforeAll(async () => {
    radicale = await startRadicale();
  });
  afterAll(() => radicale.stop());

  it('discovers the account (well-known redirect), and a wrong password is CalDavError auth', async () => {
    const good = createCalDavClient(asDavTransport(transport({ serverUrl: radicale.url, username: radicale.user, password: radicale.password })));
    const found = await good.discover();
    expect(found.principal).toBe(`/${radicale.user}/`);
    const bad = createCalDavClient(asDavTransport(transport({ serverUrl: radicale.url, username: radicale.user, password: 'wrong' })));
    const err = await bad.discover().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalDavError);
    expect((err as CalDavError).kind).toBe('auth');
  });
});
if (!radicaleAvailable()) console.log(skipMessage());
