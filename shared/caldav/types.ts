/**
 * The calendar sync's stored shapes and its public interface (issue #14). The store's tables
 * (schema v10, shared/sync/db.ts):
 *
 * - calendar_outbox: what is waiting to reach the calendar, one op per change, delivered by the
 *   same rules as the CRM's outbox (shared/sync/delivery.ts: retry, backoff, a poison op blocks
 *   only its own key).
 * - calendar_links: which calendar resource holds which activity (or series), with the ETag and
 *   the hash of what was last written or accepted, so unchanged events are never re-uploaded and
 *   a concurrent change is detected (If-Match), not overwritten.
 * - calendar_busy: the account's other events (personal appointments), as busy time.
 *
 * The account (sync_meta `caldav.account`, never the password) and the run state (sync_meta
 * `caldav.state`) live in sync_meta.
 */
import type { Delivery } from '../sync/types.ts';

/** A calendar key: an activity's lid, or `series:<series_id>` for a recurring series' one event. */
export type CalendarKey = string;

export const SERIES_KEY_PREFIX = 'series:';

export function seriesKey(seriesId: string): CalendarKey {
  return `${SERIES_KEY_PREFIX}${seriesId}`;
}

/** The series id of a series key, or null for an activity's key. */
export function seriesIdOfKey(key: CalendarKey): string | null {
  return key.startsWith(SERIES_KEY_PREFIX) ? key.slice(SERIES_KEY_PREFIX.length) : null;
}

export type CalendarOpKind = 'put' | 'delete';

/** One queued change for the calendar (calendar_outbox). The content is built when it is sent, from the store as it is then. */
export interface CalendarOp extends Delivery {
  /** Auto-increment: order of intents. */
  seq?: number;
  op_id: string;
  key: CalendarKey;
  kind: CalendarOpKind;
  created_at: number;
}

/**
 * Set on a link by the inbound side; the planner leaves such a key alone until it is cleared.
 * 'deleted-in-calendar': the event was deleted there, waiting for the rep (cancel / put it back).
 */
export type CalendarLinkIssue = 'deleted-in-calendar';

/** Which calendar resource holds a key, and what it holds (calendar_links). */
export interface CalendarLink {
  key: CalendarKey;
  /** The resource's path on the server (unique). */
  href: string;
  uid: string;
  /** The ETag of the last content written or accepted; null while not known (a PUT answered without one). */
  etag: string | null;
  /** Hash of the last iCalendar content written or accepted (contentHash in outbound.ts). */
  hash: string;
  /** Start and end (epoch ms) as last written or accepted: a remote move is measured against these. */
  start_ms?: number;
  end_ms?: number;
  /** Set by the inbound side: the event was deleted in the calendar and waits for the rep's decision. */
  issue?: CalendarLinkIssue;
}

/** One of the account's other events, shown as busy time (calendar_busy). */
export interface CalendarBusyRow {
  href: string;
  etag: string;
  start_ms: number;
  end_ms: number;
}

/** Which activities go to the calendar (always only those with a due time). */
export interface CalendarFilter {
  /** 'mine': assigned to the signed-in rep; 'all': every activity on this device. */
  owner: 'mine' | 'all';
  /** 'open': open ones only; 'all': done and cancelled too (then shown per doneMode). */
  statuses: 'open' | 'all';
}

export const DEFAULT_CALENDAR_FILTER: CalendarFilter = { owner: 'mine', statuses: 'open' };

/** What a completed or cancelled activity becomes in the calendar: kept (as done / cancelled) or removed. */
export type CalendarDoneMode = 'keep' | 'remove';

export const ACCOUNT_META_KEY = 'caldav.account';
export const STATE_META_KEY = 'caldav.state';

/** The connected account (sync_meta `caldav.account`). Never the password: main keeps that. */
export interface CalendarAccount {
  serverUrl: string;
  username: string;
  /** The chosen calendar collection's path, ending in '/'. */
  calendarHref: string;
  calendarName?: string;
  filter: CalendarFilter;
  doneMode: CalendarDoneMode;
}

/** The run state (sync_meta `caldav.state`). */
export interface CalendarSyncState {
  ctag: string | null;
  syncToken: string | null;
  lastSyncedAt: number | null;
  lastError: string | null;
}

export const INITIAL_CALENDAR_STATE: CalendarSyncState = { ctag: null, syncToken: null, lastSyncedAt: null, lastError: null };

/** What the UI shows of the calendar sync. */
export interface CalendarSyncStatus {
  syncing: boolean;
  lastSyncedAt: number | null;
  /** The last run's problem in plain words (a refused password says so), null after a good run. */
  lastError: string | null;
  /** Calendar ops waiting (queued, inflight or backing off). */
  pending: number;
  /** Ops that failed for good or wait for the rep. */
  failed: number;
}

/** What one run did. */
export interface CalendarSyncReport {
  /** Ops queued by the planner this run. */
  planned: number;
  /** PUTs and DELETEs that succeeded. */
  put: number;
  deleted: number;
  /** 412s: changed in the calendar too, handed to the inbound side. */
  conflicts: number;
  /** Ops failed for good this run. */
  failed: number;
  /** Remote members read (changed) and removed. */
  pulled: number;
  removed: number;
  /** HTTP requests made. */
  requests: number;
  /** The run's error (in plain words), if it stopped on one. */
  error: string | null;
}

export interface CalendarSync {
  /** One run: plan, push, pull. Runs asked for meanwhile share the next run. Never rejects: the report says what went wrong. */
  sync(): Promise<CalendarSyncReport>;
  /** A local change was made: a run soon. */
  notifyLocalChange(): void;
  getStatus(): CalendarSyncStatus;
  subscribe(fn: (status: CalendarSyncStatus) => void): () => void;
  /** Stops timers and waits for a run in progress. */
  stop(): Promise<void>;
}

