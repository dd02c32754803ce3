/**
 * Fault soak: ≥1000 random ops over ≥200 activities, made with the store's commands as the UI
 * makes them, pushed by engines that are killed and restarted at random points, against the
 * stand-in CRM failing ~20% of requests (5xx, 429 with Retry-After, drops after commit, slow
 * answers past the client timeout). The server must end exactly where the model says: every live
 * activity once with the predicted fields, nothing extra, nothing lost. Once with server
 * idempotency, once without (then creates of unknown outcome are looked up before resending).
 * And once against the plain profile (the real CRM's shape: no extensions at all, writes answered
 * with the guide's few fields, list items as the guide's list example, per_page capped at 50, and
 * some records with a type and a status the guide does not list).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError, type Activity, type BulkAction } from '#shared/domain/index';
import type { HttpRequest, Transport } from '#shared/ipc/platform';
import { createFetchTransport } from '#shared/api/index';
import { createSyncEngine, undoOps, type Commands, type OutboxOp, type SyncEngine } from '#shared/sync/index';
import type { ModelEntry } from './model.ts';
import { ENTITIES, ME, startRig, type Rig } from './harness.ts';
import { Model, comparable } from './model.ts';

const OPS = 1_050;
/** Share of the rep's actions made with Undo (held UNDO_MS), and of steps that undo the newest one. */
const UNDOABLE = 0.3;
const UNDO_STEP = 0.08;
const UNDO_MS = 40;
const ACTIVITIES = 220;
const PREFIX = 'Soak';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

type Profile = 'idempotency' | 'no-idempotency' | 'plain';

