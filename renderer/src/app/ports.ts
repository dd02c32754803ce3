/**
 * The engine pieces the UI drives, as types. They come from shared/sync (commands, queries,
 * engine); this file is the one place the renderer names them.
 */
import type { UserRef } from '#shared/domain/index';
import type { SyncStatus } from '#shared/sync/status';

export type { Commands } from '#shared/sync/commands';
export type { Queries } from '#shared/sync/queries';
export type { SyncStatus, FailedOpInfo } from '#shared/sync/status';

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
  /** A local change was committed: push soon. */
  kick?(): void;
}
