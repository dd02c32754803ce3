/**
 * The dedicated sync worker: the engine, its store connection and its bookkeeping run here, off
 * the UI thread. Dexie tells the UI's live queries about every write (its cross-context change
 * propagation), so views update as the pull lands rows.
 */
// First: it must replace BroadcastChannel before Dexie (imported below) opens its change channel.
import { changeBatcher } from './install-batching.ts';
import { mergeRanges, RangeSet } from 'dexie';
import type { HttpRequest } from '#shared/ipc/platform';
import { openDatabase } from '#shared/sync/index';
import { startSyncHost } from './host.ts';
import { toWireError, type Endpoint, type FromWorker } from './protocol.ts';

interface WorkerScope extends Endpoint {
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (ev: { error?: unknown; message?: string; preventDefault(): void }) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (ev: { reason: unknown; preventDefault(): void }) => void): void;
  /** What this worker has asked of the CRM: which context syncs is observable from outside (e2e, bench). */
  fieldbookSyncWorker?: { requests: number; recent: string[]; changeNotices: () => { sent: number; merged: number } | null };
}

const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker) => scope.postMessage(m);
const diagnostics = { requests: 0, recent: [] as string[], changeNotices: () => changeBatcher?.stats() ?? null };
scope.fieldbookSyncWorker = diagnostics;

// Failures outside any call still reach the UI (status and console), instead of vanishing here.
scope.addEventListener('error', (ev) => {
  ev.preventDefault();
  post({ t: 'error', error: toWireError(ev.error ?? new Error(ev.message ?? 'unknown error')) });
});
scope.addEventListener('unhandledrejection', (ev) => {
  ev.preventDefault();
  post({ t: 'error', error: toWireError(ev.reason) });
});

// Union of Dexie range sets, key by key, into fresh sets (Dexie's own objects are left alone).
changeBatcher?.setMerge((into, parts) => {
  const acc = into ?? {};
  for (const [key, ranges] of Object.entries(parts)) {
    const union = (acc[key] as RangeSet | undefined) ?? new RangeSet();
    mergeRanges(union, ranges as RangeSet);
    acc[key] = union;
  }
  return acc;
});

startSyncHost(scope, {
  async openDb(name) {
    const db = openDatabase(name);
    await db.open();
    return db;
  },
  onStopped: () => changeBatcher?.flush(),
  onRequest(req: HttpRequest) {
    diagnostics.requests++;
    diagnostics.recent.push(`${req.method} ${req.path}`);
    // Keep the last few hundred: enough to see what a sync did, bounded for a long session.
    if (diagnostics.recent.length > 500) diagnostics.recent.splice(0, diagnostics.recent.length - 500);
  },
});
