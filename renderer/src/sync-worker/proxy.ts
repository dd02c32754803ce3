/**
 * The UI thread's side of the sync worker: a SyncEngine port whose methods are calls into the
 * worker, whose status mirrors the worker's, and which makes the worker's HTTP requests with the
 * platform transport (so the token and the desktop bridge never leave this thread).
 *
 * Calls made while the worker boots wait for it, in order. When the worker cannot start (no
 * Worker, the script fails to load, the store does not open there) the same port runs the
 * in-thread engine instead: the UI never sees the difference except through `backend()`.
 */
import { Dexie } from 'dexie';
import type { Transport } from '#shared/ipc/platform';
import { INITIAL_STATUS, type StatusListener, type SyncEnginePort as SyncEngine, type SyncStatus } from '#shared/sync/index';
import { invokeEngine } from './invoke.ts';
import {
  fromWorkerSchema, METHOD_NAMES, METHODS, parseArgs, parseMessage, parseResult, RemoteError, toWireError,
  statusFromWire, type Endpoint, type FromWorker, type FromWorkerParsed, type MethodName, type RpcEngine, type ToWorker, type WorkerEngineOptions,
} from './protocol.ts';

export interface WorkerHandle {
  endpoint: Endpoint;
  /** Calls back when the worker fails to load or throws outside the RPC. */
  onError(listener: (message: string) => void): void;
  terminate(): void;
}

export type EngineBackend = 'booting' | 'worker' | 'in-thread';

export interface WorkerEngineProxyOptions {
  /** Starts the worker; may throw (no Worker support, CSP refusal): the engine then runs in-thread. */
  spawn: () => WorkerHandle;
  dbName: string;
  transport: Transport;
  currentUserId: () => string | null;
  /** The in-thread engine, built (and its code loaded) only when the worker cannot run. */
  fallback: () => SyncEngine | Promise<SyncEngine>;
  engineOptions?: WorkerEngineOptions;
  /** Where the engine ended up (and, for a fallback, why). */
  onBackend?: (backend: Exclude<EngineBackend, 'booting'>, reason: string | null) => void;
  /** Failures the worker reports outside any call (default console.error). */
  onWorkerError?: (error: Error) => void;
}

export interface WorkerEngineProxy extends SyncEngine {
  backend(): EngineBackend;
}

