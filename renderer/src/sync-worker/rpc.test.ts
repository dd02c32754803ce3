/**
 * The sync worker's RPC, with both ends in this process over a MessageChannel (the same
 * structured-clone messages a Worker gets): message validation, call/answer pairing, errors
 * crossing the boundary, the transport relay, status mirroring, and the in-thread fallback.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '#shared/api/index';
import { TransportError, type HttpRequest } from '#shared/ipc/platform';
import { createCommands, FieldbookDB, createSyncEngine, type SyncEngine as CoreSyncEngine, INITIAL_STATUS } from '#shared/sync/index';
import { FakeCrm } from '#shared/sync/fake-crm.testing';
import { freshDb } from '#shared/sync/store.testing';
import type { PullOptions, SyncEnginePort as SyncEngine, SyncStatus } from '#shared/sync/index';
import { startSyncHost, type SyncHostOptions } from './host.ts';
import {
  fromWorkerSchema, METHOD_NAMES, METHODS, parseArgs, parseMessage, parseResult, RemoteError, toWireError, toWorkerSchema,
  type ArgsMismatch, type Endpoint, type MethodTable, type SameShape,
} from './protocol.ts';
import { invokeEngine } from './invoke.ts';
import { createWorkerEngineProxy, type WorkerEngineProxyOptions, type WorkerHandle } from './proxy.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A MessagePort as an Endpoint (started, closed after the test). */
function endpoints(): { ui: MessagePort; worker: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  port1.start();
  port2.start();
  cleanups.push(() => { port1.close(); port2.close(); });
  return { ui: port1, worker: port2 };
}

/** Collects what one end receives, and waits for a message matching a predicate. */
function inbox(port: Endpoint) {
  const got: unknown[] = [];
  const waiters: { pred: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];
  port.addEventListener('message', (ev) => {
    got.push(ev.data);
    for (const w of [...waiters]) if (w.pred(ev.data)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(ev.data); }
  });
  return {
    got,
    next: (pred: (m: unknown) => boolean) => new Promise<unknown>((resolve) => {
      const seen = got.find(pred);
      if (seen !== undefined) resolve(seen);
      else waiters.push({ pred, resolve });
    }),
  };
}

const isT = (t: string) => (m: unknown) => typeof m === 'object' && m !== null && (m as { t?: unknown }).t === t;

function until(engine: SyncEngine, pred: (s: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    const check = (s: SyncStatus) => { if (pred(s)) { off(); resolve(s); } };
    const off = engine.subscribe(check);
    check(engine.getStatus());
  });
}

interface Rig {
  proxy: ReturnType<typeof createWorkerEngineProxy>;
  /** The worker's end (tests may listen in). */
  workerPort: MessagePort;
  crm: FakeCrm;
  db: FieldbookDB;
  workerRequests: HttpRequest[];
  terminated: () => boolean;
  fireError: (message: string) => void;
  backends: { backend: string; reason: string | null }[];
  workerErrors: Error[];
}

/** The proxy on one port, the host (the worker's code) on the other, FakeCrm behind the UI's transport. */
function rig(opts: { host?: Partial<SyncHostOptions>; proxy?: Partial<WorkerEngineProxyOptions>; crm?: FakeCrm } = {}): Rig {
  const { ui, worker } = endpoints();
  const crm = opts.crm ?? new FakeCrm();
  const db = freshDb('rpc');
  const workerDbs: FieldbookDB[] = [];
  const workerRequests: HttpRequest[] = [];
  let terminated = false;
  let errorListener: ((m: string) => void) | null = null;
  const backends: Rig['backends'] = [];
  const workerErrors: Error[] = [];
  const host = startSyncHost(worker, {
    // A second connection by name, as the real worker opens it.
    async openDb(name) {
      const d = new FieldbookDB(name);
      await d.open();
      workerDbs.push(d);
      return d;
    },
    // Retries a few ms apart, so failure tests run the engine's real retry path quickly.
    createEngine: (o) => createSyncEngine({ ...o, intervalMs: 0, debounceMs: 5, pull: { followEntities: false }, backoff: { baseMs: 1, maxMs: 4, factor: 2 } }),
    onRequest: (r) => workerRequests.push(r),
    ...opts.host,
  });
  const handle: WorkerHandle = {
    endpoint: ui,
    onError: (l) => { errorListener = l; },
    terminate: () => { terminated = true; },
  };
  const proxy = createWorkerEngineProxy({
    spawn: () => handle,
    dbName: db.name,
    transport: crm,
    currentUserId: () => 'me',
    fallback: () => createSyncEngine({ db, transport: crm, currentUserId: () => 'me', intervalMs: 0, debounceMs: 5, pull: { followEntities: false } }),
    onBackend: (backend, reason) => backends.push({ backend, reason }),
    onWorkerError: (e) => workerErrors.push(e),
    ...opts.proxy,
  });
  cleanups.push(async () => {
    await proxy.stop().catch(() => undefined);
    host.dispose();
    for (const d of workerDbs) d.close();
    db.close();
  });
  return {
    proxy, crm, db, workerRequests, backends, workerErrors, workerPort: worker,
    terminated: () => terminated,
    fireError: (m) => errorListener?.(m),
  };
}

