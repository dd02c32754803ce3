/** The sync status the UI shows, as a tiny observable (works in a worker: no DOM, no React). */
import type { FieldbookDB } from './db.ts';
import type { ConflictRecord, OpKind, OpState } from './types.ts';

export interface FailedOpInfo {
  op_id: string;
  lid: string;
  kind: OpKind;
  state: Extract<OpState, 'failed' | 'blocked'>;
  message: string | null;
  status: number | null;
  attempts: number;
  /** Past the attempt limit rather than refused by the server. */
  stuck: boolean;
}

export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  /** Client epoch ms of the last complete sync (only ever compared with the client clock). */
  lastSyncedAt: number | null;
  /** Ops waiting to reach the server (queued or in flight): SyncCounts.pending. */
  pending: number;
  failed: FailedOpInfo[];
  conflicts: ConflictRecord[];
  /** The server answered 401: everything is paused until the rep signs in again. */
  authRequired: boolean;
  lastError: string | null;
}

export type StatusListener = (status: SyncStatus) => void;

export interface StatusStore {
  get(): SyncStatus;
  set(patch: Partial<SyncStatus>): void;
  subscribe(listener: StatusListener): () => void;
}

export const INITIAL_STATUS: SyncStatus = {
  online: true, syncing: false, lastSyncedAt: null, pending: 0, failed: [], conflicts: [], authRequired: false, lastError: null,
};

export function createStatusStore(initial: SyncStatus = INITIAL_STATUS): StatusStore {
  let state: SyncStatus = { ...initial };
  const listeners = new Set<StatusListener>();
  return {
    get: () => state,
    set(patch) {
      const next = { ...state, ...patch };
      if (shallowSame(state, next)) return;
      state = next;
      for (const l of [...listeners]) l(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}

function shallowSame(a: SyncStatus, b: SyncStatus): boolean {
  return (Object.keys(a) as (keyof SyncStatus)[]).every((k) => a[k] === b[k]);
}

/**
 * Op states the rep decides on: refused by the CRM, or past the attempt limit. (Ops blocked behind
 * one are neither: they go, or go away, with the decision.)
 */
const NEEDS_REP: OpState = 'failed';

/**
 * Ops on their way to the CRM (queued or in flight): every op but the failed and blocked ones. Counted
 * as the table's size less those few, not over the state index's queued and inflight ranges: an IndexedDB
 * count over a range walks every entry in it, and this runs after every answer during a push, when
 * the queue holds thousands (the bench's push went from 4 to 28 s of CPU when it did).
 */
async function waitingOps(table: FieldbookDB['outbox'] | FieldbookDB['entity_outbox']): Promise<{ waiting: number; failed: number }> {
  const [all, failed, blocked] = await Promise.all([
    table.count(),
    table.where('state').equals(NEEDS_REP).count(),
    table.where('state').equals('blocked').count(),
  ]);
  return { waiting: all - failed - blocked, failed };
}

/** The counts the engine's status and the UI's status bar and Sync view show: one definition. */
export interface SyncCounts {
  /** Changes on their way to the CRM: activity and record (entity) ops queued or in flight. */
  pending: number;
  /** Activity changes the rep must decide on (the Sync view lists them): refused or past the attempt limit. */
  failed: number;
  /** Field conflicts waiting for the rep's choice. */
  conflicts: number;
}

/** Reads the counts from the store itself, so they are right offline and before any engine reports. */
export async function syncCounts(db: FieldbookDB): Promise<SyncCounts> {
  const [activityOps, entityOps, conflicts] = await Promise.all([
    waitingOps(db.outbox),
    waitingOps(db.entity_outbox),
    db.conflicts.count(),
  ]);
  return { pending: activityOps.waiting + entityOps.waiting, failed: activityOps.failed, conflicts };
}
