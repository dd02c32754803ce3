/**
 * The entity push against the stand-in CRM, through the sync engine as the app runs it (entity
 * push, then the activity push with the id resolver): order, Idempotency-Key, error classes, the
 * lookup of a create of unknown outcome, and activities on an opportunity created offline.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchTransport } from '#shared/api/fetch-transport';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '#shared/ipc/platform';
import { createCommands } from '#shared/sync/commands';
import { createEntityCommands } from '#shared/sync/entity-commands';
import { createSyncEngine, type SyncEngine } from '#shared/sync/engine';
import { freshDb, sequentialIds } from '#shared/sync/store.testing';
import type { FieldbookDB } from '#shared/sync/db';
import { toDirectoryEntity } from '#shared/sync/pull';
import { DIRECTORY, GUIDE_IDS, startCrmServer, type CrmServer, type CrmServerOptions } from '../crm-server/index.ts';

const ME = GUIDE_IDS.jane;

type Hook = (req: HttpRequest) => 'commit-then-drop' | HttpResponse | undefined;
/** Rewrites an answer before the app sees it (e.g. a server that drops unknown fields). */
type After = (req: HttpRequest, res: HttpResponse) => HttpResponse;

interface Rig {
  crm: CrmServer;
  db: FieldbookDB;
  log: HttpRequest[];
  setHook(h: Hook | null): void;
  setAfter(a: After | null): void;
  engine(): SyncEngine;
  commands: ReturnType<typeof createCommands>;
  entities: ReturnType<typeof createEntityCommands>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(server: CrmServerOptions = {}): Promise<Rig> {
  const crm = await startCrmServer({ port: 0, ...server });
  const db = freshDb('entity-push');
  const inner = createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token, defaultTimeoutMs: 5_000 });
  const log: HttpRequest[] = [];
  let hook: Hook | null = null;
  let after: After | null = null;
  const transport: Transport = {
    async request(req) {
      log.push(req);
      const h = hook?.(req);
      if (h && h !== 'commit-then-drop') return h;
      const res = await inner.request(req);
      if (h === 'commit-then-drop') throw new TransportError('timeout', 'no answer');
      return after ? after(req, res) : res;
    },
  };
  // The directory as a pull would have stored it (the pickers' source).
  await db.entities.bulkPut([
    ...DIRECTORY.customers.map((c) => toDirectoryEntity('customer', c)),
    ...DIRECTORY.opportunities.map((o) => toDirectoryEntity('opportunity', o)),
  ]);
  const engines: SyncEngine[] = [];
  cleanups.push(async () => {
    await Promise.all(engines.map((e) => e.stop()));
    db.close();
    await crm.close();
  });
  return {
    crm, db, log,
    setHook: (h) => { hook = h; },
    setAfter: (a) => { after = a; },
    engine() {
      const e = createSyncEngine({ db, transport, currentUserId: () => ME, intervalMs: 0, debounceMs: 10_000, pull: { followEntities: false } });
      engines.push(e);
      return e;
    },
    commands: createCommands(db, { currentUser: () => ({ id: ME, name: 'Jane Manager' }) }),
    entities: createEntityCommands(db, { newId: sequentialIds('loc') }),
  };
}

const EXPANSION = {
  name: 'Customer 575 - Department Expansion + Premium Support', customer_id: GUIDE_IDS.customer575, value: 85000,
  expected_close_date: '2026-02-28', stage: 'qualification', description: 'Expand to 3 additional departments (250 additional users).',
  source: 'qbr_meeting', tags: ['expansion', 'upsell'],
} as const;

async function serverOpportunities(crm: CrmServer, name: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${crm.url}/api/v1/crm/opportunities?per_page=100&customer_id=${GUIDE_IDS.customer575}`, { headers: { Authorization: `Bearer ${crm.token}` } });
  const body = (await res.json()) as { data: Record<string, unknown>[] };
  return body.data.filter((o) => o.name === name);
}

async function serverEntity(crm: CrmServer, collection: string, id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${crm.url}/api/v1/crm/${collection}/${id}`, { headers: { Authorization: `Bearer ${crm.token}` } });
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

