import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
});
