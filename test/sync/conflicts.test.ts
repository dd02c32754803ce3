/**
 * Concurrent edits against the stand-in CRM: the rep edits offline (queued, not yet pushed) while
 * "someone else" edits the same activity on the server (crm.mutate); the next pull must merge.
 * Every mergeable field a rep can edit is in the table: the same field changed both sides to
 * different values is a conflict; different fields always merge silently.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateActivityInput } from '#shared/domain/index';
import type { SyncEngine } from '#shared/sync/engine';
import { createFetchTransport } from '#shared/api/fetch-transport';
import type { HttpRequest, Transport } from '#shared/ipc/platform';
import { DIRECTORY, GUIDE_IDS } from '../crm-server/index.ts';
import { ME, startRig, type Rig } from '../soak/harness.ts';

let rig: Rig;
let engine: SyncEngine;
beforeAll(async () => {
  rig = await startRig({}, 'conflicts');
  // No debounced pushes: each test decides when its local edits go out.
  engine = rig.engine({ debounceMs: 3_600_000 });
});
afterAll(async () => {
  await engine.stop();
  await rig.close();
});

const DUE = '2031-06-01T10:00:00Z';
const cust = DIRECTORY.customers[1]!.id;

/** Field → [base, mine, theirs] as update payloads (a field's value is what the conflict records). */
const TABLE: [string, UpdateActivityInput, UpdateActivityInput, UpdateActivityInput][] = [
  ['type', { type: 'call' }, { type: 'meeting' }, { type: 'demo' }],
  ['status', { status: 'pending' }, { status: 'in_progress' }, { status: 'deferred' }],
  ['priority', { priority: 'medium' }, { priority: 'high' }, { priority: 'low' }],
  ['subject', { subject: 'Base' }, { subject: 'Mine' }, { subject: 'Theirs' }],
  ['description', { description: 'b' }, { description: 'mine' }, { description: 'theirs' }],
  ['activityable_id', { activityable_type: 'customer', activityable_id: cust }, { activityable_type: 'customer', activityable_id: DIRECTORY.customers[2]!.id }, { activityable_type: 'customer', activityable_id: DIRECTORY.customers[3]!.id }],
  ['contact_id', { contact_id: null }, { contact_id: GUIDE_IDS.johnSmith }, { contact_id: GUIDE_IDS.contact223 }],
  ['assigned_user_id', { assigned_user_id: ME }, { assigned_user_id: GUIDE_IDS.userH }, { assigned_user_id: DIRECTORY.users[2]!.id }],
  ['due_at', { due_at: DUE }, { due_at: '2031-06-02T10:00:00Z' }, { due_at: '2031-06-03T10:00:00Z' }],
  ['duration_minutes', { duration_minutes: 30 }, { duration_minutes: 45 }, { duration_minutes: 60 }],
  ['location', { location: 'Phone' }, { location: 'Office' }, { location: 'Zoom' }],
  ['reminder_at', { reminder_at: '2031-06-01T09:45:00Z' }, { reminder_at: '2031-06-01T09:30:00Z' }, { reminder_at: '2031-06-01T09:00:00Z' }],
  ['follow_up_required', { follow_up_required: false }, { follow_up_required: true }, { follow_up_required: true, follow_up_date: '2031-07-01' }],
  ['follow_up_date', { follow_up_date: '2031-06-10' }, { follow_up_date: '2031-06-11' }, { follow_up_date: '2031-06-12' }],
  ['is_billable', { is_billable: false, billable_rate: 100 }, { is_billable: true }, { is_billable: true, billable_rate: 100 }],
  ['billable_rate', { billable_rate: 100 }, { billable_rate: 120 }, { billable_rate: 130 }],
  ['tags', { tags: ['a'] }, { tags: ['a', 'mine'] }, { tags: ['a', 'theirs'] }],
  ['custom_fields.k', { custom_fields: { k: 1 } }, { custom_fields: { k: 2 } }, { custom_fields: { k: 3 } }],
  ['outcome', { outcome: null }, { outcome: 'mine' }, { outcome: 'theirs' }],
];
// follow_up_required / is_billable: both sides set true, but "theirs" also changes another field,
// so the same-value change must NOT conflict while the other field is taken.
const SAME_VALUE = new Set(['follow_up_required', 'is_billable']);

async function seeded(base: UpdateActivityInput, subject: string) {
  const a = rig.crm.mutate.create({ type: 'call', subject, activityable_type: 'customer', activityable_id: cust, due_at: DUE, reminder_at: '2031-06-01T09:45:00Z' });
  if (Object.keys(base).length) rig.crm.mutate.update(a.id, base);
  await engine.pull();
  const row = await rig.db.activities.where('server_id').equals(a.id).first();
  if (!row) throw new Error('not pulled');
  return { id: a.id, lid: row.lid };
}

