/**
 * The engine pieces the UI drives, as types. They come from shared/sync (commands, queries,
 * engine); this file is the one place the renderer names them.
 */
export type { Commands } from '#shared/sync/commands';
export type { Queries } from '#shared/sync/queries';
export type { SyncStatus, FailedOpInfo } from '#shared/sync/status';
export type { SyncEngine, ConflictChoice } from '#shared/sync/engine';