async function soak(profile: Profile, seed: number): Promise<void> {
  rig = await startRig({
    ...(profile === 'plain' ? { plain: true, unknownValues: true } : { idempotency: profile === 'idempotency' }),
    seed,
    faults: { failRate: 0.2, slowMs: 700, retryAfterSeconds: 1, kinds: { error5xx: 1, rateLimit: 1, dropAfterCommit: 1, slow: 1 } },
  }, `soak-${profile}`);
  const { crm, db, commands } = rig;
  const undoable = rig.undoable(UNDO_MS);
  // On the plain server, records the rep never touches carry values the guide does not list
  // (status on_hold, type sms): syncing past them must never stop.
  const unknown = profile === 'plain' ? crm.seedActivities(40, { spreadDays: 30 }) : [];
  // As stored (is_overdue is computed at read time and may flip while the soak runs).
  const stored = (id: string) => {
    const a = crm.mutate.get(id);
    if (!a) return undefined;
    const { is_overdue: _o, ...rest } = a;
    return rest;
  };
  const untouched = unknown.map(stored);
  const random = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const model = new Model({ id: ME, name: 'Jane Manager' });
  const day = (n: number) => new Date(Date.UTC(2031, 0, 1 + n, 9 + (n % 8), 0, 0)).toISOString().replace('.000', '');

  // Engines die when their transport has sent a random number of requests (mid-flight): stop()
  // at that instant; the request goes out but nothing the dead engine hears is ever written.
  let kills = 0;
  const base = createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token });
  interface Instance { engine: SyncEngine; dead: boolean }
  const newEngine = (): Instance => {
    let sent = 0;
    const killAt = 5 + Math.floor(random() * 100);
    const inst = { dead: false } as Instance;
    const transport: Transport = {
      request(req: HttpRequest) {
        if (++sent === killAt) { kills++; inst.dead = true; void inst.engine.stop(); }
        return base.request(req);
      },
    };
    inst.engine = createSyncEngine({
      db, transport, currentUserId: () => ME, intervalMs: 0, debounceMs: 5, concurrency: 6, maxAttempts: 60,
      requestTimeoutMs: 400, backoff: { baseMs: 20, maxMs: 400, factor: 2 }, random: rng(seed + kills + 1),
      pull: { followEntities: false },
    });
    inst.engine.start();
    return inst;
  };

  let subjects = 0;
  let made = 0;
  // Actions made with Undo, newest last, each with the model as it was before it.
  const undoStack: { ops: OutboxOp[]; snap: Map<string, ModelEntry> }[] = [];
  const undone = { removed: 0, reversed: 0, refused: 0 };
  async function undoNewest(): Promise<void> {
    const entry = undoStack.pop();
    if (!entry) return;
    // The inverse of a change that reached the CRM goes with the plain commands, as the UI's does.
    const report = await undoOps(db, entry.ops, { commands });
    for (const o of report.outcomes) {
      if (o.result === 'removed') {
        undone.removed++;
        model.restore(o.lid, entry.snap);
        const child = entry.ops.find((x) => x.op_id === o.op_id)?.child_lid;
        if (child) model.restore(child, entry.snap);
      } else if (o.result === 'reversed') {
        undone.reversed++;
        const inv = o.inverse;
        if (inv.kind === 'reschedule') model.reschedule(o.lid, inv.input);
        else if (inv.kind === 'update') model.update(o.lid, inv.patch);
        else model.delete(o.lid);
      } else {
        undone.refused++;
      }
    }
  }
  const live = () => model.live().map((e) => e.lid);
  const tryOp = async (f: () => Promise<void>) => {
    try {
      await f();
      made++;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e; // not allowed in this status: the UI would not offer it
    }
  };

  async function randomOp(): Promise<void> {
    if (undoStack.length > 0 && random() < UNDO_STEP) {
      await undoNewest();
      return;
    }
    // Some actions are made as the UI makes them, held for Undo; what they committed may be undone later.
    const withUndo = random() < UNDOABLE;
    const before = undoable.committed.length;
    const snap = withUndo ? model.snapshot() : null;
    await action(withUndo ? undoable.commands : commands);
    if (snap && undoable.committed.length > before) undoStack.push({ ops: undoable.committed.slice(before).flat(), snap });
  }

  async function action(commands: Commands): Promise<void> {
    const r = random();
    const lids = live();
    if ((subjects < ACTIVITIES && r < 0.25) || lids.length < 10) {
      const e = pick(ENTITIES);
      const input = {
        type: pick(['call', 'meeting', 'task', 'visit'] as const), subject: `${PREFIX} ${seed}-${subjects++}`,
        activityable_type: e.type, activityable_id: e.id, due_at: day(Math.floor(random() * 60)),
        priority: pick(['low', 'medium', 'high'] as const), tags: random() < 0.3 ? ['soak'] : [],
      };
      await tryOp(async () => { const row = await commands.create(input); model.create(row.lid, input); });
      return;
    }
    const lid = pick(lids);
    const status = model.entries.get(lid)?.act.status;
    if (r < 0.5) {
      const patch = status === 'completed'
        ? { description: `note ${made}` }
        : pick([{ description: `desc ${made}` }, { priority: pick(['urgent', 'low'] as const) }, { location: `Room ${made}` },
            { duration_minutes: 15 + (made % 60) }, { tags: ['a', `t${made % 5}`] }, { status: pick(['in_progress', 'deferred', 'pending'] as const) }]);
      await tryOp(async () => { await commands.update(lid, patch); model.update(lid, patch); });
    } else if (r < 0.6) {
      const input = { outcome: `Outcome ${made}`, ...(random() < 0.5 ? { tags: ['done'] } : {}) };
      await tryOp(async () => { await commands.complete(lid, input); model.complete(lid, input); });
    } else if (r < 0.68) {
      const input = random() < 0.3
        ? { reason: `Moved ${made}`, reschedule: true, reschedule_date: day(70 + (made % 30)) }
        : { reason: `No longer needed ${made}` };
      await tryOp(async () => { const out = await commands.cancel(lid, input); model.cancel(lid, input, out.rescheduled?.lid); });
    } else if (r < 0.84) {
      const input = { new_due_at: day(Math.floor(random() * 90)), update_reminder: random() < 0.5, ...(random() < 0.3 ? { priority: 'high' as const } : {}) };
      await tryOp(async () => { await commands.reschedule(lid, input); model.reschedule(lid, input); });
    } else if (r < 0.855) {
      await tryOp(async () => { await commands.delete(lid); model.delete(lid); });
    } else {
      const action = random() < 0.08 ? 'delete' as const : pick(['cancel', 'complete', 'reschedule'] as const satisfies readonly BulkAction[]);
      const chosen = [...new Set(Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(lids)))];
      const parameters = action === 'cancel' ? { reason: `Bulk ${made}` } : action === 'complete' ? { outcome: `Bulk ${made}` }
        : action === 'reschedule' ? { new_due_at: day(100 + (made % 20)) } : {};
      const out = await commands.bulk({ action, lids: chosen, parameters });
      for (const l of out.succeeded) {
        if (action === 'cancel') model.cancel(l, parameters);
        else if (action === 'complete') model.complete(l, parameters);
        else if (action === 'reschedule') model.reschedule(l, parameters as { new_due_at: string });
        else model.delete(l);
      }
      if (out.succeeded.length) made += out.succeeded.length;
    }
  }

  // The rep keeps working while engines sync in the background, die and are restarted.
  let inst = newEngine();
  while (made < OPS) {
    if (inst.dead) {
      await inst.engine.stop();
      inst = newEngine();
    }
    await randomOp();
    inst.engine.notifyLocalChange();
  }
  // The rep stops; engines go on pushing and dying at random points (how much was sent during the
  // rep's work depends on the machine's speed, so the kills must not depend on it alone).
  for (let i = 0; i < 40 && (await db.outbox.count()) > 0; i++) {
    if (inst.dead) {
      await inst.engine.stop();
      inst = newEngine();
    }
    await inst.engine.push();
  }
  await inst.engine.stop();

  // Ops still in their undo window go once it ends.
  const holds = (await db.outbox.toArray()).map((o) => o.hold_until ?? 0);
  const lastHold = Math.max(0, ...holds);
  if (lastHold > Date.now()) await new Promise((r) => setTimeout(r, lastHold - Date.now() + 1));
  // Drain with the faults still on: a fresh engine (never killed) runs until the outbox is empty.
  const last = createSyncEngine({
    db, transport: base, currentUserId: () => ME, intervalMs: 0, concurrency: 6, maxAttempts: 60, requestTimeoutMs: 400,
    backoff: { baseMs: 20, maxMs: 400, factor: 2 }, pull: { followEntities: false },
  });
  for (let i = 0; i < 30 && (await db.outbox.count()) > 0; i++) await last.push();
  // A clean pull (faults off) so local rows reflect the server for the per-row check below.
  crm.setFaults({ failRate: 0 });
  const final = await last.syncNow();
  expect(final.error).toBeNull();
  await last.stop();
  await crm.idle();


  const stats = crm.stats();
  const faults = Object.values(stats.faults).reduce((a, b) => a + b, 0);
  expect(made).toBeGreaterThanOrEqual(OPS);
  expect(subjects).toBeGreaterThanOrEqual(200);
  expect(kills).toBeGreaterThan(3);
  expect(faults).toBeGreaterThan(50);
  // Undos of every kind were mixed in: taken back before sending, reversed on the CRM, refused.
  expect(undone.removed).toBeGreaterThan(10);
  expect(undone.removed + undone.reversed + undone.refused).toBeGreaterThan(30);
  if (process.env.SOAK_DEBUG) {
    for (const o of await db.outbox.toArray()) {
      const { payload: _p, ...rest } = o;
      console.info('LEFT', JSON.stringify(rest), 'row', JSON.stringify(await db.activities.get(o.lid).then((r) => r && { sync: r.sync, status: r.status, server_id: r.server_id })));
    }
    for (const c of await db.conflicts.toArray()) console.info('CONFLICT', JSON.stringify({ ...c, base: c.field === '*' ? '…' : c.base, local: c.field === '*' ? '…' : c.local }));
  }
  expect(await db.outbox.toArray()).toEqual([]);
  expect(await db.conflicts.toArray()).toEqual([]);

  // Server truth, soft-deleted rows included.
  const rows = crm.db.prepare('SELECT d.data AS data, a.deleted_at AS deleted_at FROM activities a JOIN activity_docs d ON d.id = a.id').all() as { data: string; deleted_at: string | null }[];
  const server = rows.map((r) => ({ act: JSON.parse(r.data) as Activity, deleted: r.deleted_at !== null })).filter((r) => r.act.subject.startsWith(`${PREFIX} ${seed}-`));
  const liveServer = server.filter((s) => !s.deleted);

  // Every live model activity exactly once, with the predicted fields; nothing else live.
  const key = (a: Activity) => JSON.stringify(comparable(a));
  const expected = model.live().map((e) => key(e.act)).sort();
  const actual = liveServer.map((s) => key(s.act)).sort();
  expect(actual.length).toBe(expected.length);
  if (process.env.SOAK_DEBUG) {
    const exp = new Set(expected);
    for (const s of liveServer) if (!exp.has(key(s.act))) {
      const row = (await db.activities.where('server_id').equals(s.act.id).first());
      console.info('SERVER', key(s.act), '\nMODEL ', row ? key(model.entries.get(row.lid)!.act) : 'no row');
    }
  }
  expect(actual).toEqual(expected);
  // Each local row maps to its own server record (no two rows share one, no record twice).
  const localRows = (await db.activities.toArray()).filter((r) => r.subject.startsWith(`${PREFIX} ${seed}-`));
  expect(localRows.length).toBe(model.live().length);
  const ids = localRows.map((r) => r.server_id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of localRows) {
    const s = liveServer.find((x) => x.act.id === r.server_id);
    expect(s, r.subject).toBeDefined();
    expect(comparable(s!.act)).toEqual(comparable(model.entries.get(r.lid)!.act));
  }
  // Deleted ones: at most one soft-deleted record each (a create sent twice would show as two).
  const bySubject = new Map<string, number>();
  for (const s of server) bySubject.set(s.act.subject, (bySubject.get(s.act.subject) ?? 0) + 1);
  const modelBySubject = new Map<string, number>();
  for (const e of model.entries.values()) modelBySubject.set(e.act.subject, (modelBySubject.get(e.act.subject) ?? 0) + 1);
  for (const [subject, n] of bySubject) expect(n, subject).toBeLessThanOrEqual(modelBySubject.get(subject) ?? 0);
  // The records the rep never touched (some with unknown values) are on the server exactly as they were.
  expect(unknown.map(stored)).toEqual(untouched);
  if (profile === 'plain') {
    expect(unknown.map((id) => crm.mutate.get(id)?.status)).toContain('on_hold');
    expect(unknown.map((id) => crm.mutate.get(id)?.type)).toContain('sms');
    expect(stats.replays).toBe(0);
  }
  console.info(`soak ${profile}: ops=${made} activities=${subjects} kills=${kills} undos=${JSON.stringify(undone)} requests=${stats.apiRequests} faults=${JSON.stringify(stats.faults)} live=${expected.length} MB sent=${(stats.bytesSent / 1e6).toFixed(2)}`);
}

/** SOAK_SEED=n runs other seeds (to hunt rare interleavings); CI runs the fixed ones. */
const SEED = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : null;
/** SOAK_TIMEOUT_MS: more time per run on a loaded machine (the soak's pace is the machine's). */
const TIMEOUT = process.env.SOAK_TIMEOUT_MS ? Number(process.env.SOAK_TIMEOUT_MS) : 120_000;

describe('fault soak', () => {
  it('ends with the server equal to the model, with server idempotency', async () => {
    await soak('idempotency', SEED ?? 4242);
  }, TIMEOUT);
  it('ends with the server equal to the model, without server idempotency', async () => {
    await soak('no-idempotency', SEED ?? 777);
  }, TIMEOUT);
});

describe('fault soak against the plain profile', () => {
  it('ends with the server equal to the model against a plain CRM (no extensions, guide-shaped answers and lists)', async () => {
    await soak('plain', SEED ?? 9090);
  }, TIMEOUT);
});