describe('concurrent edits of the same field', () => {
  it.each(TABLE)('%s: both sides changed → conflict (or merged when the values agree)', async (field, base, mine, theirs) => {
    const { id, lid } = await seeded(base, `Same ${field}`);
    await rig.commands.update(lid, mine);
    rig.crm.mutate.update(id, theirs);
    await engine.pull();
    const conflicts = await rig.db.conflicts.where('lid').equals(lid).toArray();
    if (SAME_VALUE.has(field)) {
      expect(conflicts).toEqual([]);
      return;
    }
    expect(conflicts.map((c) => [c.kind, c.field])).toEqual([[field === 'status' ? 'status' : 'field', field]]);
    const key = field.startsWith('custom_fields.') ? 'k' : field;
    const pick = (p: UpdateActivityInput) => (field.startsWith('custom_fields.') ? p.custom_fields?.[key] : (p as Record<string, unknown>)[key]);
    expect(conflicts[0]).toMatchObject({ local: pick(mine), remote: pick(theirs), base: pick(base) });
    expect((await rig.db.activities.get(lid))?.sync).toBe('conflict');
    // Held: pushing sends nothing for it.
    const before = rig.crm.stats().mutations;
    await engine.push();
    expect(rig.crm.stats().mutations).toBe(before);
    await engine.resolveConflict(conflicts[0]!.id, 'theirs');
  });
});

describe('concurrent edits of different fields', () => {
  const editable = TABLE.filter(([f]) => !SAME_VALUE.has(f) && f !== 'activityable_id' && f !== 'follow_up_date');
  it.each(editable.map(([f], i) => [f, editable[(i + 1) % editable.length]![0], i] as const))('%s here, %s there → merged silently, both reach the server', async (_f, _g, i) => {
    const [, baseA, mineA] = editable[i]!;
    const [, baseB, , theirsB] = editable[(i + 1) % editable.length]!;
    const { id, lid } = await seeded({ ...baseA, ...baseB }, `Diff ${i}`);
    await rig.commands.update(lid, mineA);
    rig.crm.mutate.update(id, theirsB);
    await engine.pull();
    expect(await rig.db.conflicts.where('lid').equals(lid).toArray()).toEqual([]);
    const row = await rig.db.activities.get(lid);
    expect(row).toMatchObject({ ...strip(mineA), ...strip(theirsB) });
    await engine.push();
    expect(rig.crm.mutate.get(id)).toMatchObject({ ...strip(mineA), ...strip(theirsB) });
  });
});

function strip(p: UpdateActivityInput): Record<string, unknown> {
  return { ...p };
}

describe('status rules and resolutions', () => {
  it('completed here while cancelled there is a status conflict; "theirs" drops the complete', async () => {
    const { id, lid } = await seeded({}, 'Complete vs cancel');
    await rig.commands.complete(lid, { outcome: 'Done here' });
    rig.crm.mutate.cancel(id, 'Cancelled there');
    await engine.pull();
    const [c] = await rig.db.conflicts.where('lid').equals(lid).toArray();
    expect(c).toMatchObject({ kind: 'status', field: 'status', local: 'completed', remote: 'cancelled' });
    await engine.resolveConflict(c!.id, 'theirs');
    expect(await rig.db.outbox.where('lid').equals(lid).count()).toBe(0);
    expect(await rig.db.activities.get(lid)).toMatchObject({ status: 'cancelled', cancellation_reason: 'Cancelled there', sync: 'synced' });
    await engine.push();
    expect(rig.crm.mutate.get(id)).toMatchObject({ status: 'cancelled' });
  });

  it('edited here while deleted there: a deleted_remote conflict after the sweep confirms the delete', async () => {
    const { id, lid } = await seeded({}, 'Edit vs delete');
    await rig.commands.update(lid, { description: 'mine' });
    rig.crm.mutate.delete(id);
    await engine.pull();
    const [c] = await rig.db.conflicts.where('lid').equals(lid).toArray();
    expect(c).toMatchObject({ kind: 'deleted_remote' });
    await engine.resolveConflict(c!.id, 'theirs');
    expect(await rig.db.activities.get(lid)).toBeUndefined();
    expect(await rig.db.outbox.where('lid').equals(lid).count()).toBe(0);
  });

  it('"keep mine" sends the rep value; "edit" sends the typed value', async () => {
    const a = await seeded({ subject: 'Base' }, 'Keep mine');
    await rig.commands.update(a.lid, { subject: 'Mine' });
    rig.crm.mutate.update(a.id, { subject: 'Theirs' });
    const b = await seeded({ location: 'A' }, 'Edit value');
    await rig.commands.update(b.lid, { location: 'B' });
    rig.crm.mutate.update(b.id, { location: 'C' });
    await engine.pull();
    const [ca] = await rig.db.conflicts.where('lid').equals(a.lid).toArray();
    const [cb] = await rig.db.conflicts.where('lid').equals(b.lid).toArray();
    await engine.resolveConflict(ca!.id, 'mine');
    await engine.resolveConflict(cb!.id, { value: 'D' });
    await expect(engine.resolveConflict(cb!.id, 'mine')).rejects.toThrow(/already resolved/);
    await engine.push();
    expect(rig.crm.mutate.get(a.id)?.subject).toBe('Mine');
    expect(rig.crm.mutate.get(b.id)?.location).toBe('D');
    expect(await rig.db.activities.get(b.lid)).toMatchObject({ location: 'D', sync: 'synced' });
  });
});

