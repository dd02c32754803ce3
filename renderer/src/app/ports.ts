/**
 * The engine pieces the UI drives, as types. They come from shared/sync (commands, queries,
 * engine); this file is the one place the renderer names them.
 */
export type { Commands, Queries, SyncStatus, FailedOpInfo, ConflictChoice, SyncReport } from '#shared/sync/index';
/**
 * What the UI calls on the engine, wherever it runs (in this thread or in the sync worker): the
 * engine's own port type (shared/sync/engine-types.ts), without its CRM client.
 */
export type { SyncEnginePort as SyncEngine } from '#shared/sync/index';
