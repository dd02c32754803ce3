/**
 * shared/sync's front door: the only entry for code outside shared/sync (the renderer, the sync
 * worker, electron, headless scripts and tests that use it as a client would). Everything here is
 * public; a module not listed is an implementation detail. eslint.config.js keeps renderer/ and
 * electron/ on this file (and on #shared/api/index).
 *
 * Keep it a flat list of named re-exports, grouped by job. A new module adds its own group.
 */

// The store: one Dexie database per signed-in CRM.
export { FieldbookDB, openDatabase } from './db.ts';
// The weekly review's evidence keys (filled in the background after an upgrade: FieldbookDB.backfill).
export { activitiesLinkedTo, firstOnRecordSince, type BackfillReport } from './activity-keys.ts';
export { createStore, type Store } from './store.ts';
export type {
  ConflictKind, ConflictRecord, Delivery, DirectoryEntity, EditableEntityType, EntityIdRow, EntityOp,
  LocalActivity, OpKind, OpState, OutboxOp, ReminderRow, SyncMetaRow, SyncState,
} from './types.ts';

// The engine: push, pull, status, the rep's decisions on failed ops and conflicts.
export { createSyncEngine } from './engine.ts';
export { newLocalId } from './ids.ts';
export type {
  ConflictChoice, SyncEngine, SyncEngineInternals, SyncEngineOptions, SyncEnginePort, SyncReport,
} from './engine-types.ts';
export type { Timers } from './context.ts';
export type { PullMode, PullOptions, PullReport, RefreshOutcome } from './pull.ts';
export type { PushReport } from './push.ts';
export type { BackoffOptions } from './backoff.ts';
export { INITIAL_STATUS, syncCounts, type FailedOpInfo, type StatusListener, type SyncCounts, type SyncStatus } from './status.ts';

// Commands (writes to the local store, queued for the CRM).
export {
  ActivityNotFoundError, createCommands,
  type BulkCommandInput, type BulkFailure, type BulkOutcome, type CancelOutcome, type CommandDeps, type Commands, type RecreateInput,
} from './commands.ts';
export {
  createEntityCommands, EntityNotFoundError, entityOpsOf, entityView, isLocalEntityId, LOCAL_ENTITY_PREFIX,
  type EntityCommandDeps, type EntityCommands,
} from './entity-commands.ts';
export {
  CUSTOMER_STATUSES, OPPORTUNITY_STAGES, QUALIFICATION_FLAGS,
  type CreateOpportunityInput, type UpdateCustomerInput, type UpdateOpportunityInput,
} from './entity-schemas.ts';
export {
  createSeriesCommands, SERIES_CANCEL_REASON,
  type CreatedSeries, type SeriesCommands, type SeriesDeleteResult, type SeriesDeps, type SeriesEditResult,
} from './series.ts';
// Activity plans: every step of an applied plan created in one transaction (plan-commands.ts).
export { createPlanCommands, type AppliedPlan, type PlanCommandDeps, type PlanCommands } from './plan-commands.ts';

// Queries (reads of the local store).
export {
  activitiesForEntity, activityByServerId, activityDetail, billableCompletions, calendarRange, createQueries, entitiesByRef, entityKey, getEntity,
  listActivities, overdueCount, overdueQueue, remindersDue, REVIEW_OVERDUE_SHOWN, searchActivities, searchEntities, seriesOf,
  totalActivities, trayCounts, watchStoreWrites, weeklyReviewOf, rememberedReview,
  conflictsOfActivity, directoryUsers, entityFollowingMoves, entityIssues, entityWithEdits, opsOfActivity, syncIssues,
  type EntityIssue, type EntityWithEdits, type SyncIssues,
  type ListOptions, type OverdueOptions, type Page, type PageMeta, type Paging, type Queries, type RangeOptions, type ReminderSource,
  type TrayCounts, type WithDirectory,
} from './queries.ts';

// Rows: how an activity from the CRM becomes a local row (and the keys the queries use).
export { fromLocalRow, prepTaskKey, toLocalRow, type ToLocalRowOptions } from './rows.ts';

// Undo: changes held for their undo window, taken back unsent or reversed on the CRM (undo.ts).
export {
  createUndoStack, describeOps, holdOps, inUndoWindow, pastTense, setRescheduleReason, undoOps, UNDO_WINDOW_MS,
  type Inverse, type UndoData, type UndoEntry, type UndoOutcome, type UndoReport, type UndoStack, type UndoStackOptions,
} from './undo.ts';