interface Backend {
  call(method: MethodName, args: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

export function createWorkerEngineProxy(opts: WorkerEngineProxyOptions): WorkerEngineProxy {
  const listeners = new Set<StatusListener>();
  let status: SyncStatus = { ...INITIAL_STATUS };
  let which: EngineBackend = 'booting';
  let stopped = false;
  const reportError = opts.onWorkerError ?? ((e: Error) => { console.error(`Sync worker: ${e.message}`); });

  function setStatus(next: SyncStatus): void {
    status = next;
    for (const l of [...listeners]) l(status);
  }

  function report(e: Error): void {
    reportError(e);
    setStatus({ ...status, lastError: e.message });
  }

  async function inThread(reason: string): Promise<Backend> {
    which = 'in-thread';
    opts.onBackend?.('in-thread', reason);
    const local = await opts.fallback();
    setStatus(local.getStatus());
    const off = local.subscribe(setStatus);
    return {
      call: (method, args) => invokeEngine(local, method, args),
      async stop() {
        await local.stop();
        off();
      },
    };
  }

  const backend: Promise<Backend> = new Promise<Backend>((resolve) => {
    let handle: WorkerHandle;
    try {
      handle = opts.spawn();
    } catch (e) {
      resolve(inThread(`the sync worker could not start: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    const { endpoint } = handle;
    const post = (m: ToWorker) => endpoint.postMessage(m);
    const calls = new Map<number, { method: MethodName; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    let callSeq = 0;
    let ready = false;
    let sentUser = opts.currentUserId();
    const currentUser = () => { sentUser = opts.currentUserId(); return sentUser; };

    let abandoned = false;
    const abandon = (reason: string) => {
      // Once: a failed boot may also raise an error event; one fallback engine, not two.
      if (abandoned) return;
      abandoned = true;
      endpoint.removeEventListener('message', onMessage);
      handle.terminate();
      resolve(inThread(reason));
    };

    const relay = (m: Extract<FromWorker, { t: 'request' }>) => {
      opts.transport.request(m.req).then(
        (res) => post({ t: 'response', id: m.id, ok: true, res: { status: res.status, headers: { ...res.headers }, body: res.body } }),
        (e: unknown) => post({ t: 'response', id: m.id, ok: false, error: toWireError(e) }),
      );
    };

    const settle = (m: Extract<FromWorker, { t: 'result' }>) => {
      const c = calls.get(m.id);
      if (!c) return;
      calls.delete(m.id);
      if (!m.ok) { c.reject(new RemoteError(m.error)); return; }
      try {
        c.resolve(parseResult(c.method, m.value));
      } catch (e) {
        c.reject(e instanceof Error ? e : new Error(String(e)));
      }
    };

    function onMessage(ev: { data: unknown }): void {
      let m: FromWorkerParsed;
      try {
        m = parseMessage(fromWorkerSchema, ev.data, 'the sync worker');
      } catch (e) {
        report(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      switch (m.t) {
        case 'ready':
          ready = true;
          which = 'worker';
          opts.onBackend?.('worker', null);
          resolve(workerBackend);
          return;
        case 'failed':
          abandon(`the sync worker could not open the store: ${m.error.message}`);
          return;
        case 'status':
          setStatus(statusFromWire(m.status));
          // Who the rep is may change without a call (Settings): runs the worker starts itself need it.
          if (opts.currentUserId() !== sentUser) post({ t: 'user', user: currentUser() });
          return;
        case 'result': settle(m); return;
        case 'request': relay(m); return;
        case 'error': report(new RemoteError(m.error)); return;
      }
    }

    const workerBackend: Backend = {
      call(method, args) {
        return new Promise((res, rej) => {
          const id = ++callSeq;
          calls.set(id, { method, resolve: res, reject: rej });
          post({ t: 'call', id, method, args, user: currentUser() });
        });
      },
      async stop() {
        try {
          await workerBackend.call('stop', []);
        } finally {
          endpoint.removeEventListener('message', onMessage);
          handle.terminate();
          for (const c of calls.values()) c.reject(new Error('The sync engine was stopped.'));
          calls.clear();
        }
      },
    };

    endpoint.addEventListener('message', onMessage);
    handle.onError((message) => {
      // Before ready the worker never ran (script or import failed): run the engine here instead.
      if (!ready) abandon(`the sync worker failed to load: ${message}`);
      else report(new Error(message));
    });
    post({ t: 'init', dbName: opts.dbName, user: currentUser(), options: opts.engineOptions ?? {} });
  });

  /** Calls keep their order: each waits for the backend, then goes out in the order made. */
  function call(method: MethodName, args: unknown[]): Promise<unknown> {
    if (stopped) return Promise.reject(new Error('The sync engine was stopped.'));
    let checked: unknown[];
    try {
      // Checked here too, so a bad argument fails at the caller rather than in the worker.
      checked = parseArgs(method, args);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    // Commands call notifyLocalChange inside their Dexie transaction: promise work started there
    // would be tracked as part of it and end it early ("Transaction has already completed").
    return Dexie.ignoreTransaction(() => backend.then((b) => b.call(method, checked)));
  }

  function fire(method: MethodName, args: unknown[] = []): void {
    if (stopped) return;
    call(method, args).catch((e: unknown) => report(e instanceof Error ? e : new Error(String(e))));
  }

  /**
   * One port method per METHODS entry, made from the table: a 'fire' method posts and returns, a
   * 'call' method resolves with the worker's (checked) answer. Trailing undefined arguments are left
   * off, as a direct call would leave them.
   */
  const methods = Object.fromEntries(METHOD_NAMES.map((name) => {
    const send = (...args: unknown[]) => {
      let n = args.length;
      while (n > 0 && args[n - 1] === undefined) n--;
      const sent = args.slice(0, n);
      if (METHODS[name].mode === 'fire') { fire(name, sent); return undefined; }
      return call(name, sent);
    };
    return [name, send];
  })) as unknown as RpcEngine;

  let stopping: Promise<void> | null = null;
  return {
    ...methods,
    backend: () => which,
    stop() {
      stopped = true;
      stopping ??= backend.then((b) => b.stop());
      return stopping;
    },
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
