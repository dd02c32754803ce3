/**
 * A small, strict XML tree reader for WebDAV multistatus answers, over saxes (a pure-JS,
 * namespace-aware, well-formedness-checking parser: DOMParser is not available in workers or
 * Node). Elements are named by namespace URI + local name, so prefixes do not matter.
 */
import { SaxesParser } from 'saxes';

export const DAV = 'DAV:';
export const CALDAV = 'urn:ietf:params:xml:ns:caldav';
export const CALSERVER = 'http://calendarserver.org/ns/';

export interface XmlElement {
  ns: string;
  local: string;
  /** Attributes without a namespace, by local name (e.g. name of <C:comp name="VEVENT"/>). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (text and CDATA directly inside it), untrimmed. */
  text: string;
}

/** Parses a whole document; throws an Error naming the problem if it is not well-formed XML. */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const root: XmlElement = { ns: '', local: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = (): XmlElement => stack[stack.length - 1] ?? root;
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) if (!a.uri) attrs[a.local] = a.value;
    const el: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [], text: '' };
    top().children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    top().text += t;
  });
  parser.on('cdata', (t) => {
    top().text += t;
  });
  parser.write(text).close();
  const [doc] = root.children;
  if (!doc) throw new Error('The XML document has no root element.');
  return doc;
}

export function children(el: XmlElement | undefined, ns: string, local: string): XmlElement[] {
  return el ? el.children.filter((c) => c.ns === ns && c.local === local) : [];
}

export function child(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.ns === ns && c.local === local);
}

/** Follows a path of [ns, local] steps, first match at each step. */
export function path(el: XmlElement | undefined, ...steps: [string, string][]): XmlElement | undefined {
  let cur = el;
  for (const [ns, local] of steps) cur = child(cur, ns, local);
  return cur;
}

export function textOf(el: XmlElement | undefined): string | undefined {
  return el ? el.text.trim() : undefined;
}

/** Text content escaping for the request bodies we write. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One <response> of a multistatus: its href, its overall status (if any) and its 2xx props. */
export interface DavResponse {
  href: string;
  /** HTTP status code of a <status> directly in <response> (e.g. 404 for a deleted member), else null. */
  status: number | null;
  /** The <prop> of the propstat whose status is 2xx (props the server has). */
  props: XmlElement | undefined;
}

function statusCode(line: string | undefined): number | null {
  const m = line ? /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(line) : null;
  return m ? Number(m[1]) : null;
}

/** An href as a path: a full URL loses its origin; percent-escapes stay as the server wrote them. */
export function hrefPath(href: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]+(\/.*)?$/i.exec(href);
  return m ? (m[1] ?? '/') : href;
}

/** The responses and sync-token of a 207 Multi-Status body (RFC 4918 §13, RFC 6578 §6.2). */
export function readMultistatus(text: string): { responses: DavResponse[]; syncToken: string | undefined } {
  const doc = parseXml(text);
  if (doc.ns !== DAV || doc.local !== 'multistatus') throw new Error(`Expected a DAV:multistatus answer, got ${doc.local}.`);
  const responses = children(doc, DAV, 'response').map((r): DavResponse => {
    const href = textOf(child(r, DAV, 'href'));
    if (!href) throw new Error('A multistatus response has no href.');
    const ok = children(r, DAV, 'propstat').find((ps) => {
      const code = statusCode(textOf(child(ps, DAV, 'status')));
      return code !== null && code >= 200 && code < 300;
    });
    return { href: hrefPath(href), status: statusCode(textOf(child(r, DAV, 'status'))), props: child(ok, DAV, 'prop') };
  });
  return { responses, syncToken: textOf(child(doc, DAV, 'sync-token')) };
}
