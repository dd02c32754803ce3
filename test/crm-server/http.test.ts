/** CORS for local origins, /openapi.json, and the CLI entry point. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrmServer, type CrmServer } from './index.ts';

let crm: CrmServer;
beforeAll(async () => {
  crm = await startCrmServer({});
});
afterAll(() => crm.close());

describe('CORS', () => {
  it('answers a preflight from a local origin with the headers the app sends', async () => {
    const res = await fetch(`${crm.url}/api/v1/crm/activities/x/complete`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,idempotency-key,if-match,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'if-match']) expect(allowed).toContain(h);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('exposes the extension headers to local pages, also on errors, and ignores other origins', async () => {
    const ok = await fetch(`${crm.url}/api/v1/crm/activities`, { headers: { Origin: 'http://127.0.0.1:4173', Authorization: `Bearer ${crm.token}` } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173');
    const exposed = (ok.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const h of ['etag', 'x-crm-extensions', 'retry-after', 'idempotent-replayed']) expect(exposed).toContain(h);
    const unauth = await fetch(`${crm.url}/api/v1/crm/activities`, { headers: { Origin: 'http://localhost:3000' } });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const foreign = await fetch(`${crm.url}/api/v1/crm/activities`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('/openapi.json', () => {
  it('describes every route without auth', async () => {
    const res = await fetch(`${crm.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { required?: string[] }> }; 'x-crm-extensions': string[] };
    expect(doc.openapi).toBe('3.1.0');
    const p = '/api/v1/crm';
    const expected: [string, string][] = [
      [`${p}/activities`, 'get'], [`${p}/activities`, 'post'], [`${p}/activities/search`, 'get'], [`${p}/activities/overdue`, 'get'],
      [`${p}/activities/bulk-actions`, 'post'], [`${p}/activities/{id}`, 'get'], [`${p}/activities/{id}`, 'put'], [`${p}/activities/{id}`, 'patch'],
      [`${p}/activities/{id}`, 'delete'], [`${p}/activities/{id}/complete`, 'post'], [`${p}/activities/{id}/cancel`, 'post'],
      [`${p}/activities/{id}/reschedule`, 'post'], [`${p}/users/me`, 'get'],
      ...['leads', 'customers', 'opportunities', 'contacts', 'users'].flatMap((c): [string, string][] => [
        [`${p}/${c}`, 'get'], [`${p}/${c}`, 'post'], [`${p}/${c}/{id}`, 'get'], [`${p}/${c}/{id}`, 'patch'],
      ]),
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    // Request schemas come from the shared zod schemas.
    expect(doc.components.schemas.CreateActivity?.required).toEqual(expect.arrayContaining(['type', 'subject', 'activityable_type', 'activityable_id']));
    expect(doc['x-crm-extensions']).toEqual(['idempotency', 'etag', 'updated-since', 'users-me']);
  });
});

describe('CLI', () => {
  it('starts on a free port with --port 0, prints URL and token, serves the demo', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/crm-server/cli.ts', '--port', '0', '--token', 'cli-token', '--data', dataDir, '--demo'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`cli exited with ${code}`))));
      const ready = new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^CRM ready (http:\/\/127\.0\.0\.1:\d+) token=cli-token$/.exec(line);
          if (m?.[1]) resolve(m[1]);
        });
      });
      const url = await Promise.race([ready, exited]);
      const res = await fetch(`${url}/api/v1/crm/activities/overdue`, { headers: { Authorization: 'Bearer cli-token' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { meta: { total: number } }).meta.total).toBeGreaterThan(0);
    } finally {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
