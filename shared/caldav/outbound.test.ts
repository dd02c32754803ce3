/** The calendar outbox's coalescing and the content hash (no server: the Radicale tests are test/caldav/sync-outbound.test.ts). */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { toCalendarObject } from '../ical/event.ts';
import type { FieldbookDB } from '../sync/db.ts';
import { freshDb, serverActivity } from '../sync/store.testing.ts';
import { contentHash } from './outbound.ts';
import { enqueueCalendarOp, enqueueCalendarOps, headOps } from './outbox.ts';

const open: FieldbookDB[] = [];
afterEach(async () => { await Promise.all(open.splice(0).map((db) => db.delete())); });
function db(): FieldbookDB {
  const d = freshDb('cal-outbox');
  open.push(d);
  return d;
}
const ops = async (d: FieldbookDB) => (await d.calendar_outbox.toArray()).map((o) => `${o.key}:${o.kind}:${o.state}`);
let n = 0;
const opts = () => ({ now: 1, newId: () => `op${n++}` });

describe('contentHash', () => {
  const a = serverActivity({ subject: 'Visit', due_at: '2031-03-03T09:00:00Z', updated_at: '2031-01-01T00:00:00Z' });
  const ics = (over = {}, now = '2031-03-01T00:00:00Z') => toCalendarObject({ ...a, lid: 'L1', ...over }, { now });
  it('ignores when the event was written and the CRM record\'s updated_at, and nothing else', () => {
    expect(contentHash(ics({}, '2031-03-02T00:00:00Z'))).toBe(contentHash(ics()));
    expect(contentHash(ics({ updated_at: '2031-02-02T00:00:00Z' }))).toBe(contentHash(ics()));
    expect(contentHash(ics({ subject: 'Visit!' }))).not.toBe(contentHash(ics()));
    expect(contentHash(ics({ due_at: '2031-03-03T09:01:00Z' }))).not.toBe(contentHash(ics()));
    expect(contentHash(ics({ reminder_at: '2031-03-03T08:45:00Z' }))).not.toBe(contentHash(ics()));
  });
});

describe('the calendar outbox', () => {
  it('coalesces a key\'s waiting ops: the same kind once, a waiting op of the other kind turns into this one', async () => {
    const d = db();
    expect(await enqueueCalendarOp(d, 'L1', 'put', opts())).toBe(true);
    expect(await enqueueCalendarOp(d, 'L1', 'put', opts())).toBe(false);
    expect(await enqueueCalendarOp(d, 'L1', 'delete', opts())).toBe(true);
    expect(await ops(d)).toEqual(['L1:delete:queued']);
    // 'keep' takes back a waiting delete, and does nothing otherwise.
    expect(await enqueueCalendarOps(d, [{ key: 'L1', kind: 'keep' }, { key: 'L2', kind: 'keep' }], opts())).toBe(1);
    expect(await ops(d)).toEqual(['L1:put:queued']);
  });

  it('an op already tried or in flight is never rewritten: the change goes behind it; a failed head blocks only its key', async () => {
    const d = db();
    await enqueueCalendarOp(d, 'L1', 'put', opts());
    await d.calendar_outbox.toCollection().modify({ state: 'inflight', attempts: 1, lease_until: 99 });
    expect(await enqueueCalendarOp(d, 'L1', 'put', opts())).toBe(false);
    expect(await enqueueCalendarOp(d, 'L1', 'delete', opts())).toBe(true);
    expect(await ops(d)).toEqual(['L1:put:inflight', 'L1:delete:queued']);

    await enqueueCalendarOp(d, 'L2', 'put', opts());
    await d.calendar_outbox.where('key').equals('L2').modify({ state: 'failed' });
    expect(await enqueueCalendarOp(d, 'L2', 'put', opts())).toBe(true);
    await enqueueCalendarOp(d, 'L3', 'put', opts());
    expect((await headOps(d)).map((o) => `${o.key}:${o.kind}:${o.state}`)).toEqual(['L1:put:inflight', 'L2:put:failed', 'L3:put:queued']);
  });
});