describe('reconnect order', () => {
  it('Sync now pulls before it pushes: an offline edit never silently overwrites the server’s edit of the same field', async () => {
    const { id, lid } = await seeded({ subject: 'Base' }, 'Reconnect order');
    await rig.commands.update(lid, { subject: 'Mine offline', location: 'Office' });
    rig.crm.mutate.update(id, { subject: 'Theirs meanwhile' });
    await engine.syncNow();
    const conflicts = await rig.db.conflicts.where('lid').equals(lid).toArray();
    expect(conflicts.map((c) => [c.field, c.local, c.remote])).toEqual([['subject', 'Mine offline', 'Theirs meanwhile']]);
    // The server keeps its value until the rep decides.
    expect(rig.crm.mutate.get(id)).toMatchObject({ subject: 'Theirs meanwhile' });
    await engine.resolveConflict(conflicts[0]!.id, 'mine');
    await engine.syncNow();
    expect(rig.crm.mutate.get(id)).toMatchObject({ subject: 'Mine offline', location: 'Office' });
  });

  it('an edit made online looks first (one incremental page) before it is pushed: a server change of the same field since the last pull is a conflict', async () => {
    const { id, lid } = await seeded({ location: 'Phone' }, 'Edit online');
    const quick = rig.engine({ debounceMs: 5 });
    await quick.syncNow(); // learns that the server honours updated_since
    const before = rig.crm.stats().apiRequests;
    rig.crm.mutate.update(id, { location: 'Zoom', subject: 'Edit online (theirs)' });
    await rig.commands.update(lid, { location: 'Office' });
    const conflicted = new Promise<void>((resolve) => {
      const off = quick.subscribe((st) => { if (!st.syncing && st.conflicts.some((c) => c.lid === lid)) { off(); resolve(); } });
    });
    quick.notifyLocalChange();
    await conflicted;
    await quick.stop();
    const conflicts = await rig.db.conflicts.where('lid').equals(lid).toArray();
    expect(conflicts.map((c) => [c.field, c.local, c.remote])).toEqual([['location', 'Office', 'Zoom']]);
    // Their other change merged in silently; the server kept its value; the look cost one request.
    expect(await rig.db.activities.get(lid)).toMatchObject({ subject: 'Edit online (theirs)', location: 'Office', sync: 'conflict' });
    expect(rig.crm.mutate.get(id)).toMatchObject({ location: 'Zoom' });
    expect(rig.crm.stats().apiRequests - before).toBe(1);
    await engine.resolveConflict(conflicts[0]!.id, 'theirs');
  });

  it('a page lost to a transient error is fetched again, so the pull (and the push after it) completes', async () => {
    const { id, lid } = await seeded({ location: 'Phone' }, 'Lossy reconnect');
    await rig.commands.update(lid, { location: 'Office' });
    // The first activity list request after reconnecting gets a 503.
    const inner = createFetchTransport({ baseUrl: rig.crm.url, getToken: () => rig.crm.token });
    let lost = 0;
    const lossy: Transport = {
      request: (req: HttpRequest) => {
        if (lost === 0 && req.method === 'GET' && /\/activities(\?|$)/.test(req.path)) {
          lost++;
          return Promise.resolve({ status: 503, headers: {}, body: JSON.stringify({ success: false, message: 'Try again' }) });
        }
        return inner.request(req);
      },
    };
    const other = rig.engine({ transport: lossy, debounceMs: 3_600_000, backoff: { baseMs: 5, maxMs: 20, factor: 2 } });
    const report = await other.syncNow();
    await other.stop();
    expect(lost).toBe(1);
    expect(report.error).toBeNull();
    expect(report.pull?.pages).toBeGreaterThan(0);
    expect(rig.crm.mutate.get(id)).toMatchObject({ location: 'Office' });
  });
});
