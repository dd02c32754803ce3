/** createFetchTransport over a real local HTTP server: headers, token per request, timeout vs network failures. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchTransport } from '#shared/api/index';
import { TransportError } from '#shared/ipc/platform';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('fetch transport', () => {
  it('sends the current token, method, body and headers; returns status, lower-cased headers and body', async () => {
    let token = 'one';
    const seen: { auth?: string; method?: string; key?: string; body: string }[] = [];
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, method: req.method, key: req.headers['idempotency-key'] as string | undefined, body });
        res.writeHead(201, { 'X-CRM-Extensions': 'idempotency', 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    const t = createFetchTransport({ baseUrl: `${url}/`, getToken: () => token });
    const r1 = await t.request({ method: 'POST', path: '/api/x', body: '{"a":1}', headers: { 'Idempotency-Key': 'k1' } });
    token = 'two';
    await t.request({ method: 'GET', path: '/api/x' });
    expect(r1).toMatchObject({ status: 201, body: '{"ok":true}' });
    expect(r1.headers['x-crm-extensions']).toBe('idempotency');
    expect(seen).toEqual([
      { auth: 'Bearer one', method: 'POST', key: 'k1', body: '{"a":1}' },
      { auth: 'Bearer two', method: 'GET', key: undefined, body: '' },
    ]);
  });

  it('a server that does not answer in time is a timeout; a closed connection is a network failure', async () => {
    const url = await listen((req, res) => {
      if (req.url === '/slow') setTimeout(() => { res.end('late'); }, 1_000);
      else req.socket.destroy();
    });
    const t = createFetchTransport({ baseUrl: url, getToken: () => null });
    const slow = await t.request({ method: 'GET', path: '/slow', timeoutMs: 50 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(TransportError);
    expect((slow as TransportError).kind).toBe('timeout');
    const reset = await t.request({ method: 'POST', path: '/drop', body: '{}' }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(TransportError);
    expect((reset as TransportError).kind).toBe('network');
  });
});
