/**
 * The engine pieces the UI drives, as types. They come from shared/sync (commands, queries,
 * engine); this file is the one place the renderer names them.
 */
import type { SyncEngine as CoreSyncEngine } from '#shared/sync/index';

export type { Commands, Queries, SyncStatus, FailedOpInfo, ConflictChoice, SyncReport } from '#shared/sync/index';
/**
 * What the UI calls on the engine, wherever it runs (in this thread or in the sync worker). The
 * engine's CRM client is not part of it: it lives beside the engine, in the worker.
 */
export type SyncEngine = Omit<CoreSyncEngine, 'client'>;
