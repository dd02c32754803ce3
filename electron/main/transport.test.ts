import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_RESPONSE_BYTES } from '#shared/api/index';
import { MainTransport, NotSignedInError } from './transport.ts';

vi.mock('electron', () => ({}));

// A real server on 127.0.0.1; Node's fetch stands in for net.fetch (same WHATWG API).
let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
const stalled: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/stall') {
        stalled.push(() => res.end('late'));
        return;
      }
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Type': 'application/json', 'Set-Cookie': 'a=b', ETag: '"v1"' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const finish of stalled) finish();
  await new Promise((resolve) => server.close(resolve));
});

function transport(over: { online?: () => boolean; signedIn?: boolean } = {}) {
  const changes: boolean[] = [];
  const t = new MainTransport({
    fetch: (url, init) => fetch(url, init),
    isOnline: over.online ?? (() => true),
    credentials: () => (over.signedIn === false ? null : { baseUrl, token: 'tok-123' }),
    onOnlineChange: (o) => changes.push(o),
  });
  return { t, changes };
}

describe('MainTransport', () => {
  it('sends to the base URL with the bearer token; renderer-set credentials are dropped', async () => {
    const { t, changes } = transport();
    const result = await t.request({
      method: 'POST',
      path: '/api/v1/crm/activities',
      headers: { Authorization: 'Bearer forged', 'Idempotency-Key': 'op-1' },
      body: '{"subject":"x"}',
    });
    expect(result).toEqual({ ok: true, response: { status: 200, headers: expect.objectContaining({ etag: '"v1"' }) as unknown, body: '{"ok":true}' } });
    if (result.ok) expect(result.response.headers['set-cookie']).toBeUndefined();
    const req = seen.at(-1);
    expect(req?.headers.authorization).toBe('Bearer tok-123');
    expect(req?.headers['idempotency-key']).toBe('op-1');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toBe('{"subject":"x"}');
    expect(changes).toEqual([true]);
  });

  it('returns HTTP errors as responses, not failures', async () => {
    const { t } = transport();
    const result = await t.request({ method: 'GET', path: '/missing' });
    expect(result.ok && result.response.status).toBe(404);
  });

  it('maps a timeout to {kind:"timeout"} without calling the CRM unreachable', async () => {
    const { t, changes } = transport();
    const result = await t.request({ method: 'GET', path: '/stall', timeoutMs: 200 });
    expect(result).toEqual({ ok: false, failure: { kind: 'timeout', message: expect.stringMatching(/No answer/) as unknown } });
    expect(changes).toEqual([]);
  });

  it('maps a refused connection to {kind:"network"} and flips online from real outcomes', async () => {
    const changes: boolean[] = [];
    let base = 'http://127.0.0.1:1';
    const t = new MainTransport({
      fetch: (url, init) => fetch(url, init),
      isOnline: () => true,
      credentials: () => ({ baseUrl: base, token: 'tok' }),
      onOnlineChange: (o) => changes.push(o),
    });
    const failed = await t.request({ method: 'GET', path: '/x' });
    expect(failed.ok ? null : failed.failure.kind).toBe('network');
    expect(t.isOnline()).toBe(false);
    base = baseUrl;
    await t.request({ method: 'GET', path: '/x' });
    expect(changes).toEqual([false, true]);
  });

  it('net.isOnline() = false fails fast without a request', async () => {
    const { t, changes } = transport({ online: () => false });
    const before = seen.length;
    const result = await t.request({ method: 'GET', path: '/x' });
    expect(result).toEqual({ ok: false, failure: { kind: 'network', message: 'No network connection.' } });
    expect(seen.length).toBe(before);
    expect(changes).toEqual([false]);
  });

  it('never sends the token to another origin, whatever the path', async () => {
    const { t } = transport();
    const before = seen.length;
    for (const path of ['@evil.example/x', '.evil.example/x']) {
      await expect(t.request({ method: 'GET', path })).rejects.toThrow(/outside the CRM/);
    }
    expect(seen.length).toBe(before);
  });

  it('refuses to send anything when signed out', async () => {
    const { t } = transport({ signedIn: false });
    await expect(t.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(NotSignedInError);
  });

  it('a 307/308 to another server is refused: that server receives nothing and the answer is not applied', async () => {
    const other = await extraServer((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end('{"id":"evil"}');
    });
    const crm = await extraServer((req, res) => {
      res.writeHead(req.url === '/a' ? 307 : 308, { Location: `${other.url}/api/v1/crm/activities` });
      res.end();
    });
    const { t, changes } = transportTo(crm.url, 'tok-123');
    for (const path of ['/a', '/b']) {
      const result = await t.request({ method: 'POST', path, body: '{"subject":"x"}' });
      expect(result).toEqual({ ok: false, failure: { kind: 'network', message: `The CRM redirected to another address (${other.url}/api/v1/crm/activities); not following.` } });
    }
    expect(crm.seen).toHaveLength(2);
    expect(other.seen).toEqual([]);
    // The CRM did answer: a redirect is not "offline".
    expect(changes).toEqual([true]);
  });

  it('net.fetch\'s own refusal of a manual redirect becomes the same clear failure', async () => {
    const inits: RequestInit[] = [];
    const t = new MainTransport({
      fetch: (_url, init) => {
        inits.push(init);
        return Promise.reject(new Error('Redirect was cancelled'));
      },
      isOnline: () => true,
      credentials: () => ({ baseUrl, token: 'tok-123' }),
    });
    const result = await t.request({ method: 'GET', path: '/x' });
    expect(result.ok ? null : result.failure.message).toMatch(/^The CRM redirected to another address; not following/);
    expect(inits[0]?.redirect).toBe('manual');
    expect(t.isOnline()).toBe(true);
  });

  it('refuses an answer over the size cap (declared or streamed) without reading it all', async () => {
    let written = 0;
    const crm = await extraServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'Content-Length': String(MAX_RESPONSE_BYTES + 1) });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = 'z'.repeat(1024);
      const pump = (): void => {
        while (written < 10 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const big = await transportTo(crm.url, 'tok-123').t.request({ method: 'GET', path: '/declared' });
    expect(big.ok ? null : big.failure.message).toMatch(/^The CRM's answer is larger than 20 MB; not reading it/);
    const { t } = transportTo(crm.url, 'tok-123', 64 * 1024);
    const streamed = await t.request({ method: 'GET', path: '/stream' });
    expect(streamed.ok ? null : streamed.failure.message).toMatch(/^The CRM's answer is larger than 65536 bytes/);
    expect(written).toBeLessThan(10 * 1024 * 1024);
    expect(MAX_RESPONSE_BYTES).toBe(20 * 1024 * 1024);
  });

  it.each([
    ['a line break', 'tok-SECRET-123\r\nX-Evil: 1'],
    ['a NUL', 'tok-SECRET-123\u0000'],
    ['non-ASCII', 'tok-SECRET-123é'],
  ])('a saved token with %s: a redacted failure, nothing sent, online state untouched', async (_name, token) => {
    const { t, changes } = transportTo(baseUrl, token);
    const before = seen.length;
    const result = await t.request({ method: 'GET', path: '/x' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRET');
    expect(result.ok ? null : result.failure.message).toMatch(/token contains characters an HTTP header cannot carry/);
    expect(seen.length).toBe(before);
    expect(changes).toEqual([]);
  });

  it('a renderer header that cannot be built is a redacted failure, not an escaping throw', async () => {
    const { t } = transportTo(baseUrl, 'tok-SECRET-123');
    const result = await t.request({ method: 'GET', path: '/x', headers: { 'X-Note': 'Bearer tok-SECRET-123\nX-Evil: 1' } });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it('a network failure whose text echoes the token or a Bearer header is redacted', async () => {
    // A base64-style token: some stacks echo it URL-encoded.
    const token = 'tok/SECRET+123=';
    const t = new MainTransport({
      fetch: (_url, init) =>
        Promise.reject(new Error(`net::ERR_CONNECTION_RESET sending ${new Headers(init.headers).get('authorization') ?? ''} (${encodeURIComponent(token)})`)),
      isOnline: () => true,
      credentials: () => ({ baseUrl, token }),
    });
    const result = await t.request({ method: 'GET', path: '/x' });
    expect(result.ok ? null : result.failure.kind).toBe('network');
    expect(result.ok ? '' : result.failure.message).toContain('ERR_CONNECTION_RESET');
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });
});

const extras: Server[] = [];
afterAll(async () => {
  for (const s of extras) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function extraServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: string[] }> {
  const got: string[] = [];
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push(`${req.method ?? ''} ${req.url ?? ''}`);
      handler(req, res);
    });
  });
  extras.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen: got };
}

function transportTo(base: string, token: string, maxResponseBytes?: number) {
  const changes: boolean[] = [];
  const t = new MainTransport({
    fetch: (url, init) => fetch(url, init),
    isOnline: () => true,
    credentials: () => ({ baseUrl: base, token }),
    onOnlineChange: (o) => changes.push(o),
    ...(maxResponseBytes ? { maxResponseBytes } : {}),
  });
  return { t, changes };
}
