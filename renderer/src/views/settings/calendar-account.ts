/**
 * Connecting a calendar account (issue #14), the steps the Settings → Calendar card takes:
 * find the account from what the rep typed (RFC 6764: the address's own path, then
 * /.well-known/caldav, then the server root), list its calendars of events, and say plainly what
 * went wrong (a refused password, a server that does not answer, an address that is no CalDAV).
 */
import { CalDavError, createCalDavClient, type CalendarInfo, type DavTransport, type Discovery } from '#shared/caldav/client';
import { DEFAULT_CALENDAR_FILTER, type CalendarDoneMode, type CalendarFilter } from '#shared/caldav/types';

export const FIELDBOOK_CALENDAR_NAME = 'Fieldbook';

export type ConnectField = 'server' | 'credentials';

export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(readonly field: ConnectField, message: string) {
    super(message);
  }
}

/**
 * Where to look for the account, in order, without repeats. In a browser (web mode) the server
 * root comes before /.well-known/caldav: a CORS preflight may not follow that path's redirect.
 */
export function discoveryPaths(serverUrl: string, browser = false): string[] {
  const own = new URL(serverUrl).pathname;
  const standard = browser ? ['/', '/.well-known/caldav'] : ['/.well-known/caldav', '/'];
  return [...new Set([own !== '/' ? own : null, ...standard].filter((p): p is string => p !== null))];
}

/** The rep's words for a failure to connect. */
export function connectError(e: unknown, serverUrl: string): ConnectError {
  const origin = (() => {
    try {
      return new URL(serverUrl).host;
    } catch {
      return serverUrl;
    }
  })();
  if (e instanceof CalDavError) {
    if (e.kind === 'auth') {
      return new ConnectError('credentials', `${origin} refused the username or password. Check both; many providers (iCloud, Google, Fastmail) need an app password made for Fieldbook, not the password you sign in with.`);
    }
    if (e.kind === 'unreachable') {
      return new ConnectError('server', `The calendar server at ${origin} could not be reached. Check the address and your connection, then try again.`);
    }
    return new ConnectError('server', `No CalDAV calendar account was found at ${serverUrl}: ${e.message}`);
  }
  return new ConnectError('server', e instanceof Error ? e.message : String(e));
}

/**
 * Tries each discovery path: a refused password stops at once (it will not get better), any other
 * failure tries the next. Throws the ConnectError for the most telling failure.
 */
export async function discoverAccount(transport: DavTransport, serverUrl: string, browser = false): Promise<Discovery> {
  const client = createCalDavClient(transport);
  let first: unknown = null;
  let telling: unknown = null;
  for (const p of discoveryPaths(serverUrl, browser)) {
    try {
      return await client.discover(p);
    } catch (e) {
      if (e instanceof CalDavError && e.kind === 'auth') throw connectError(e, serverUrl);
      first ??= e;
      // An answer that was not CalDAV says more than "could not be reached" (a CORS refusal or a redirect the browser will not follow).
      if (!telling && !(e instanceof CalDavError && e.kind === 'unreachable')) telling = e;
    }
  }
  throw connectError(telling ?? first, serverUrl);
}

/** Calendars that can hold events (a server that lists no components allows any). */
export function eventCalendars(d: Discovery): CalendarInfo[] {
  return d.calendars.filter((c) => c.components.length === 0 || c.components.includes('VEVENT'));
}

/** Creates the calendar named Fieldbook in the account's home (or returns the one already there). */
export async function createFieldbookCalendar(transport: DavTransport, d: Discovery): Promise<CalendarInfo> {
  const existing = eventCalendars(d).find((c) => c.displayName === FIELDBOOK_CALENDAR_NAME);
  if (existing) return existing;
  return createCalDavClient(transport).makeCalendar(d.calendarHome, FIELDBOOK_CALENDAR_NAME, 'fieldbook');
}

/** What the card shows as a calendar's name. */
export function calendarLabel(c: CalendarInfo): string {
  return c.displayName || decodeURIComponent(c.href.replace(/\/$/, '').split('/').pop() ?? c.href);
}

/** Which activities go to the calendar (always ones with a due time): shared/caldav's filter. */
export type CalendarFilterChoice = CalendarFilter;

export const DEFAULT_FILTER: CalendarFilterChoice = DEFAULT_CALENDAR_FILTER;

export const FILTER_CHOICES: { value: string; label: string; filter: CalendarFilterChoice }[] = [
  { value: 'mine-open', label: 'My open activities with a due time', filter: { owner: 'mine', statuses: 'open' } },
  { value: 'mine-all', label: 'All my activities with a due time (done and cancelled too)', filter: { owner: 'mine', statuses: 'all' } },
  { value: 'all-open', label: 'Every open activity on this device with a due time (the team’s too)', filter: { owner: 'all', statuses: 'open' } },
];

export function filterValue(f: CalendarFilterChoice): string {
  return FILTER_CHOICES.find((c) => c.filter.owner === f.owner && c.filter.statuses === f.statuses)?.value ?? 'mine-open';
}

export type DoneMode = CalendarDoneMode;
