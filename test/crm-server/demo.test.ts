/** --demo data: deterministic from the seed, spread around now with some overdue. */
import { describe, expect, it } from 'vitest';
import { GUIDE_IDS, startCrmServer } from './index.ts';
import { client, type Json } from './helpers.testing.ts';

type Page = Json & { data: Json[]; meta: { total: number; last_page: number } };

async function snapshot(seed: number, nowIso: string) {
  const crm = await startCrmServer({ demo: true, seed, now: () => Date.parse(nowIso) });
  try {
    const call = client(crm);
    const all: Json[] = [];
    for (let page = 1; ; page++) {
      const res = await call<Page>('GET', `/api/v1/crm/activities?per_page=100&page=${page}`);
      all.push(...res.body.data);
      if (page >= res.body.meta.last_page) break;
    }
    const overdue = (await call<Page>('GET', '/api/v1/crm/activities/overdue')).body.meta.total;
    return { all, overdue };
  } finally {
    await crm.close();
  }
}

describe('--demo', () => {
  it('is the same for the same seed and day, different for another seed', async () => {
    const a = await snapshot(7, '2026-03-10T12:00:00Z');
    const b = await snapshot(7, '2026-03-10T12:00:00Z');
    const c = await snapshot(8, '2026-03-10T12:00:00Z');
    expect(b.all).toEqual(a.all);
    expect(c.all.map((x) => x.id)).not.toEqual(a.all.map((x) => x.id));
    expect(a.all.length).toBeGreaterThanOrEqual(300);
    // The guide's records are there, by the guide's ids.
    expect(a.all.map((x) => x.id)).toEqual(expect.arrayContaining([GUIDE_IDS.activityB, GUIDE_IDS.activityG, GUIDE_IDS.activityN]));
  });

  it('spreads activities around now: past and future, open and closed, some overdue', async () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    const { all, overdue } = await snapshot(7, '2026-03-10T12:00:00Z');
    const generated = all.filter((x) => !Object.values(GUIDE_IDS).includes(x.id as never));
    const dues = generated.map((x) => x.due_at).filter((d): d is string => typeof d === 'string').map(Date.parse);
    expect(dues.some((d) => d < now - 7 * 86_400_000)).toBe(true);
    expect(dues.some((d) => d > now + 7 * 86_400_000)).toBe(true);
    const statuses = new Set(generated.map((x) => x.status));
    for (const s of ['pending', 'completed', 'cancelled', 'in_progress']) expect(statuses).toContain(s);
    expect(overdue).toBeGreaterThan(20);
    expect(new Set(generated.map((x) => x.type)).size).toBeGreaterThan(5);
  });
});