const NEW = { type: 'task', subject: 'Through the worker', activityable_type: 'customer', activityable_id: 'c1' } as const;

describe('sync worker messages', () => {
  it('accepts well-formed messages and names what is wrong with a bad one', () => {
    expect(parseMessage(toWorkerSchema, { t: 'call', id: 1, method: 'syncNow', args: [], user: 'me' }, 'ui')).toMatchObject({ method: 'syncNow' });
    expect(() => parseMessage(toWorkerSchema, { t: 'call', id: 1, method: 'dropTables', args: [], user: null }, 'the UI thread'))
      .toThrow(/Malformed message from the UI thread at method/);
    expect(() => parseMessage(toWorkerSchema, { t: 'init', dbName: '', user: null, options: {} }, 'ui')).toThrow(/at dbName/);
    expect(() => parseMessage(fromWorkerSchema, { t: 'request', id: 3, req: { method: 'TRACE', path: '/x' } }, 'w')).toThrow(/at req\.method/);
    expect(() => parseMessage(fromWorkerSchema, { t: 'status', status: { ...INITIAL_STATUS, pending: 'many' } }, 'w')).toThrow(/at status\.pending/);
    expect(() => parseMessage(fromWorkerSchema, 'hello', 'w')).toThrow(/Malformed message from w/);
  });

  it('checks each method\'s arguments and result', () => {
    expect(parseArgs('retryOp', ['op-1'])).toEqual(['op-1']);
    expect(parseArgs('retryOp', ['op-1', { subject: 'x' }])).toEqual(['op-1', { subject: 'x' }]);
    expect(parseArgs('resolveConflict', ['c1', { value: 3 }])).toEqual(['c1', { value: 3 }]);
    expect(() => parseArgs('retryOp', [42])).toThrow(/call retryOp at 0/);
    expect(() => parseArgs('resolveConflict', ['c1', 'both'])).toThrow(/call resolveConflict/);
    expect(() => parseArgs('setOnline', ['yes'])).toThrow(/call setOnline/);
    expect(() => parseArgs('syncNow', ['extra'])).toThrow(/call syncNow/);
    expect(parseResult('pullDirectory', { customers: 4 })).toEqual({ customers: 4 });
    expect(() => parseResult('syncNow', { push: null })).toThrow(/result of syncNow/);
  });

  it('carries an error\'s name, message, kind and status across', () => {
    const api = new RemoteError(toWireError(new ApiError(409, 'conflict', 'Already completed.')));
    expect(api).toBeInstanceOf(Error);
    expect([api.name, api.message, api.kind, api.status]).toEqual(['ApiError', 'Already completed.', 'conflict', 409]);
    expect(String(api)).toBe('ApiError: Already completed.');
    expect(toWireError(new TransportError('timeout', 'slow'))).toEqual({ name: 'TransportError', message: 'slow', kind: 'timeout' });
    expect(toWireError('plain')).toEqual({ name: 'Error', message: 'plain' });
  });

  it('the host reports a malformed message instead of acting on it', async () => {
    const { ui, worker } = endpoints();
    const host = startSyncHost(worker, { openDb: () => Promise.reject(new Error('must not open')) });
    cleanups.push(() => host.dispose());
    const box = inbox(ui);
    ui.postMessage({ t: 'call', id: 1, method: 'syncNow', args: 'nope', user: null });
    const reported = parseMessage(fromWorkerSchema, await box.next(isT('error')), 'w');
    expect(reported.t === 'error' && reported.error.message).toMatch(/^Malformed message from the UI thread at args/);
    // A call before init is answered with an error, not left hanging.
    ui.postMessage({ t: 'call', id: 2, method: 'syncNow', args: [], user: null });
    expect(await box.next(isT('result'))).toMatchObject({ id: 2, ok: false, error: { message: 'The sync worker has not started yet.' } });
  });
});

