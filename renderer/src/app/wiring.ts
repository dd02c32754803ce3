/** Builds the engine pieces from shared/sync for this renderer. */
import type { Platform } from '#shared/ipc/platform';
import type { FieldbookDB } from '#shared/sync/db';
import type { Commands, Queries, SyncEngine } from './ports.ts';

export interface WiringContext {
  /** The rep's user id, for assigned_user_id defaults. */
  currentUserId: () => string | null;
}

const notReady = () => Promise.reject(new Error('The activity engine is not wired yet.'));

export function makeCommands(_db: FieldbookDB, _ctx: WiringContext): Commands {
  return { create: notReady, update: notReady, complete: notReady, cancel: notReady, reschedule: notReady, remove: notReady };
}

export function makeQueries(_db: FieldbookDB): Queries {
  return {};
}

export function makeEngine(_db: FieldbookDB, _platform: Platform): SyncEngine | null {
  return null;
}
