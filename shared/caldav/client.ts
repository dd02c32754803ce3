/**
 * A small CalDAV client (RFC 4791, RFC 6578 sync-collection, RFC 6764 discovery) over a
 * transport port like the CRM's: the transport is bound to the account's server origin and adds
 * the credential itself (in the desktop app, main does, so the password never reaches here).
 *
 * Written on purpose instead of tsdav: tsdav makes its own fetch calls (cross-fetch) with the
 * credential in its hands, where this app's requests and secrets must go through main. What it
 * needs is a handful of fixed XML bodies and a strict multistatus reader (xml.ts, over saxes).
 */
import { TransportError, type HttpResponse } from '../ipc/platform.ts';
import { CALDAV, CALSERVER, child, DAV, escapeXml, hrefPath, parseXml, path, readMultistatus, textOf, type DavResponse, type XmlElement } from './xml.ts';

export type DavMethod = 'GET' | 'PUT' | 'DELETE' | 'PROPFIND' | 'REPORT' | 'MKCALENDAR';

export interface DavRequest {
  method: DavMethod;
  /** Absolute path on the account's server, e.g. /rep/calendar/ (hrefs from the server are such paths). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/**
 * The CalDAV transport: HttpRequest's shape with WebDAV's methods. Never follows redirects
 * itself (the client does, for discovery); rejects with TransportError when there is no answer.
 */
export interface DavTransport {
  request(req: DavRequest): Promise<HttpResponse>;
}

export type CalDavErrorKind = 'auth' | 'unreachable' | 'precondition' | 'not-found' | 'sync-token-invalid' | 'protocol' | 'http';

export const AUTH_REFUSED_MESSAGE = 'The calendar server refused the username or password';

export class CalDavError extends Error {
  override readonly name = 'CalDavError';
  constructor(
    readonly kind: CalDavErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface CalendarInfo {
  /** Path of the calendar collection, ending in '/'. */
  href: string;
  displayName: string | null;
  /** getctag (calendarserver.org): changes whenever anything in the calendar does. */
  ctag: string | null;
  syncToken: string | null;
  /** Component types it holds (VEVENT, VTODO…); empty when the server does not say. */
  components: string[];
}

export interface Discovery {
  principal: string;
  calendarHome: string;
  calendars: CalendarInfo[];
}

export interface SyncChanges {
  /** Token for the next call. */
  syncToken: string;
  /** Members added or changed since the token given (all members for a first sync). */
  changed: { href: string; etag: string }[];
  /** Members removed since the token given. */
  deleted: string[];
}

export interface CalendarObject {
  href: string;
  etag: string;
  data: string;
}

const XML_HEADERS = { 'Content-Type': 'application/xml; charset=utf-8' };

function header(res: HttpResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(res.headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function propfindBody(props: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV}" xmlns:cs="${CALSERVER}"><d:prop>${props}</d:prop></d:propfind>`;
}

function hrefIn(props: XmlElement | undefined, ns: string, local: string): string | undefined {
  const h = textOf(path(props, [ns, local], [DAV, 'href']));
  return h ? hrefPath(h) : undefined;
}

/** Resolves a Location header or relative href against the path it answered. */
function resolvePath(base: string, ref: string): string {
  const abs = hrefPath(ref);
  if (abs.startsWith('/')) return abs;
  return base.replace(/[^/]*$/, '') + abs;
}

/** RFC 6578 §3.2: a token the server no longer accepts is refused with the DAV:valid-sync-token precondition. */
function isSyncTokenRefusal(body: string): boolean {
  try {
    const doc = parseXml(body);
    return doc.ns === DAV && doc.local === 'error' && child(doc, DAV, 'valid-sync-token') !== undefined;
  } catch {
    return false;
  }
}

export interface CalDavClient {
  /** /.well-known/caldav (or the start path) → principal → calendar-home-set → its calendars. */
  discover(startPath?: string): Promise<Discovery>;
  listCalendars(calendarHome: string): Promise<CalendarInfo[]>;
  /** One calendar's own properties (Depth 0: getctag and sync-token, none of its members): the idle poll's one request. */
  calendarInfo(calendarHref: string): Promise<CalendarInfo>;
  /** Creates a calendar of events in the home; its path is the home plus a slug of the name. Returns the new calendar. */
  makeCalendar(calendarHome: string, displayName: string, slug?: string): Promise<CalendarInfo>;
  /** Creates (no etag: If-None-Match: *) or replaces (If-Match: etag) one event. Returns its new ETag. */
  putEvent(href: string, ics: string, etag?: string): Promise<string>;
  deleteEvent(href: string, etag: string): Promise<void>;
  /**
   * sync-collection REPORT: what changed since syncToken (null: everything, for a first sync).
   * A token the server has forgotten throws CalDavError 'sync-token-invalid': sync again from null.
   */
  syncCollection(calendarHref: string, syncToken: string | null): Promise<SyncChanges>;
  /** calendar-multiget REPORT: the bodies and ETags of these members. */
  multiget(calendarHref: string, hrefs: readonly string[]): Promise<CalendarObject[]>;
}

export function createCalDavClient(transport: DavTransport, opts: { timeoutMs?: number } = {}): CalDavClient {
  async function send(req: DavRequest, redirectsLeft = 0): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await transport.request({ timeoutMs: opts.timeoutMs, ...req });
    } catch (e) {
      if (e instanceof TransportError) {
        throw new CalDavError('unreachable', `The calendar server could not be reached (${e.kind}): ${e.message}`);
      }
      throw e;
    }
    if (res.status === 401) throw new CalDavError('auth', AUTH_REFUSED_MESSAGE, 401);
    const location = header(res, 'location');
    if (res.status >= 300 && res.status < 400 && location && redirectsLeft > 0) {
      return send({ ...req, path: resolvePath(req.path, location) }, redirectsLeft - 1);
    }
    return res;
  }

  function fail(res: HttpResponse, what: string): never {
    if (res.status === 412) throw new CalDavError('precondition', `${what}: the event changed on the calendar server (412 Precondition Failed).`, 412);
    if (res.status === 404) throw new CalDavError('not-found', `${what}: not found on the calendar server (404).`, 404);
    throw new CalDavError('http', `${what}: the calendar server answered ${res.status}.`, res.status);
  }

  function multistatus(res: HttpResponse, what: string): { responses: DavResponse[]; syncToken: string | undefined } {
    if (res.status !== 207) fail(res, what);
    try {
      return readMultistatus(res.body);
    } catch (e) {
      throw new CalDavError('protocol', `${what}: the calendar server's answer is not a readable multistatus (${e instanceof Error ? e.message : String(e)}).`, 207);
    }
  }

  async function propfind(p: string, depth: '0' | '1', props: string, what: string, redirects = 0) {
    const res = await send({ method: 'PROPFIND', path: p, headers: { ...XML_HEADERS, Depth: depth }, body: propfindBody(props) }, redirects);
    return multistatus(res, what);
  }

  function calendarOf(r: DavResponse): CalendarInfo | null {
    const types = path(r.props, [DAV, 'resourcetype']);
    if (!types?.children.some((t) => t.ns === CALDAV && t.local === 'calendar')) return null;
    const comps = path(r.props, [CALDAV, 'supported-calendar-component-set']);
    return {
      href: r.href.endsWith('/') ? r.href : `${r.href}/`,
      displayName: textOf(path(r.props, [DAV, 'displayname'])) || null,
      ctag: textOf(path(r.props, [CALSERVER, 'getctag'])) || null,
      syncToken: textOf(path(r.props, [DAV, 'sync-token'])) || null,
      components: comps ? comps.children.filter((c) => c.ns === CALDAV && c.local === 'comp').map((c) => c.attrs.name ?? '').filter((n) => n) : [],
    };
  }

  const client: CalDavClient = {
    async discover(startPath = '/.well-known/caldav') {
      let found = await propfind(startPath, '0', '<d:current-user-principal/>', 'Finding the calendar account', 5).catch(async (e: unknown) => {
        // No well-known redirect (404/405): ask the server's root instead.
        if (e instanceof CalDavError && (e.kind === 'not-found' || e.status === 405) && startPath === '/.well-known/caldav') {
          return propfind('/', '0', '<d:current-user-principal/>', 'Finding the calendar account');
        }
        throw e;
      });
      const principal = found.responses.map((r) => hrefIn(r.props, DAV, 'current-user-principal')).find((h) => h);
      if (!principal) throw new CalDavError('protocol', 'The calendar server did not name the account (no current-user-principal).');
      found = await propfind(principal, '0', '<c:calendar-home-set/>', 'Finding the calendars');
      const calendarHome = found.responses.map((r) => hrefIn(r.props, CALDAV, 'calendar-home-set')).find((h) => h);
      if (!calendarHome) throw new CalDavError('protocol', 'The calendar server did not name where the calendars are (no calendar-home-set).');
      return { principal, calendarHome, calendars: await client.listCalendars(calendarHome) };
    },

    async listCalendars(calendarHome) {
      const { responses } = await propfind(
        calendarHome,
        '1',
        '<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><c:supported-calendar-component-set/>',
        'Listing the calendars',
      );
      return responses.map(calendarOf).filter((c): c is CalendarInfo => c !== null);
    },

    async calendarInfo(calendarHref) {
      const { responses } = await propfind(calendarHref, '0', '<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/>', 'Reading the calendar');
      const info = responses.map(calendarOf).find((c) => c);
      if (!info) throw new CalDavError('not-found', 'The chosen calendar is no longer on the calendar server.', 404);
      return info;
    },

    async makeCalendar(calendarHome, displayName, slug) {
      const name = slug ?? (displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'calendar');
      const href = `${calendarHome.endsWith('/') ? calendarHome : `${calendarHome}/`}${encodeURIComponent(name)}/`;
      const body =
        `<?xml version="1.0" encoding="utf-8"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="${CALDAV}"><d:set><d:prop>` +
        `<d:displayname>${escapeXml(displayName)}</d:displayname>` +
        `<c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>` +
        `</d:prop></d:set></c:mkcalendar>`;
      const res = await send({ method: 'MKCALENDAR', path: href, headers: XML_HEADERS, body });
      if (res.status !== 201) fail(res, `Creating the calendar "${displayName}"`);
      const { responses } = await propfind(href, '0', '<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/>', 'Reading the new calendar');
      const info = responses.map(calendarOf).find((c) => c);
      if (!info) throw new CalDavError('protocol', `The calendar server did not list "${displayName}" as a calendar after creating it.`);
      return info;
    },

    async putEvent(href, ics, etag) {
      const headers: Record<string, string> = { 'Content-Type': 'text/calendar; charset=utf-8' };
      if (etag) headers['If-Match'] = etag;
      else headers['If-None-Match'] = '*';
      const res = await send({ method: 'PUT', path: href, headers, body: ics });
      if (res.status !== 201 && res.status !== 204 && res.status !== 200) fail(res, etag ? 'Updating the event' : 'Creating the event');
      const newEtag = header(res, 'etag');
      if (newEtag) return newEtag;
      // A server that does not return the ETag on PUT (allowed by RFC 4791 §5.3.4 when it changed the data): ask.
      const { responses } = await propfind(href, '0', '<d:getetag/>', 'Reading the event ETag');
      const read = textOf(path(responses[0]?.props, [DAV, 'getetag']));
      if (!read) throw new CalDavError('protocol', 'The calendar server gave no ETag for the event.');
      return read;
    },

    async deleteEvent(href, etag) {
      const res = await send({ method: 'DELETE', path: href, headers: { 'If-Match': etag } });
      if (res.status !== 204 && res.status !== 200) fail(res, 'Deleting the event');
    },

    async syncCollection(calendarHref, syncToken) {
      const body =
        `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">` +
        `<d:sync-token>${syncToken ? escapeXml(syncToken) : ''}</d:sync-token><d:sync-level>1</d:sync-level>` +
        `<d:prop><d:getetag/></d:prop></d:sync-collection>`;
      const res = await send({ method: 'REPORT', path: calendarHref, headers: { ...XML_HEADERS, Depth: '1' }, body });
      if (syncToken && (res.status === 403 || res.status === 409) && isSyncTokenRefusal(res.body)) {
        throw new CalDavError('sync-token-invalid', 'The calendar server no longer knows the last sync point; the calendar needs a full sync.', res.status);
      }
      const ms = multistatus(res, 'Reading the calendar changes');
      if (!ms.syncToken) throw new CalDavError('protocol', 'The calendar server answered sync-collection without a sync-token.');
      const changed: SyncChanges['changed'] = [];
      const deleted: string[] = [];
      for (const r of ms.responses) {
        if (r.href === calendarHref) continue;
        if (r.status === 404) {
          deleted.push(r.href);
          continue;
        }
        const etag = textOf(path(r.props, [DAV, 'getetag']));
        if (etag) changed.push({ href: r.href, etag });
      }
      // RFC 6578 §3.8: a first sync reports no removals; Radicale does list members deleted earlier, which
      // mean nothing to a client that never had them.
      return { syncToken: ms.syncToken, changed, deleted: syncToken ? deleted : [] };
    },

    async multiget(calendarHref, hrefs) {
      if (hrefs.length === 0) return [];
      const body =
        `<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="${CALDAV}">` +
        `<d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('')}</c:calendar-multiget>`;
      const res = await send({ method: 'REPORT', path: calendarHref, headers: { ...XML_HEADERS, Depth: '1' }, body });
      const { responses } = multistatus(res, 'Reading events');
      const out: CalendarObject[] = [];
      for (const r of responses) {
        const etag = textOf(path(r.props, [DAV, 'getetag']));
        const data = path(r.props, [CALDAV, 'calendar-data'])?.text;
        if (etag && data) out.push({ href: r.href, etag, data });
      }
      return out;
    },
  };
  return client;
}