describe('sync engine through the worker RPC', () => {
  it('pushes and pulls with the requests made on the UI side, and mirrors the status', async () => {
    const r = rig();
    const crm = r.crm;
    crm.seed({ id: 'srv-9', subject: 'From the CRM', assigned_user_id: 'me' });
    const commands = createCommands(r.db, { currentUser: () => ({ id: 'me', name: 'Me' }) });
    await commands.create(NEW);
    const seen: SyncStatus[] = [];
    r.proxy.subscribe((s) => seen.push(s));
    const report = await r.proxy.syncNow();
    expect(r.proxy.backend()).toBe('worker');
    expect(r.backends).toEqual([{ backend: 'worker', reason: null }]);
    expect(report.push?.succeeded).toBe(1);
    expect(report.pull?.inserted).toBe(1);
    // Every request the worker's engine made went out through the UI thread's transport.
    expect(r.workerRequests.length).toBeGreaterThan(0);
    expect(crm.log.map((q) => `${q.method} ${q.path}`)).toEqual(r.workerRequests.map((q) => `${q.method} ${q.path}`));
    expect(crm.writes().map((q) => q.method)).toEqual(['POST']);
    expect((await r.db.activities.toArray()).map((a) => a.subject).sort()).toEqual(['From the CRM', 'Through the worker']);
    expect(seen.some((s) => s.syncing)).toBe(true);
    expect(r.proxy.getStatus()).toMatchObject({ syncing: false, pending: 0, lastError: null });
    expect(r.proxy.getStatus().lastSyncedAt).not.toBeNull();
  });

  it('a local change notified on the UI thread is pushed by the worker', async () => {
    const r = rig();
    const commands = createCommands(r.db, { currentUser: () => ({ id: 'me', name: 'Me' }), onChange: () => r.proxy.notifyLocalChange() });
    r.proxy.start();
    await until(r.proxy, (s) => s.lastSyncedAt !== null);
    await commands.create({ ...NEW, subject: 'Made in the UI' });
    await until(r.proxy, (s) => s.pending === 0 && !s.syncing && r.crm.writes().length === 1);
    expect(r.workerRequests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect([...r.crm.acts.values()].map((a) => a.subject)).toEqual(['Made in the UI']);
  });

  it('calls made while the worker boots wait and keep their order', async () => {
    const r = rig();
    // Sent before the worker answered init: offline first, so the sync is skipped.
    r.proxy.setOnline(false);
    const report = await r.proxy.syncNow();
    expect(report.skipped).toBe('offline');
    expect(r.crm.log).toEqual([]);
    expect(r.proxy.getStatus().online).toBe(false);
  });

  it('pairs each answer with its call when they finish out of order', async () => {
    let releaseFirst!: () => void;
    const held = new Promise<void>((res) => { releaseFirst = res; });
    const stub = (): CoreSyncEngine => {
      const e = createSyncEngine({ db: freshDb('stub'), transport: new FakeCrm(), currentUserId: () => 'me', intervalMs: 0 });
      return {
        ...e,
        pullDirectory: async () => { await held; return { customers: 1 }; },
        whoAmI: () => Promise.resolve({ id: 'u-7', name: 'Jane' } as Awaited<ReturnType<CoreSyncEngine['whoAmI']>>),
      };
    };
    const r = rig({ host: { createEngine: stub } });
    const order: string[] = [];
    const dir = r.proxy.pullDirectory().then((v) => { order.push('dir'); return v; });
    const me = r.proxy.whoAmI().then((v) => { order.push('me'); return v; });
    // The second call is answered while the first is still running in the worker.
    expect(await me).toEqual({ id: 'u-7', name: 'Jane' });
    expect(order).toEqual(['me']);
    releaseFirst();
    expect(await dir).toEqual({ customers: 1 });
    expect(order).toEqual(['me', 'dir']);
  });

  it('the worker\'s engine scopes its runs to the rep the UI names, also when it changes between calls', async () => {
    let seen: (() => string | null) | null = null;
    let inWorker: CoreSyncEngine | null = null;
    const capture = (o: Parameters<typeof createSyncEngine>[0]): CoreSyncEngine => {
      seen = o.currentUserId;
      inWorker = createSyncEngine({ ...o, intervalMs: 0, pull: { followEntities: false } });
      return inWorker;
    };
    let rep: string | null = null;
    const r = rig({ host: { createEngine: capture }, proxy: { currentUserId: () => rep } });
    await r.proxy.whoAmI();
    const scope = (): string | null => {
      const get: (() => string | null) | null = seen;
      if (!get) throw new Error('the worker built no engine');
      return get();
    };
    expect(scope()).toBeNull();
    rep = 'u-1';
    await r.proxy.syncNow();
    expect(scope()).toBe('u-1');
    // Picked in Settings: no call follows, but the next status the worker sends (here from a change
    // inside the worker, as a timer-started run makes) brings it along.
    rep = 'u-2';
    const changed = new Promise<void>((resolve) => {
      r.workerPort.addEventListener('message', (ev) => { if ((ev.data as { t?: string }).t === 'user') resolve(); });
    });
    (inWorker as CoreSyncEngine | null)?.setOnline(false);
    await changed;
    expect(scope()).toBe('u-2');
  });

  it('an engine error reaches the caller with its message; a bad argument fails at the caller', async () => {
    const r = rig();
    const err = await r.proxy.retryOp('no-such-op').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('That change is no longer waiting to be sent.');
    const bad = await r.proxy.retryOp(42 as unknown as string).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/call retryOp at 0/);
  });

  it('a transport failure on the UI side reaches the worker as that TransportError', async () => {
    const crm = new FakeCrm();
    crm.seed({ id: 'srv-1', assigned_user_id: 'me' });
    const r = rig({ crm });
    // The CRM client words each failure kind differently: the kind survived the trip both ways.
    crm.hook = () => 'commit-then-drop';
    expect((await r.proxy.pull()).error).toBe('The CRM did not answer in time: no answer');
    crm.hook = () => 'drop';
    expect((await r.proxy.pull()).error).toBe('Could not reach the CRM: socket hang up');
    crm.hook = null;
    expect((await r.proxy.pull()).pull?.inserted).toBe(1);
  });

  it('worker failures outside a call are reported, not swallowed', async () => {
    const r = rig();
    await r.proxy.syncNow();
    r.fireError('Uncaught TypeError: boom');
    expect(r.workerErrors.map((e) => e.message)).toEqual(['Uncaught TypeError: boom']);
    expect(r.proxy.getStatus().lastError).toBe('Uncaught TypeError: boom');
  });

  it('stop ends the worker engine, terminates the worker and refuses further calls', async () => {
    const r = rig();
    await r.proxy.syncNow();
    await r.proxy.stop();
    expect(r.terminated()).toBe(true);
    await expect(r.proxy.syncNow()).rejects.toThrow('The sync engine was stopped.');
  });
});

