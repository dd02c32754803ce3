import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { SALES_SERIES_PLAN, SHIPPED_PLANS } from '#shared/domain/index';
import { freshDb } from '#shared/sync/store.testing';
import type { FieldbookDB } from '#shared/sync/index';
import { PLANS_KEY, readPlans, writePlans } from './plan-store.ts';

const open: FieldbookDB[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.delete()));
});
function db(): FieldbookDB {
  const d = freshDb('plans-store');
  open.push(d);
  return d;
}

describe('plans on the device', () => {
  it('start as the shipped examples, as copies (editing one never changes the built-in)', async () => {
    const d = db();
    const plans = await readPlans(d);
    expect(plans).toEqual(SHIPPED_PLANS);
    expect(plans[0]).not.toBe(SALES_SERIES_PLAN);
  });

  it('are kept in sync_meta as written, an empty list included (all deleted stays deleted)', async () => {
    const d = db();
    const mine = { ...SALES_SERIES_PLAN, id: 'p1', name: 'Mine' };
    await writePlans(d, [mine]);
    expect(await readPlans(d)).toEqual([mine]);
    await writePlans(d, []);
    expect(await readPlans(d)).toEqual([]);
  });

  it('leave out an entry that no longer reads as a plan, not the whole list', async () => {
    const d = db();
    await d.sync_meta.put({ key: PLANS_KEY, value: { version: 1, plans: [{ id: 'bad', name: '', steps: [] }, { ...SALES_SERIES_PLAN, id: 'ok' }] } });
    expect((await readPlans(d)).map((p) => p.id)).toEqual(['ok']);
  });
});
