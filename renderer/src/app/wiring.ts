/** Builds the engine pieces from shared/sync for this renderer. */
import type { ReminderLeads, UserRef } from '#shared/domain/index';
import type { Platform } from '#shared/ipc/platform';
import { createCommands, type FieldbookDB, createQueries } from '#shared/sync/index';
import { createWorkerEngineProxy, type WorkerHandle } from '../sync-worker/proxy.ts';
import { installUndo, recordCommitted, undoWindowMs } from '../data/undo.ts';
import type { Commands, Queries, SyncEngine } from './ports.ts';

export interface WiringContext {
  /** The rep (default assignee, created_by). */
  currentUser: () => UserRef | null;
  reminderDefaults: () => ReminderLeads;
  /** Every committed local change (the engine schedules a push). */
  onChange: () => void;
}

/** Who created a change before the rep is known (only until who-am-I answers). */
const UNKNOWN_USER: UserRef = { id: 'me', name: 'Me' };

/**
 * The UI's commands: every change is held for its undo window and recorded for Undo
 * (data/undo.ts); the undo of a change already sent goes through commands without a window.
 */
export function makeCommands(db: FieldbookDB, ctx: WiringContext): Commands {
  const deps = {
    currentUser: () => ctx.currentUser() ?? UNKNOWN_USER,
    reminderDefaults: ctx.reminderDefaults,
    onChange: ctx.onChange,
  };
  installUndo(db, createCommands(db, deps));
  const windowMs = undoWindowMs();
  return createCommands(db, { ...deps, undoWindowMs: () => windowMs, onCommitted: recordCommitted });
}

export function makeQueries(db: FieldbookDB): Queries {
  return createQueries(db);
}

/**
 * Where the engine runs: a dedicated worker unless the page asks otherwise (?syncWorker=off, for
 * comparison and as an escape hatch) or the runtime has no module workers.
 */
export function wantsSyncWorker(search = globalThis.location?.search ?? ''): boolean {
  if (typeof Worker === 'undefined') return false;
  return !['off', '0', 'false'].includes(new URLSearchParams(search).get('syncWorker') ?? '');
}

function spawnSyncWorker(): WorkerHandle {
  const worker = new Worker(new URL('../sync-worker/worker.ts', import.meta.url), { type: 'module', name: 'fieldbook-sync' });
  return {
    endpoint: worker,
    onError(listener) {
      worker.addEventListener('error', (ev) => {
        ev.preventDefault();
        listener(ev.message || 'the worker script did not load');
      });
      worker.addEventListener('messageerror', () => listener('a message from the worker could not be read'));
    },
    terminate: () => worker.terminate(),
  };
}

/** Shown on <html data-sync-engine> so tests and support can tell where sync runs. */
function markBackend(backend: 'worker' | 'in-thread', reason: string | null): void {
  document.documentElement.dataset.syncEngine = backend;
  if (reason) console.warn(`Sync runs on the UI thread: ${reason}`);
}

/** Asked for ?syncWorker=off: the proxy runs the in-thread engine at once. */
class WorkerOff extends Error {}

export function makeEngine(db: FieldbookDB, platform: Platform, currentUserId: () => string | null, useWorker = wantsSyncWorker()): SyncEngine {
  // Its own chunk, loaded only when needed (in-thread-engine.ts): calls made meanwhile wait in the proxy.
  const inThread = () => import('./in-thread-engine.ts')
    .then(({ createSyncEngine }) => createSyncEngine({ db, transport: platform.transport, currentUserId }));
  return createWorkerEngineProxy({
    spawn: useWorker ? spawnSyncWorker : () => { throw new WorkerOff('?syncWorker=off'); },
    dbName: db.name,
    transport: platform.transport,
    currentUserId,
    fallback: inThread,
    onBackend: useWorker ? markBackend : (backend) => markBackend(backend, null),
  });
}
