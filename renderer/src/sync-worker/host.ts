/**
 * The worker side of the sync RPC: opens the store, runs the engine, answers calls, sends every
 * status change, and relays the engine's HTTP requests to the UI thread (which owns the token and,
 * on the desktop, the bridge to main). Free of worker globals so tests drive it over a MessagePort.
 */
import type { HttpRequest, HttpResponse, Transport } from '#shared/ipc/platform';
import { TransportError } from '#shared/ipc/platform';
import { type FieldbookDB, createSyncEngine, newLocalId, type SyncEngine, type SyncEngineOptions } from '#shared/sync/index';
import { invokeEngine } from './invoke.ts';
import {
  parseArgs, parseMessage, RemoteError, toWireError, toWorkerSchema,
  type Endpoint, type FromWorker, type ToWorker, type WireError,
} from './protocol.ts';

export interface SyncHostOptions {
  openDb(name: string): Promise<FieldbookDB>;
  /** Default createSyncEngine; tests pass their own timers and clock through it. */
  createEngine?: (opts: SyncEngineOptions) => SyncEngine;
  /** Sees every request the engine makes (the worker counts them for diagnostics). */
  onRequest?: (req: HttpRequest) => void;
  /** Runs once the engine has stopped, before stop answers (the worker flushes held change notices). */
  onStopped?: () => void;
}

export interface SyncHost {
  /** Stops listening; requests still waiting for the UI fail. */
  dispose(): void;
}

/** Rebuild a transport failure from the UI thread as the TransportError the CRM client expects. */
function transportErrorFrom(w: WireError): Error {
  if (w.name === 'TransportError' && (w.kind === 'network' || w.kind === 'timeout')) return new TransportError(w.kind, w.message);
  return new RemoteError(w);
}

export function startSyncHost(endpoint: Endpoint, opts: SyncHostOptions): SyncHost {
  const make = opts.createEngine ?? createSyncEngine;
  const post = (m: FromWorker) => endpoint.postMessage(m);
  const waiting = new Map<number, { resolve: (r: HttpResponse) => void; reject: (e: Error) => void }>();
  let requestSeq = 0;
  let user: string | null = null;
  let engine: SyncEngine | null = null;
  let db: FieldbookDB | null = null;
  let booting = false;
  let unsubscribe: (() => void) | null = null;

  const transport: Transport = {
    request(req) {
      opts.onRequest?.(req);
      const id = ++requestSeq;
      return new Promise<HttpResponse>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        post({ t: 'request', id, req });
      });
    },
  };

  async function init(m: Extract<ToWorker, { t: 'init' }>): Promise<void> {
    if (booting || engine) throw new Error('The sync worker was started twice.');
    booting = true;
    user = m.user;
    db = await opts.openDb(m.dbName);
    // newLocalId: ULIDs from pooled crypto bytes (shared/sync/ids.ts), not 16 crypto calls per id.
    engine = make({ db, transport, currentUserId: () => user, newId: newLocalId, ...m.options });
    unsubscribe = engine.subscribe((status) => post({ t: 'status', status }));
    post({ t: 'status', status: engine.getStatus() });
    post({ t: 'ready' });
  }

  async function call(m: Extract<ToWorker, { t: 'call' }>): Promise<void> {
    try {
      user = m.user;
      if (!engine) throw new Error('The sync worker has not started yet.');
      const value = await invokeEngine(engine, m.method, parseArgs(m.method, m.args));
      if (m.method === 'stop') {
        unsubscribe?.();
        db?.close();
        opts.onStopped?.();
      }
      post({ t: 'result', id: m.id, ok: true, value });
    } catch (e) {
      post({ t: 'result', id: m.id, ok: false, error: toWireError(e) });
    }
  }

  function respond(m: Extract<ToWorker, { t: 'response' }>): void {
    const w = waiting.get(m.id);
    // An answer for a request nobody waits for any more (disposed): nothing to do.
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.res);
    else w.reject(transportErrorFrom(m.error));
  }

  function onMessage(ev: { data: unknown }): void {
    let m: ToWorker;
    try {
      m = parseMessage(toWorkerSchema, ev.data, 'the UI thread');
    } catch (e) {
      post({ t: 'error', error: toWireError(e) });
      return;
    }
    if (m.t === 'init') init(m).catch((e: unknown) => post({ t: 'failed', error: toWireError(e) }));
    else if (m.t === 'call') void call(m);
    else if (m.t === 'user') user = m.user;
    else respond(m);
  }

  endpoint.addEventListener('message', onMessage);
  return {
    dispose() {
      endpoint.removeEventListener('message', onMessage);
      for (const w of waiting.values()) w.reject(new TransportError('network', 'The sync worker was shut down.'));
      waiting.clear();
    },
  };
}