describe('every engine method crosses the worker boundary', () => {
  it('METHODS names exactly the engine\'s methods (less the status pair the UI thread answers)', () => {
    const e = createSyncEngine({ db: freshDb('methods'), transport: new FakeCrm(), currentUserId: () => 'me', intervalMs: 0 });
    const engineMethods = Object.keys(e).filter((k) => typeof (e as unknown as Record<string, unknown>)[k] === 'function');
    const answeredHere = ['getStatus', 'subscribe', 'whenIdle'];
    expect([...METHOD_NAMES].sort()).toEqual(engineMethods.filter((k) => !answeredHere.includes(k)).sort());
    // And at compile time: a table missing a method, or a schema that drops an option, does not check.
    const { pull: _pull, ...withoutPull } = METHODS;
    // @ts-expect-error a table without pull is not a MethodTable (METHODS is declared `satisfies MethodTable`)
    const missing: MethodTable = withoutPull;
    expect('pull' in missing).toBe(false);
    const dropsPoll: SameShape<{ full?: boolean }, PullOptions> = false;
    const allMatch: [ArgsMismatch] extends [never] ? true : false = true;
    expect([dropsPoll, allMatch]).toEqual([false, true]);
  });

  it('every pull option reaches the worker\'s engine (the schema used to drop all but four)', async () => {
    const seen: (PullOptions | undefined)[] = [];
    const r = rig({
      host: {
        createEngine: (o) => {
          const e = createSyncEngine({ ...o, intervalMs: 0, pull: { followEntities: false } });
          return { ...e, pull: (p?: PullOptions) => { seen.push(p); return e.pull({ ...p, followEntities: false }); } };
        },
      },
    });
    const all: Required<PullOptions> = {
      full: true, followEntities: false, maxFollowed: 3, fullEvery: 5, incrementalOnly: false, poll: true,
      reconcileEveryMs: 60_000, windowDays: 3, refreshPerHour: 12,
    };
    await r.proxy.pull(all);
    await r.proxy.pull();
    expect(seen).toEqual([all, undefined]);
  });

  it('each METHODS entry reaches the engine method of that name', async () => {
    const calls: string[] = [];
    const recorder = new Proxy({}, {
      get: (_t, prop) => () => { calls.push(String(prop)); return Promise.resolve(undefined); },
    }) as SyncEngine;
    for (const m of METHOD_NAMES) {
      calls.length = 0;
      await invokeEngine(recorder, m, []);
      expect(calls, m).toEqual([m]);
    }
  });

  it('setVisible and refreshActivity called on the UI thread run on the worker\'s engine with their arguments', async () => {
    const seen: { setVisible: boolean[]; refreshActivity: string[] } = { setVisible: [], refreshActivity: [] };
    const r = rig({
      host: {
        createEngine: (o) => {
          const e = createSyncEngine({ ...o, intervalMs: 0, debounceMs: 5, pull: { followEntities: false } });
          const setVisible = e.setVisible.bind(e);
          const refresh = e.refreshActivity.bind(e);
          return {
            ...e,
            setVisible: (v: boolean) => { seen.setVisible.push(v); setVisible(v); },
            refreshActivity: (lid: string) => { seen.refreshActivity.push(lid); return refresh(lid); },
          };
        },
      },
    });
    r.proxy.setVisible(false);
    // Calls keep their order: once this answers, setVisible has run in the worker.
    expect(await r.proxy.refreshActivity('no-such-lid')).toBe('skipped');
    expect(seen).toEqual({ setVisible: [false], refreshActivity: ['no-such-lid'] });
  });
});

