/** Builds the engine pieces from shared/sync for this renderer. */
import type { ReminderLeads, UserRef } from '#shared/domain/index';
import type { Platform } from '#shared/ipc/platform';
import { createCommands } from '#shared/sync/commands';
import type { FieldbookDB } from '#shared/sync/db';
import { createQueries } from '#shared/sync/queries';
import { createSyncEngine } from '#shared/sync/engine';
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

export function makeCommands(db: FieldbookDB, ctx: WiringContext): Commands {
  return createCommands(db, {
    currentUser: () => ctx.currentUser() ?? UNKNOWN_USER,
    reminderDefaults: ctx.reminderDefaults,
    onChange: ctx.onChange,
  });
}

export function makeQueries(db: FieldbookDB): Queries {
  return createQueries(db);
}

export function makeEngine(db: FieldbookDB, platform: Platform, currentUserId: () => string | null): SyncEngine {
  return createSyncEngine({ db, transport: platform.transport, currentUserId });
}