const writes = (log: HttpRequest[]) => log.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace('/api/v1/crm', '')}`);

describe('entity push', () => {
  it('sends creates and updates in order with Idempotency-Key = op id; the activity on the new opportunity goes out with its server id', async () => {
    const r = await rig();
    const opp = await r.entities.createOpportunity(EXPANSION);
    const call = await r.commands.create({
      type: 'call', subject: 'Expansion Discussion - Additional Departments', activityable_type: 'opportunity', activityable_id: opp.id,
      due_at: '2030-01-10T14:00:00Z', duration_minutes: 45, priority: 'high', tags: ['expansion', 'upsell'],
    });
    await r.entities.updateEntity('customer', GUIDE_IDS.customer423, { status: 'at_risk', notes: 'Unresponsive for 14 days.', tags: ['at-risk', 'unresponsive'] });
    const ops = await r.db.entity_outbox.orderBy('seq').toArray();

    await r.engine().push();

    expect(writes(r.log)).toEqual(['POST /opportunities', `PATCH /customers/${GUIDE_IDS.customer423}`, 'POST /activities']);
    const entityWrites = r.log.filter((q) => q.method !== 'GET' && !q.path.includes('/activities'));
    expect(entityWrites.map((q) => q.headers?.['Idempotency-Key'])).toEqual(ops.map((o) => o.op_id));

    const created = await serverOpportunities(r.crm, EXPANSION.name);
    expect(created).toHaveLength(1);
    const sid = created[0]!.id as string;
    expect(created[0]).toMatchObject({ ...EXPANSION, tags: ['expansion', 'upsell'] });
    const sentActivity = JSON.parse(r.log.find((q) => q.method === 'POST' && q.path.endsWith('/activities'))!.body!) as Record<string, unknown>;
    expect(sentActivity.activityable_id).toBe(sid);
    expect(await serverEntity(r.crm, 'customers', GUIDE_IDS.customer423)).toMatchObject({ status: 'at_risk', notes: 'Unresponsive for 14 days.', tags: ['at-risk', 'unresponsive'] });

    // Locally: the record moved to its server id, the activity row points at it, nothing pending.
    expect(await r.db.entities.get(['opportunity', opp.id])).toBeUndefined();
    expect(await r.db.entities.get(['opportunity', sid])).toMatchObject({ name: EXPANSION.name, pending: 0, details: { source: 'qbr_meeting' } });
    expect(await r.db.entity_ids.get(opp.id)).toMatchObject({ server_id: sid });
    expect((await r.db.activities.get(call.lid))?.activityable_id).toBe(sid);
    expect(await r.db.entity_outbox.count()).toBe(0);
    expect(await r.db.outbox.count()).toBe(0);
    expect((await r.db.entities.get(['customer', GUIDE_IDS.customer423]))?.pending).toBe(0);
  });

  it('the activity waits while the opportunity create is retrying; its queued payload keeps the local id', async () => {
    const r = await rig();
    const opp = await r.entities.createOpportunity(EXPANSION);
    const call = await r.commands.create({ type: 'call', subject: 'Expansion call', activityable_type: 'opportunity', activityable_id: opp.id });
    r.setHook((q) => (q.method === 'POST' && q.path.endsWith('/opportunities') ? { status: 503, headers: {}, body: '{"success":false,"message":"Down for maintenance"}' } : undefined));
    const e = r.engine();
    await e.push();
    expect(writes(r.log)).toEqual(['POST /opportunities']);
    const [eop] = await r.db.entity_outbox.toArray();
    expect(eop).toMatchObject({ state: 'queued', attempts: 1, last_error: 'Down for maintenance', last_status: 503 });
    expect(eop!.next_attempt_at).toBeGreaterThan(Date.now());
    const [aop] = await r.db.outbox.toArray();
    expect(aop).toMatchObject({ kind: 'create', state: 'queued', attempts: 0, payload: { activityable_id: opp.id } });
    expect(e.getStatus().pending).toBe(2);

    r.setHook(null);
    await r.db.entity_outbox.update(eop!.seq, { next_attempt_at: 0 });
    await e.push();
    const sid = (await serverOpportunities(r.crm, EXPANSION.name))[0]!.id;
    expect(writes(r.log)).toEqual(['POST /opportunities', 'POST /opportunities', 'POST /activities']);
    expect((await r.db.activities.get(call.lid))?.server_id).toEqual(expect.any(String));
    expect(r.crm.mutate.get((await r.db.activities.get(call.lid))!.server_id!)?.activityable_id).toBe(sid);
  });

  it('an entity change that hit a transient error is retried at its own backoff time (no interval timer needed)', async () => {
    const r = await rig();
    await r.entities.updateEntity('customer', GUIDE_IDS.customer575, { status: 'at_risk' });
    let failures = 1;
    r.setHook((q) => (q.method === 'PATCH' && failures-- > 0 ? { status: 503, headers: {}, body: '{"success":false,"message":"Down for maintenance"}' } : undefined));
    const e = r.engine(); // intervalMs 0: no periodic sync, so only the retry timer can send it again
    const patches = () => writes(r.log).filter((w) => w.startsWith('PATCH'));
    const done = new Promise<void>((resolve) => {
      const off = e.subscribe((st) => { if (!st.syncing && st.pending === 0 && patches().length >= 2) { off(); resolve(); } });
    });
    e.start();
    await done;
    expect(patches()).toEqual([`PATCH /customers/${GUIDE_IDS.customer575}`, `PATCH /customers/${GUIDE_IDS.customer575}`]);
    expect(await r.db.entity_outbox.count()).toBe(0);
  });

  for (const idempotency of [true, false]) {
    it(`a create whose answer was lost is not duplicated (server idempotency ${idempotency ? 'on' : 'off'})`, async () => {
      const r = await rig({ idempotency });
      await r.entities.createOpportunity(EXPANSION);
      let dropped = 0;
      r.setHook((q) => (q.method === 'POST' && q.path.endsWith('/opportunities') && dropped++ === 0 ? 'commit-then-drop' : undefined));
      const e = r.engine();
      // The client learns the server's extensions from its first answer (none came from the lost POST).
      await e.client.getEntity('customers', GUIDE_IDS.customer575);
      await e.push();
      expect(await serverOpportunities(r.crm, EXPANSION.name)).toHaveLength(1);
      const [op] = await r.db.entity_outbox.toArray();
      expect(op).toMatchObject({ state: 'queued', maybe_sent: true });
      await r.db.entity_outbox.update(op!.seq, { next_attempt_at: 0 });
      await e.push();
      const onServer = await serverOpportunities(r.crm, EXPANSION.name);
      expect(onServer).toHaveLength(1);
      expect(await r.db.entity_outbox.count()).toBe(0);
      expect(await r.db.entities.get(['opportunity', onServer[0]!.id as string])).toMatchObject({ pending: 0 });
      // Without idempotency the second attempt is a lookup, not a second POST.
      expect(writes(r.log).filter((w) => w === 'POST /opportunities')).toHaveLength(idempotency ? 2 : 1);
    });
  }

  it('without idempotency and without the marker echoed (a server that drops unknown fields), one unknown same-name record is ours', async () => {
    const r = await rig({ idempotency: false });
    // An older same-name opportunity the app already knows (in its directory) must not be taken for ours.
    const res = await fetch(`${r.crm.url}/api/v1/crm/opportunities`, {
      method: 'POST', headers: { Authorization: `Bearer ${r.crm.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(EXPANSION),
    });
    const older = ((await res.json()) as { data: { id: string; name: string } }).data;
    await r.db.entities.put(toDirectoryEntity('opportunity', older));
    await r.entities.createOpportunity(EXPANSION);
    let dropped = 0;
    r.setHook((q) => (q.method === 'POST' && q.path.endsWith('/opportunities') && dropped++ === 0 ? 'commit-then-drop' : undefined));
    r.setAfter((q, res) => {
      if (q.method !== 'GET' || !q.path.includes('/opportunities')) return res;
      const body = JSON.parse(res.body) as { data: Record<string, unknown>[] };
      for (const item of body.data) delete item.custom_fields;
      return { ...res, body: JSON.stringify(body) };
    });
    const e = r.engine();
    await e.push();
    const [op] = await r.db.entity_outbox.toArray();
    await r.db.entity_outbox.update(op!.seq, { next_attempt_at: 0 });
    await e.push();
    const onServer = await serverOpportunities(r.crm, EXPANSION.name);
    expect(onServer).toHaveLength(2);
    const ours = onServer.find((o) => o.id !== older.id);
    expect(writes(r.log).filter((w) => w === 'POST /opportunities')).toHaveLength(1);
    expect(await r.db.entity_outbox.count()).toBe(0);
    expect(await r.db.entities.get(['opportunity', ours!.id as string])).toMatchObject({ pending: 0 });
  });

  it('a refused update fails with the server\'s message, blocks the record\'s later ops and keeps the data; retry sends it', async () => {
    const r = await rig();
    const opp = DIRECTORY.opportunities[0]!;
    await r.entities.updateEntity('opportunity', opp.id, { probability: 40 });
    const [first] = await r.db.entity_outbox.toArray();
    // As after a refused attempt: the next edit cannot merge into it and queues behind it.
    await r.db.entity_outbox.update(first!.seq, { attempts: 1 });
    await r.entities.updateEntity('opportunity', opp.id, { next_step: 'Prepare demo' });
    r.setHook((q) => (q.method === 'PATCH'
      ? { status: 422, headers: {}, body: JSON.stringify({ success: false, message: 'The given data was invalid.', errors: { probability: ['Probability is locked.'] } }) }
      : undefined));
    const e = r.engine();
    await e.push();
    const ops = await r.db.entity_outbox.orderBy('seq').toArray();
    expect(ops.map((o) => [o.state, o.last_error])).toEqual([
      ['failed', 'The given data was invalid. (probability: Probability is locked.)'], ['blocked', null],
    ]);
    expect(writes(r.log)).toHaveLength(1);
    expect((await r.db.entities.get(['opportunity', opp.id]))?.pending).toBe(1);
    r.setHook(null);
    await r.entities.retryOp(first!.op_id);
    await e.push();
    expect(await r.db.entity_outbox.count()).toBe(0);
    expect(await serverEntity(r.crm, 'opportunities', opp.id)).toMatchObject({ probability: 40, next_step: 'Prepare demo' });
  });

  it('401 stops the run, keeps the op queued and asks the rep to sign in', async () => {
    const r = await rig();
    await r.entities.updateEntity('customer', GUIDE_IDS.customer575, { status: 'at_risk' });
    await r.commands.create({ type: 'task', subject: 'Call back', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 });
    r.setHook((q) => (q.method === 'PATCH' ? { status: 401, headers: {}, body: '{"success":false,"message":"Unauthenticated."}' } : undefined));
    const e = r.engine();
    const report = await e.push();
    expect(report.error).toBe('Sign in again to keep syncing.');
    expect(e.getStatus().authRequired).toBe(true);
    expect(writes(r.log)).toEqual([`PATCH /customers/${GUIDE_IDS.customer575}`]);
    expect(await r.db.entity_outbox.toArray()).toEqual([expect.objectContaining({ state: 'queued', attempts: 0, last_status: 401 })]);
  });
});
