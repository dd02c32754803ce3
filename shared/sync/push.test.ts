import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommands } from './commands.ts';
import { createSyncEngine, type SyncEngineOptions } from './engine.ts';
import { FakeCrm } from './fake-crm.testing.ts';
import { freshDb } from './store.testing.ts';
import type { FieldbookDB } from './db.ts';

const dbs: FieldbookDB[] = [];
afterEach(() => { for (const d of dbs.splice(0)) d.close(); });

function setup(crm = new FakeCrm(), extra: Partial<SyncEngineOptions> = {}) {
  const db = freshDb('push');
  dbs.push(db);
  const commands = createCommands(db, { currentUser: () => ({ id: 'me', name: 'Me' }) });
  const engine = createSyncEngine({
    db, transport: crm, currentUserId: () => 'me', intervalMs: 0, debounceMs: 1, backoff: { baseMs: 1, maxMs: 5, factor: 2 },
    pull: { followEntities: false }, ...extra,
  });
  return { db, commands, engine, crm };
}

const NEW = { type: 'call', subject: 'New one', activityable_type: 'customer', activityable_id: 'c1', due_at: '2030-02-01T10:00:00Z' } as const;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('push', () => {
  it('ops after a create wait for its server id, read from the row when sent; queued payloads stay as made', async () => {
    const { db, commands, engine, crm } = setup();
    const a = await commands.create(NEW);
    await commands.complete(a.lid, { outcome: 'Went well' });
    await commands.update(a.lid, { description: 'after' });
    const gate = deferred();
    const held = deferred();
    crm.hook = async (req) => {
      if (req.method === 'POST' && req.path.endsWith('/activities')) { held.resolve(); await gate.promise; }
      return undefined;
    };
    const run = engine.push();
    await held.promise;
    // While the create is out, nothing else for this activity is sent, and no payload was touched.
    expect(crm.writes().map((r) => r.method)).toEqual(['POST']);
    const queued = (await db.outbox.orderBy('seq').toArray()).slice(1).map((o) => o.payload);
    expect(queued).toEqual([{ outcome: 'Went well' }, { description: 'after' }]);
    gate.resolve();
    await run;
    const sid = (await db.activities.get(a.lid))?.server_id;
    expect(sid).toBe('s1');
    expect(crm.writes().map((r) => `${r.method} ${r.path.replace('/api/v1/crm', '')}`)).toEqual([
      'POST /activities', 'POST /activities/s1/complete', 'PATCH /activities/s1',
    ]);
    expect(crm.acts.get('s1')).toMatchObject({ status: 'completed', outcome: 'Went well', description: 'after' });
    expect(await db.outbox.count()).toBe(0);
    expect((await db.activities.get(a.lid))?.sync).toBe('synced');
  });

  it('keeps one request in flight per activity and runs activities in parallel up to the limit', async () => {
    const { commands, engine, crm } = setup(new FakeCrm(), { concurrency: 3 });
    for (let i = 0; i < 8; i++) {
      const a = await commands.create({ ...NEW, subject: `A${i}` });
      await commands.complete(a.lid, { outcome: 'x' });
      await commands.update(a.lid, { description: 'notes' });
    }
    // The first requests wait until three are in flight at once (they can only get there if the
    // sender runs activities in parallel); after that everything passes.
    const three = deferred();
    crm.hook = async () => {
      if (crm.inflight >= 3) three.resolve();
      await three.promise;
      return undefined;
    };
    const report = await engine.push();
    expect(report.push?.succeeded).toBe(24);
    expect(crm.maxPerActivity).toBe(1);
    expect(crm.maxInflight).toBe(3);
    expect(crm.writes().length).toBe(24);
  });

  it('coalesces never-sent ops before sending (create+update → one create; create…delete → nothing)', async () => {
    const { db, commands, engine, crm } = setup();
    const a = await commands.create(NEW);
    await commands.update(a.lid, { subject: 'Renamed' });
    await commands.update(a.lid, { priority: 'high' });
    const b = await commands.create({ ...NEW, subject: 'Gone' });
    await commands.update(b.lid, { description: 'x' });
    await commands.delete(b.lid);
    await engine.push();
    expect(crm.writes().length).toBe(1);
    expect(JSON.parse(crm.writes()[0]!.body!)).toMatchObject({ subject: 'Renamed', priority: 'high' });
    expect(await db.activities.get(b.lid)).toBeUndefined();
  });

  it('a transient error backs off only that activity, honouring Retry-After', async () => {
    let t = Date.now() + 1_000; // the engine's clock; commands stamp ops with the real one (earlier)
    const { db, commands, engine, crm } = setup(new FakeCrm(), { now: () => t, maxInRunWaitMs: 0 });
    const slow = await commands.create({ ...NEW, subject: 'Throttled' });
    const fine = await commands.create({ ...NEW, subject: 'Fine' });
    await commands.complete(fine.lid, {});
    crm.hook = (req) => (req.body?.includes('Throttled')
      ? { status: 429, headers: { 'Retry-After': '30' }, body: JSON.stringify({ success: false, message: 'Too many requests' }) }
      : undefined);
    const report = await engine.push();
    expect(report.push?.retried).toBe(1);
    expect((await db.activities.get(fine.lid))?.sync).toBe('synced');
    const op = await db.outbox.where('lid').equals(slow.lid).first();
    expect(op).toMatchObject({ state: 'queued', attempts: 1, last_status: 429, last_error: 'Too many requests' });
    expect(op!.next_attempt_at).toBeGreaterThanOrEqual(t + 30_000);
    // Not before its time …
    t += 29_000;
    crm.hook = null;
    await engine.push();
    expect(await db.outbox.count()).toBe(1);
    // … and then it goes.
    t += 2_000;
    await engine.push();
    expect(await db.outbox.count()).toBe(0);
  });

  it('401 pauses everything and keeps the queue; signing in again resumes', async () => {
    const { db, commands, engine, crm } = setup(new FakeCrm(), { concurrency: 2 });
    for (let i = 0; i < 5; i++) await commands.create({ ...NEW, subject: `N${i}` });
    crm.hook = () => ({ status: 401, headers: {}, body: JSON.stringify({ success: false, message: 'Invalid or expired token.' }) });
    const report = await engine.syncNow();
    expect(engine.getStatus().authRequired).toBe(true);
    expect(report.error).toMatch(/Sign in again/);
    expect(crm.log.length).toBeLessThanOrEqual(2);
    expect((await db.outbox.toArray()).map((o) => [o.state, o.attempts])).toEqual(Array.from({ length: 5 }, () => ['queued', 0]));
    // Paused: nothing is sent until the rep signs in again.
    expect((await engine.syncNow()).skipped).toBe('auth');
    crm.hook = null;
    const done = new Promise<void>((resolve) => {
      const off = engine.subscribe((s) => { if (!s.syncing && s.pending === 0 && !s.authRequired) { off(); resolve(); } });
    });
    engine.authRestored();
    await done;
    expect(crm.acts.size).toBe(5);
  });

  it('422 fails the op with the server message, blocks what follows, keeps the data; retry with a fixed payload succeeds', async () => {
    const { db, commands, engine, crm } = setup();
    const a = await commands.create({ ...NEW, activityable_id: 'missing' });
    await commands.complete(a.lid, { outcome: 'later' });
    crm.hook = (req) => (req.method === 'POST' && req.body?.includes('missing')
      ? { status: 422, headers: {}, body: JSON.stringify({ success: false, message: 'Related entity not found', errors: { activityable_id: ['Related entity not found'] } }) }
      : undefined);
    await engine.syncNow();
    const ops = await db.outbox.orderBy('seq').toArray();
    expect(ops.map((o) => o.state)).toEqual(['failed', 'blocked']);
    expect(ops[0]!.last_error).toBe('Related entity not found (activityable_id: Related entity not found)');
    const row = await db.activities.get(a.lid);
    expect(row).toMatchObject({ sync: 'failed', status: 'completed', outcome: 'later' });
    expect(engine.getStatus().failed.map((f) => [f.state, f.status, f.stuck])).toEqual([['failed', 422, false], ['blocked', null, false]]);
    await expect(engine.retryOp(ops[0]!.op_id, { ...ops[0]!.payload, activityable_id: '' })).rejects.toThrow(/activityable_id/);
    await engine.retryOp(ops[0]!.op_id, { ...ops[0]!.payload, activityable_id: 'c1' });
    await engine.push();
    expect(await db.outbox.count()).toBe(0);
    expect([...crm.acts.values()][0]).toMatchObject({ activityable_id: 'c1', status: 'completed', outcome: 'later' });
  });

  it('404 on an update is a "deleted on the server" conflict; 404 on a delete is done', async () => {
    const crm = new FakeCrm();
    const { db, commands, engine } = setup(crm);
    const a = await commands.create(NEW);
    const b = await commands.create({ ...NEW, subject: 'Other' });
    await engine.push();
    const [sa, sb] = [(await db.activities.get(a.lid))!.server_id!, (await db.activities.get(b.lid))!.server_id!];
    crm.deleted.add(sa).add(sb);
    await commands.update(a.lid, { description: 'edited offline' });
    await commands.delete(b.lid);
    await engine.push();
    expect(await db.activities.get(b.lid)).toBeUndefined();
    const conflicts = await db.conflicts.toArray();
    expect(conflicts.map((c) => [c.lid, c.kind])).toEqual([[a.lid, 'deleted_remote']]);
    expect((await db.activities.get(a.lid))?.sync).toBe('conflict');
    // Keep mine: created again on the server with the edit.
    await engine.resolveConflict(conflicts[0]!.id, 'mine');
    await engine.push();
    const row = await db.activities.get(a.lid);
    expect(row?.server_id).not.toBe(sa);
    expect(crm.acts.get(row!.server_id!)).toMatchObject({ description: 'edited offline', subject: 'New one' });
  });

  it('an op past its attempt limit is stuck (failed) with the last error', async () => {
    const { db, commands, engine, crm } = setup(new FakeCrm(), { maxAttempts: 3 });
    await commands.create(NEW);
    crm.hook = () => ({ status: 503, headers: {}, body: JSON.stringify({ success: false, message: 'Down for maintenance' }) });
    await engine.push();
    const op = (await db.outbox.toArray())[0]!;
    expect(op).toMatchObject({ state: 'failed', attempts: 3, last_error: 'Gave up after 3 attempts: Down for maintenance' });
    expect(engine.getStatus().failed[0]).toMatchObject({ stuck: true, state: 'failed' });
    expect(crm.log.length).toBe(3);
  });

  it('sends a bulk command as one bulk-actions request when every activity exists on the server', async () => {
    const crm = new FakeCrm();
    const { db, commands, engine } = setup(crm);
    const lids: string[] = [];
    for (let i = 0; i < 3; i++) lids.push((await commands.create({ ...NEW, subject: `B${i}` })).lid);
    await engine.push();
    crm.log.length = 0;
    await commands.bulk({ action: 'cancel', lids, parameters: { reason: 'Stale' } });
    await engine.push();
    expect(crm.log.map((r) => `${r.method} ${r.path.replace('/api/v1/crm', '')}`)).toEqual(['POST /activities/bulk-actions']);
    const req = crm.log[0]!;
    expect(JSON.parse(req.body!)).toEqual({ action: 'cancel', activity_ids: ['s1', 's2', 's3'], parameters: { reason: 'Stale' } });
    expect(req.headers?.['Idempotency-Key']).toBeTruthy();
    for (const l of lids) expect(await db.activities.get(l)).toMatchObject({ status: 'cancelled', sync: 'synced' });
    expect([...crm.acts.values()].every((a) => a.status === 'cancelled' && a.cancellation_reason === 'Stale')).toBe(true);
  });

  it('a bulk of unknown outcome is resent only as the exact same request; once a member went alone, the rest go alone too', async () => {
    const crm = new FakeCrm();
    let t = Date.parse('2030-03-01T08:00:00Z');
    // Retry jitter: the first two members draw the longest wait, the third the shortest.
    const draws = [1, 1, 0];
    const { db, commands, engine } = setup(crm, {
      now: () => t, random: () => draws.shift() ?? 0.5, maxInRunWaitMs: 0, backoff: { baseMs: 1_000, maxMs: 1_000, factor: 2 },
    });
    const lids: string[] = [];
    for (let i = 0; i < 3; i++) lids.push((await commands.create({ ...NEW, subject: `R${i}` })).lid);
    await engine.push();
    await commands.bulk({ action: 'reschedule', lids, parameters: { new_due_at: '2030-02-09T09:00:00Z' } });
    let drops = 1;
    crm.hook = (req) => (req.path.endsWith('/bulk-actions') && drops-- > 0 ? 'commit-then-drop' : undefined);
    await engine.push();
    // The third member's retry comes first; its group-mates are still waiting, so it goes alone
    // (checked against the server first: the lost bulk did apply, so nothing is resent for it).
    t += 600;
    await engine.push();
    expect(await db.outbox.count()).toBe(2);
    t += 1_000;
    await engine.push();
    expect(await db.outbox.count()).toBe(0);
    // An Idempotency-Key is never reused for a different body (a server refuses that with 422).
    const bodies = new Map<string, Set<string>>();
    for (const r of crm.writes()) {
      const key = r.headers?.['Idempotency-Key'] ?? '';
      bodies.set(key, (bodies.get(key) ?? new Set()).add(r.body ?? ''));
    }
    expect([...bodies.values()].filter((b) => b.size > 1)).toEqual([]);
    expect(crm.writes().filter((r) => r.path.endsWith('/bulk-actions')).length).toBe(1);
    for (const a of crm.acts.values()) expect(a).toMatchObject({ due_at: '2030-02-09T09:00:00Z', rescheduled_count: 1 });
    for (const l of lids) expect(await db.activities.get(l)).toMatchObject({ sync: 'synced', rescheduled_count: 1 });
  });

  it('a bulk whose activities are not all on the server goes out individually, after their creates', async () => {
    const crm = new FakeCrm();
    const { commands, engine } = setup(crm);
    const a = await commands.create({ ...NEW, subject: 'Old' });
    await engine.push();
    const b = await commands.create({ ...NEW, subject: 'Fresh', activityable_id: 'missing' });
    crm.hook = (req) => (req.body?.includes('missing') ? { status: 422, headers: {}, body: JSON.stringify({ success: false, message: 'Related entity not found' }) } : undefined);
    crm.log.length = 0;
    await commands.bulk({ action: 'complete', lids: [a.lid, b.lid], parameters: { outcome: 'ok' } });
    await engine.push();
    expect(crm.writes().map((r) => `${r.method} ${r.path.replace('/api/v1/crm', '')}`).sort()).toEqual(['POST /activities', 'POST /activities/s1/complete']);
  });

  it('without server idempotency, a create whose answer was lost is looked up (by its op marker) before any resend', async () => {
    const crm = new FakeCrm({ idempotency: false });
    const { db, commands, engine } = setup(crm, { maxInRunWaitMs: 1_000 });
    // Teach the engine the server has no idempotency (first response shows no extension).
    crm.seed({ id: 'x0' });
    await engine.pull();
    const a = await commands.create(NEW);
    let drops = 1;
    crm.hook = (req) => (req.method === 'POST' && drops-- > 0 ? 'commit-then-drop' : undefined);
    await engine.push();
    const mine = [...crm.acts.values()].filter((x) => x.subject === 'New one');
    expect(mine.length).toBe(1);
    expect(crm.writes().filter((r) => r.method === 'POST').length).toBe(1);
    expect((await db.activities.get(a.lid))?.server_id).toBe(mine[0]!.id);
    expect(mine[0]!.custom_fields._fb_op).toBe((JSON.parse(crm.writes()[0]!.body!) as { custom_fields: { _fb_op: string } }).custom_fields._fb_op);
  });

  it('without server idempotency, a cancel-with-reschedule whose answer was lost: the sync after it maps the server’s copy to the local copy', async () => {
    const crm = new FakeCrm({ idempotency: false });
    let t = Date.parse('2030-03-01T08:00:00Z');
    const { db, commands, engine } = setup(crm, { now: () => t, maxInRunWaitMs: 0 });
    const a = await commands.create(NEW);
    await engine.push();
    const out = await commands.cancel(a.lid, { reason: 'Moved', reschedule: true, reschedule_date: '2030-02-08T10:00:00Z' });
    const copy = out.rescheduled!.lid;
    await commands.update(copy, { location: 'Office' });
    let drops = 1;
    crm.hook = (req) => (req.path.endsWith('/cancel') && drops-- > 0 ? 'commit-then-drop' : undefined);
    await engine.push();
    expect((await db.outbox.toArray()).find((o) => o.kind === 'cancel')).toMatchObject({ maybe_sent: true, state: 'queued' });
    // The next sync pulls first: the server's copy must wait for the cancel to settle, not be
    // stored as a record of its own (the cancel's check would then see it as taken).
    t += 60_000;
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    expect(await db.outbox.count()).toBe(0);
    const serverCopy = [...crm.acts.values()].find((x) => x.status === 'pending');
    expect(serverCopy).toMatchObject({ due_at: '2030-02-08T10:00:00Z', location: 'Office' });
    expect(crm.writes().filter((r) => r.path.endsWith('/cancel')).length).toBe(1);
    expect(await db.activities.get(copy)).toMatchObject({ server_id: serverCopy!.id, sync: 'synced' });
    expect(await db.activities.where('server_id').equals(serverCopy!.id).count()).toBe(1);
  });

  it('with server idempotency, the same create is resent with the same key and replayed', async () => {
    const crm = new FakeCrm();
    const { db, commands, engine } = setup(crm);
    crm.seed({ id: 'x0' });
    await engine.pull(); // learns the server honours Idempotency-Key
    const a = await commands.create(NEW);
    let drops = 1;
    crm.hook = (req) => (req.method === 'POST' && drops-- > 0 ? 'commit-then-drop' : undefined);
    await engine.push();
    const posts = crm.writes();
    expect(posts.length).toBe(2);
    expect(posts[0]!.headers?.['Idempotency-Key']).toBe(posts[1]!.headers?.['Idempotency-Key']);
    expect(crm.acts.size).toBe(2);
    expect((await db.activities.get(a.lid))?.server_id).toBe('s1');
  });

  it('a sender killed mid-request leaves the op to be reclaimed as maybe-sent, and nothing is written after stop()', async () => {
    const crm = new FakeCrm({ idempotency: false });
    const { db, commands, engine } = setup(crm);
    crm.seed({ id: 'x0' });
    await engine.pull();
    const a = await commands.create(NEW);
    const reached = deferred();
    const gate = deferred();
    crm.hook = async () => { reached.resolve(); await gate.promise; return undefined; };
    const run = engine.push();
    await reached.promise;
    const stopped = engine.stop();
    gate.resolve();
    await Promise.all([run, stopped]);
    // The server created it, but the dead engine recorded nothing.
    expect(crm.acts.size).toBe(2);
    expect((await db.outbox.toArray())[0]).toMatchObject({ state: 'inflight' });
    expect((await db.activities.get(a.lid))?.server_id).toBeNull();
    crm.hook = null;
    const next = createSyncEngine({ db, transport: crm, currentUserId: () => 'me', intervalMs: 0, pull: { followEntities: false } });
    await next.pull();
    await next.push();
    expect([...crm.acts.values()].filter((x) => x.subject === 'New one').length).toBe(1);
    expect((await db.activities.get(a.lid))?.server_id).toBe('s1');
    expect(await db.outbox.count()).toBe(0);
  });

  it('an op in its undo window (hold_until) waits with its activity\'s later ops; others go; the engine pushes when the window ends', async () => {
    let t = Date.now() + 1_000; // the engine's clock; commands stamp ops with the real one (earlier)
    const pending: { at: number; fn: () => void }[] = [];
    // Zero delays (yields) run at once; anything later waits for the test to move the clock.
    const timers = {
      setTimeout: (fn: () => void, ms: number) => {
        if (ms <= 0) return setTimeout(fn, 0);
        const h = { at: t + ms, fn };
        pending.push(h);
        return h;
      },
      clearTimeout: (h: unknown) => {
        const i = pending.indexOf(h as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1); else clearTimeout(h as ReturnType<typeof setTimeout>);
      },
    };
    const { db, commands, engine, crm } = setup(new FakeCrm(), { now: () => t, timers });
    const held = await commands.create({ ...NEW, subject: 'Held' });
    await commands.update(held.lid, { description: 'after the held create' });
    const free = await commands.create({ ...NEW, subject: 'Free' });
    const first = await db.outbox.where('lid').equals(held.lid).first();
    await db.outbox.update(first!.seq, { hold_until: t + 5_000 });

    engine.start();
    await engine.whenIdle();
    expect(crm.writes().map((r) => (JSON.parse(r.body!) as { subject: string }).subject)).toEqual(['Free']);
    expect((await db.activities.get(free.lid))?.sync).toBe('synced');
    // Both ops of the held activity are still queued as made: the update was not folded into the held create.
    expect((await db.outbox.where('lid').equals(held.lid).toArray()).map((o) => [o.kind, o.state, o.hold_until])).toEqual([
      ['create', 'queued', t + 5_000], ['update', 'queued', undefined],
    ]);
    // The engine has a timer for the end of the window (not a poll loop).
    const ends = pending.filter((h) => h.at === t + 5_000);
    expect(ends).toHaveLength(1);

    t += 5_000;
    for (const h of pending.splice(0).filter((x) => x.at <= t)) h.fn();
    await engine.whenIdle();
    // The window over, the update may be folded into the create as usual.
    expect(crm.writes().map((r) => `${r.method} ${r.path.replace('/api/v1/crm', '')}`)).toEqual(['POST /activities', 'POST /activities']);
    expect(crm.acts.get('s2')).toMatchObject({ subject: 'Held', description: 'after the held create' });
    expect(await db.outbox.count()).toBe(0);
    await engine.stop();
  });
});
