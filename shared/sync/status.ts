/** The sync status the UI shows, as a tiny observable (works in a worker: no DOM, no React). */
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
  /** Ops waiting to reach the server (queued or in flight). */
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