describe('in-thread fallback', () => {
  it('runs the engine here when the worker cannot be created', async () => {
    const r = rig({ proxy: { spawn: () => { throw new Error('Worker is not defined'); } } });
    const commands = createCommands(r.db, { currentUser: () => ({ id: 'me', name: 'Me' }) });
    await commands.create(NEW);
    const report = await r.proxy.syncNow();
    expect(report.push?.succeeded).toBe(1);
    expect(r.proxy.backend()).toBe('in-thread');
    expect(r.backends).toEqual([{ backend: 'in-thread', reason: 'the sync worker could not start: Worker is not defined' }]);
    expect(r.workerRequests).toEqual([]);
    expect(r.proxy.getStatus().lastSyncedAt).not.toBeNull();
  });

  it('falls back when the worker cannot open the store, with the calls made meanwhile', async () => {
    const r = rig({ host: { openDb: () => Promise.reject(new Error('IndexedDB is not available here')) } });
    const report = await r.proxy.syncNow();
    expect(report.error).toBeNull();
    expect(r.proxy.backend()).toBe('in-thread');
    expect(r.terminated()).toBe(true);
    expect(r.backends[0]?.reason).toBe('the sync worker could not open the store: IndexedDB is not available here');
  });

  it('falls back when the worker script fails to load', async () => {
    const onError = vi.fn();
    const { ui } = endpoints();
    let listener: ((m: string) => void) | null = null;
    const crm = new FakeCrm();
    const db = freshDb('rpc-load');
    let fallbacks = 0;
    cleanups.push(() => db.close());
    const proxy = createWorkerEngineProxy({
      spawn: () => ({ endpoint: ui, onError: (l) => { listener = l; }, terminate: () => undefined }),
      dbName: db.name, transport: crm, currentUserId: () => 'me',
      fallback: () => { fallbacks++; return createSyncEngine({ db, transport: crm, currentUserId: () => 'me', intervalMs: 0, pull: { followEntities: false } }); },
      onWorkerError: onError,
    });
    cleanups.push(() => proxy.stop());
    const pending = proxy.syncNow();
    expect(proxy.backend()).toBe('booting');
    (listener as ((m: string) => void) | null)?.('404 worker.js');
    (listener as ((m: string) => void) | null)?.('404 worker.js (reported twice)');
    expect((await pending).error).toBeNull();
    expect(fallbacks).toBe(1);
    expect(proxy.backend()).toBe('in-thread');
    expect(onError).not.toHaveBeenCalled();
  });
});
