/**
 * The fetch transport against real servers on 127.0.0.1: no redirect is followed (a 307/308 to
 * another server never reaches it), answers over the size cap are refused without reading them
 * whole, and no failure message carries the token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '#shared/ipc/platform';
import { createFetchTransport, isHeaderSafeToken, MAX_RESPONSE_BYTES, redactSecret } from '#shared/api/index';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
});

interface Seen { method: string; url: string; auth: string | undefined; body: string }

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(TransportError);
  return e as TransportError;
}

const TOKEN = 'tok-SECRET-1234567890';

describe('fetch transport: redirects', () => {
  it.each([307, 308, 302, 301, 303])('a %i to another server is refused and that server receives nothing', async (status) => {
    const other = await listen((_req, res) => { res.writeHead(201, { 'Content-Type': 'application/json' }); res.end('{"id":666}'); });
    const crm = await listen((req, res) => { res.writeHead(status, { Location: `${other.url}/api/v1/crm/activities?x=1` }); res.end(); });
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => TOKEN });
    const e = await failure(t.request({ method: 'POST', path: '/api/v1/crm/activities', body: '{"subject":"x"}' }));
    expect(e.kind).toBe('network');
    expect(e.message).toBe(`The CRM redirected to another address (${other.url}/api/v1/crm/activities); not following.`);
    expect(crm.seen).toHaveLength(1);
    expect(other.seen).toEqual([]);
  });

  it('a redirect within the CRM is refused too (its API does not redirect), and 304 passes through', async () => {
    const crm = await listen((req, res) => {
      if (req.url === '/moved') { res.writeHead(308, { Location: '/elsewhere' }); res.end(); return; }
      if (req.url === '/cached') { res.writeHead(304, { ETag: '"v1"' }); res.end(); return; }
      res.writeHead(200); res.end('{}');
    });
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => TOKEN });
    const e = await failure(t.request({ method: 'PATCH', path: '/moved', body: '{}' }));
    expect(e.message).toMatch(/^The CRM answered 308, a redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere; its API does not redirect, so not following/);
    expect(crm.seen.map((s) => s.url)).toEqual(['/moved']);
    const notModified = await t.request({ method: 'GET', path: '/cached', headers: { 'If-None-Match': '"v1"' } });
    expect(notModified).toMatchObject({ status: 304, body: '' });
  });
});

describe('fetch transport: response size cap', () => {
  it(`is ${MAX_RESPONSE_BYTES / 1024 / 1024} MB by default`, () => {
    expect(MAX_RESPONSE_BYTES).toBe(20 * 1024 * 1024);
  });

  it('refuses an answer whose Content-Length is over the cap, and one that streams past it without a length', async () => {
    let written = 0;
    const crm = await listen((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'Content-Length': String(10_000) });
        res.end('x'.repeat(10_000));
        return;
      }
      if (req.url === '/small') { res.writeHead(200); res.end('y'.repeat(4_000)); return; }
      // Chunked, no length: keeps writing until the client hangs up (or 10 MB, a bound for the test).
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = 'z'.repeat(1024);
      const pump = (): void => {
        while (written < 10 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
    });
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => TOKEN, maxResponseBytes: 5_000 });
    expect((await t.request({ method: 'GET', path: '/small' })).body).toHaveLength(4_000);
    const declared = await failure(t.request({ method: 'GET', path: '/declared' }));
    expect(declared.message).toMatch(/^The CRM's answer is larger than 5000 bytes; not reading it/);
    const streamed = await failure(t.request({ method: 'GET', path: '/stream' }));
    expect(streamed.message).toMatch(/^The CRM's answer is larger than 5000 bytes/);
    // The transport stopped reading: the server never got to write everything.
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it('states the default cap in MB', async () => {
    const crm = await listen((_req, res) => { res.writeHead(200, { 'Content-Length': String(MAX_RESPONSE_BYTES + 1) }); res.end(); });
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => TOKEN });
    const e = await failure(t.request({ method: 'GET', path: '/huge' }));
    expect(e.message).toMatch(/^The CRM's answer is larger than 20 MB;/);
  });
});

describe('fetch transport: token hygiene', () => {
  it.each([
    ['a line break', `${TOKEN}\r\nX-Evil: 1`],
    ['a NUL', `${TOKEN}\u0000`],
    ['non-ASCII', `${TOKEN}é`],
    ['a space', `Bearer ${TOKEN}`],
  ])('a token with %s fails the request without sending it and without the token in the message', async (_name, token) => {
    const crm = await listen((_req, res) => { res.end('{}'); });
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => token });
    const e = await failure(t.request({ method: 'GET', path: '/x' }));
    expect(e.kind).toBe('network');
    expect(e.message).toMatch(/token contains characters an HTTP header cannot carry/);
    expect(e.message).not.toContain(TOKEN);
    expect(crm.seen).toEqual([]);
  });

  it('a renderer header that cannot be built is a failure, not a throw that escapes with details', async () => {
    const crm = await listen((_req, res) => { res.end('{}'); });
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => TOKEN });
    const e = await failure(t.request({ method: 'GET', path: '/x', headers: { 'X-Note': `Bearer ${TOKEN}\nX-Evil: 1` } }));
    expect(e.message).not.toContain(TOKEN);
  });

  it('a network failure whose text echoes the request (token, escaped token, Bearer fragment) is redacted', async () => {
    const crm = await listen((req) => { req.socket.destroy(); });
    const token = 'abc.DEF_123-xyz~ghi';
    // A fetch whose error text echoes the Authorization header, as some stacks and proxies do.
    const echoing: typeof fetch = async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (err) {
        const auth = new Headers(init?.headers).get('authorization') ?? '';
        throw new Error(`socket hang up sending ${auth} (${encodeURIComponent(token)}) {"authorization":${JSON.stringify(auth)}}`, { cause: err });
      }
    };
    const t = createFetchTransport({ baseUrl: crm.url, getToken: () => token, fetch: echoing });
    const e = await failure(t.request({ method: 'POST', path: '/x', body: '{}' }));
    expect(e.kind).toBe('network');
    expect(e.message).toContain('socket hang up');
    expect(e.message).not.toContain(token);
    expect(e.message).not.toMatch(/DEF_123/);
  });

  it('redactSecret removes the token, its visible pieces and any Bearer fragment; isHeaderSafeToken accepts only visible ASCII', () => {
    expect(redactSecret('failed: Bearer zzz-other-token, retry', 'abc')).toBe('failed: Bearer [redacted], retry');
    expect(redactSecret('value "part-one-x" then part-two-y', 'part-one-x\r\npart-two-y')).toBe('value "[redacted]" then [redacted]');
    expect(redactSecret('nothing here', null)).toBe('nothing here');
    expect(isHeaderSafeToken('A-z0~9._+/=!')).toBe(true);
    for (const bad of ['', 'a b', 'a\tb', 'a\u007f', 'ä', 'a\r\n']) expect(isHeaderSafeToken(bad)).toBe(false);
  });
});
