/** Fault injection: seeded and reproducible; each kind does what a real flaky CRM does. */
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE_IDS, startCrmServer, type CrmServer, type FaultConfig } from './index.ts';
import { client, type Json } from './helpers.testing.ts';

const A = '/api/v1/crm/activities';
const create = { type: 'call', subject: 'Fault test', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 };
type One = Json & { data: Json };

const only = (kind: keyof FaultConfig['kinds']): FaultConfig['kinds'] => ({ error5xx: 0, rateLimit: 0, dropAfterCommit: 0, slow: 0, [kind]: 1 });

let crm: CrmServer | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

async function outcome(url: string, token: string, init: RequestInit = {}): Promise<number | 'dropped'> {
  try {
    const res = await fetch(url, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers } });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'dropped';
  }
}

describe('fault injection', () => {
  it('gives the same faults for the same seed and request order, other faults for another seed', async () => {
    const run = async (seed: number) => {
      const server = await startCrmServer({ seed, faults: { failRate: 0.5, slowMs: 10 } });
      try {
        const outcomes: (number | 'dropped')[] = [];
        for (let i = 0; i < 40; i++) outcomes.push(await outcome(`${server.url}${A}?page=${i + 1}`, server.token));
        await server.idle();
        return { outcomes, log: server.stats().faultLog, faults: server.stats().faults };
      } finally {
        await server.close();
      }
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(b).toEqual(a);
    expect(c.log).not.toEqual(a.log);
    expect(a.log).toHaveLength(40);
    // Every kind shows up and looks as it should from the outside.
    for (const k of ['error5xx', 'rateLimit', 'dropAfterCommit', 'slow'] as const) expect(a.faults[k]).toBeGreaterThan(0);
    a.log.forEach((kind, i) => {
      const o = a.outcomes[i];
      if (kind === 'dropAfterCommit') expect(o).toBe('dropped');
      else if (kind === 'rateLimit') expect(o).toBe(429);
      else if (kind === 'error5xx') expect([500, 502, 503, 504]).toContain(o);
      else expect(o).toBe(200);
    });
  });

  it('5xx: an error envelope and nothing committed', async () => {
    crm = await startCrmServer({ faults: { failRate: 1, kinds: only('error5xx') } });
    const res = await client(crm)('POST', A, create);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body).toMatchObject({ success: false });
    expect(res.body.message).toContain('Nothing was changed');
    expect(crm.store.countActivities()).toBe(0);
  });

  it('429 with Retry-After, nothing committed', async () => {
    crm = await startCrmServer({ faults: { failRate: 1, kinds: only('rateLimit'), retryAfterSeconds: 3 } });
    const res = await client(crm)('POST', A, create);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(crm.store.countActivities()).toBe(0);
  });

  it('drop after commit: the connection dies but the change is stored; the retry with the same key replays it', async () => {
    crm = await startCrmServer({ faults: { failRate: 1, kinds: only('dropAfterCommit') } });
    const body = JSON.stringify(create);
    const dropped = await outcome(`${crm.url}${A}`, crm.token, { method: 'POST', body, headers: { 'Idempotency-Key': 'drop-1' } });
    expect(dropped).toBe('dropped');
    expect(crm.store.countActivities()).toBe(1);
    crm.setFaults({ failRate: 0 });
    const retry = await client(crm)<One>('POST', A, create, { headers: { 'Idempotency-Key': 'drop-1' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(crm.store.countActivities()).toBe(1);
    expect(crm.mutate.get(String(retry.body.data.id))?.subject).toBe('Fault test');
  });

  it('slow: the client times out, the change is committed, and a retry gets the stored reply', async () => {
    crm = await startCrmServer({ faults: { failRate: 1, kinds: only('slow'), slowMs: 30_000 } });
    const call = client(crm);
    const timedOut = await outcome(`${crm.url}${A}`, crm.token, {
      method: 'POST', body: JSON.stringify(create), headers: { 'Idempotency-Key': 'slow-1' }, signal: AbortSignal.timeout(500),
    });
    expect(timedOut).toBe('dropped');
    expect(crm.store.countActivities()).toBe(1);
    crm.setFaults({ failRate: 0 });
    const retry = await call('POST', A, create, { headers: { 'Idempotency-Key': 'slow-1' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(crm.store.countActivities()).toBe(1);
  });

  it('added latency delays every API request', async () => {
    crm = await startCrmServer({ latencyMs: 150 });
    const started = performance.now();
    expect((await client(crm)('GET', A)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('never faults /openapi.json or CORS preflight, and can be changed at runtime', async () => {
    crm = await startCrmServer({ failRate: 1, faults: { kinds: only('error5xx') } });
    expect((await fetch(`${crm.url}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${crm.url}${A}`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173' } })).status).toBe(204);
    expect(crm.stats().apiRequests).toBe(0);
    expect((await client(crm)('GET', A)).status).toBeGreaterThanOrEqual(500);
    crm.setFaults({ failRate: 0 });
    expect(crm.faults()).toMatchObject({ failRate: 0, kinds: only('error5xx') });
    expect((await client(crm)('GET', A)).status).toBe(200);
    expect(crm.stats()).toMatchObject({ apiRequests: 2, faults: { error5xx: 1 }, byRoute: { 'GET /activities': 2 } });
    expect(() => crm?.setFaults({ failRate: 2 })).toThrow(/failRate/);
  });
});
