/** Data lives in a SQLite file in the data directory and survives a restart. */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE_IDS, startCrmServer } from './index.ts';
import { client, clock, type Json } from './helpers.testing.ts';

const A = '/api/v1/crm/activities';
type One = Json & { data: Json };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps activities, deletes, directory edits and idempotency keys across a restart, and seeds the demo once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-persist-'));
    dirs.push(dataDir);
    const time = clock('2025-12-17T22:00:00Z');

    const first = await startCrmServer({ dataDir, demo: true, now: time.now });
    const call1 = client(first);
    const seeded = first.store.countActivities();
    expect(seeded).toBeGreaterThan(300);
    const created = await call1<One>('POST', A, { type: 'visit', subject: 'Site visit Berlin', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 }, { headers: { 'Idempotency-Key': 'persist-1' } });
    expect(created.status).toBe(201);
    expect((await call1('DELETE', `${A}/${GUIDE_IDS.activityK}`)).status).toBe(200);
    expect((await call1('PATCH', `/api/v1/crm/customers/${GUIDE_IDS.customer423}`, { status: 'at_risk' })).status).toBe(200);
    await first.close();
    expect(existsSync(join(dataDir, 'crm.sqlite'))).toBe(true);

    const second = await startCrmServer({ dataDir, demo: true, now: time.now });
    try {
      const call2 = client(second);
      expect(second.store.countActivities()).toBe(seeded + 1);
      const id = String(created.body.data.id);
      expect((await call2<One>('GET', `${A}/${id}`)).body.data.subject).toBe('Site visit Berlin');
      expect((await call2('GET', `${A}/${GUIDE_IDS.activityK}`)).status).toBe(404);
      expect((await call2<One>('GET', `/api/v1/crm/customers/${GUIDE_IDS.customer423}`)).body.data.status).toBe('at_risk');
      const replay = await call2<One>('POST', A, { type: 'visit', subject: 'Site visit Berlin', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 }, { headers: { 'Idempotency-Key': 'persist-1' } });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(created.body);
      // New ids keep coming after a restart without clashing.
      const next = await call2<One>('POST', A, { type: 'call', subject: 'After restart', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 });
      expect(next.status).toBe(201);
      expect(next.body.data.id).not.toBe(id);
    } finally {
      await second.close();
    }
  });

  it('never reuses an id after a restart, even with the same seed and a pinned clock', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-ids-'));
    dirs.push(dataDir);
    const now = () => Date.parse('2025-12-17T22:00:00Z');
    const body = { type: 'call', subject: 'Same moment', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 };
    const first = await startCrmServer({ dataDir, now });
    const a = await client(first)<One>('POST', A, body);
    await first.close();
    const second = await startCrmServer({ dataDir, now });
    try {
      const b = await client(second)<One>('POST', A, { ...body, subject: 'Same moment, later run' });
      expect(b.body.data.id).not.toBe(a.body.data.id);
      expect(second.store.countActivities()).toBe(2);
      expect(second.mutate.get(String(a.body.data.id))?.subject).toBe('Same moment');
    } finally {
      await second.close();
    }
  });

  it('stays fast with 20 000 activities: a page of 100 is an indexed query', async () => {
    const crm = await startCrmServer({});
    try {
      crm.seedActivities(20_000, { spreadDays: 120 });
      const call = client(crm);
      const queries = ['?per_page=100', '?per_page=100&page=150', '/overdue?per_page=100', `?per_page=100&assigned_user_id=${GUIDE_IDS.jane}&status=pending`, '?per_page=100&search=pricing+cfo'];
      for (const q of queries) expect((await call('GET', `${A}${q}`)).status).toBe(200);
      const started = performance.now();
      for (const q of queries) await call('GET', `${A}${q}`);
      const perPage = (performance.now() - started) / queries.length;
      // Generous bound: the machine is shared; typical is a few ms.
      expect(perPage).toBeLessThan(250);
      const plan = crm.db.prepare('EXPLAIN QUERY PLAN SELECT id FROM activities WHERE deleted_at IS NULL AND assigned_user_id = ? ORDER BY due_key ASC, id ASC LIMIT 100').all(GUIDE_IDS.jane) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX/);
    } finally {
      await crm.close();
    }
  });
});

describe('data directory from another schema version', () => {
  it('is refused with a message saying what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-schema-'));
    dirs.push(dataDir);
    const crm = await startCrmServer({ dataDir });
    crm.db.pragma('user_version = 1');
    await crm.close();
    await expect(startCrmServer({ dataDir })).rejects.toThrow(/Delete that data directory/);
  });
});
