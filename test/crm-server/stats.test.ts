/**
 * Cost accounting: stats() counts the requests and the response body bytes the server sent (total
 * and per route), so a bench can say "N requests and M MB sent by the server".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTORY, GUIDE_IDS, startCrmServer, type CrmServer } from './index.ts';

const API = '/api/v1/crm';
let crm: CrmServer | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

/** The response body as bytes on the wire (the client's own count). */
async function bodyBytes(server: CrmServer, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.arrayBuffer()).byteLength;
}

describe('stats: bytes sent', () => {
  it('counts response body bytes (not characters), total and per route, and resetStats zeroes them', async () => {
    crm = await startCrmServer({ demo: true });
    crm.resetStats();
    // Multi-byte characters: a byte count differs from a character count.
    const created = await bodyBytes(crm, 'POST', `${API}/activities`, {
      type: 'call', subject: 'Café ☕ Zürich – 東京', activityable_type: 'customer', activityable_id: DIRECTORY.customers[0]?.id,
    });
    const list1 = await bodyBytes(crm, 'GET', `${API}/activities?per_page=100`);
    const list2 = await bodyBytes(crm, 'GET', `${API}/activities?per_page=10&page=2`);
    const detail = await bodyBytes(crm, 'GET', `${API}/activities/${GUIDE_IDS.activityB}`);
    const missing = await bodyBytes(crm, 'GET', `${API}/activities/nope`);
    const s = crm.stats();
    expect(s.bytesByRoute).toEqual({
      'POST /activities': created,
      'GET /activities': list1 + list2,
      'GET /activities/:id': detail + missing,
    });
    expect(s.bytesSent).toBe(created + list1 + list2 + detail + missing);
    expect(list1).toBeGreaterThan(10_000);
    expect(s.byRoute).toEqual({ 'POST /activities': 1, 'GET /activities': 2, 'GET /activities/:id': 2 });

    // Requests outside /api count in the total only; preflights send no body.
    const openapi = (await (await fetch(`${crm.url}/openapi.json`)).arrayBuffer()).byteLength;
    expect(crm.stats().bytesSent).toBe(s.bytesSent + openapi);

    crm.resetStats();
    expect(crm.stats()).toMatchObject({ bytesSent: 0, bytesByRoute: {}, requests: 0, byRoute: {} });
  });

  it('a plain server sends fewer bytes for the same list (the list shape is smaller)', async () => {
    const sizes: number[] = [];
    for (const plain of [false, true]) {
      crm = await startCrmServer({ demo: true, plain, perPageCap: 50 });
      await bodyBytes(crm, 'GET', `${API}/activities?per_page=50`);
      sizes.push(crm.stats().bytesByRoute['GET /activities'] ?? 0);
      await crm.close();
      crm = undefined;
    }
    const [full = 0, plain = 0] = sizes;
    expect(plain).toBeGreaterThan(0);
    expect(plain).toBeLessThan(full);
  });

  it('a dropped answer (fault after commit) sends no bytes', async () => {
    crm = await startCrmServer({ demo: true, failRate: 1, faults: { kinds: { error5xx: 0, rateLimit: 0, dropAfterCommit: 1, slow: 0 } } });
    await expect(fetch(`${crm.url}${API}/activities`, { headers: { Authorization: `Bearer ${crm.token}` } })).rejects.toThrow();
    await crm.idle();
    expect(crm.stats()).toMatchObject({ apiRequests: 1, bytesSent: 0, faults: { dropAfterCommit: 1 } });
  });
});
