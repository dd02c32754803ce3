/**
 * shared/caldav's front door (issue #14): the CalDAV client, the calendar sync engine and what the
 * app shows of it. Code outside shared/caldav imports from here.
 */

// The client (discovery, calendars, events) over the DAV transport port.
export {
  AUTH_REFUSED_MESSAGE, CalDavError, createCalDavClient,
  type CalDavClient, type CalDavErrorKind, type CalendarInfo, type CalendarObject, type DavMethod, type DavRequest, type DavTransport, type Discovery, type SyncChanges,
} from './client.ts';

// The store's shapes, the account and the engine's interface.
export {
  ACCOUNT_META_KEY, DEFAULT_CALENDAR_FILTER, INITIAL_CALENDAR_STATE, SERIES_KEY_PREFIX, STATE_META_KEY, seriesIdOfKey, seriesKey,
  type CalendarAccount, type CalendarBusyRow, type CalendarDoneMode, type CalendarFilter, type CalendarKey, type CalendarLink, type CalendarLinkIssue,
  type CalendarOp, type CalendarOpKind, type CalendarSync, type CalendarSyncReport, type CalendarSyncState, type CalendarSyncStatus,
} from './types.ts';
export { belongsInCalendar, readCalendarAccount, readCalendarState, writeCalendarAccount } from './settings.ts';

// The engine: plan, push (outbox), pull.
export { createCalendarSync, type CalendarSyncOptions } from './engine.ts';
export { contentHash, DEFAULT_EVENT_MINUTES, hrefFor, type SeriesSource } from './outbound.ts';
export { calendarOutboxCounts } from './outbox.ts';
// A recurring series as one event (RRULE, EXDATE, overrides), both ways.
export { applySeriesFromCalendar, createSeriesSource, seriesChangesFromCalendar, type SeriesInboundReport, type SeriesSourceOptions } from './series-source.ts';

// Calendar → Fieldbook: moves become the normal commands, deletes wait for the rep, other events are busy time.
export { applyRemoteChanges, type InboundContext, type InboundReport } from './inbound.ts';
export { calendarIssues, cancelDeletedInCalendar, putBackInCalendar, type CalendarIssue } from './issues.ts';
export { busyBlocks } from './busy.ts';
export { busyIntervals, fieldbookLid, parseCalendarObject, CalendarParseError, type ParsedEvent } from './parse.ts';
