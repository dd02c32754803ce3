/**
 * The engine pieces the UI drives, as types. They come from shared/sync (commands, queries,
 * engine); this file is the one place the renderer names them.
 */
import type {
  CancelActivityInput, CompleteActivityInput, CreateActivityInput, RescheduleActivityInput, UpdateActivityInput, UserRef,
} from '#shared/domain/index';

export interface Commands {
  create(input: CreateActivityInput): Promise<string>;
  update(lid: string, patch: UpdateActivityInput): Promise<void>;
  complete(lid: string, input: CompleteActivityInput): Promise<void>;
  cancel(lid: string, input: CancelActivityInput): Promise<unknown>;
  reschedule(lid: string, input: RescheduleActivityInput): Promise<void>;
  remove(lid: string): Promise<void>;
}

export type Queries = Record<string, unknown>;

export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  pending: number;
  failed: number;
  conflicts: number;
  lastSyncedAt: number | null;
  lastError: string | null;
  /** 401 from the CRM: sync paused until the rep signs in again. */
  needsSignIn: boolean;
}

export interface SyncEngine {
  start(): void;
  stop(): void;
  getStatus(): SyncStatus;
  subscribe(listener: (s: SyncStatus) => void): () => void;
  syncNow(): Promise<void>;
  retryOp(opId: string, payload?: Record<string, unknown>): Promise<void>;
  discardOp(opId: string): Promise<void>;
  resolveConflict(id: string, choice: 'mine' | 'theirs'): Promise<void>;
  pullDirectory(): Promise<void>;
  whoAmI(): Promise<UserRef | null>;
}
