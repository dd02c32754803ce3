import { describe, expect, it } from 'vitest';
import { CALDAV, DAV, hrefPath, parseXml, path, readMultistatus, textOf } from './xml.ts';

describe('multistatus reader', () => {
  it('names elements by namespace, whatever the prefix, and reads the 2xx propstat only', () => {
    const body = `<?xml version="1.0"?>
      <x:multistatus xmlns:x="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">
        <x:response>
          <x:href>https://dav.example.com/u/cal/a%20b.ics</x:href>
          <x:propstat><x:prop><x:getetag>"e1"</x:getetag><cal:calendar-data><![CDATA[BEGIN:VCALENDAR
END:VCALENDAR]]></cal:calendar-data></x:prop><x:status>HTTP/1.1 200 OK</x:status></x:propstat>
          <x:propstat><x:prop><x:displayname/></x:prop><x:status>HTTP/1.1 404 Not Found</x:status></x:propstat>
        </x:response>
        <x:response><x:href>/u/cal/gone.ics</x:href><x:status>HTTP/1.1 404 Not Found</x:status></x:response>
        <x:sync-token>http://radicale.org/ns/sync/abc</x:sync-token>
      </x:multistatus>`;
    const { responses, syncToken } = readMultistatus(body);
    expect(syncToken).toBe('http://radicale.org/ns/sync/abc');
    expect(responses.map((r) => [r.href, r.status])).toEqual([['/u/cal/a%20b.ics', null], ['/u/cal/gone.ics', 404]]);
    expect(textOf(path(responses[0]?.props, [DAV, 'getetag']))).toBe('"e1"');
    expect(path(responses[0]?.props, [CALDAV, 'calendar-data'])?.text).toBe('BEGIN:VCALENDAR\nEND:VCALENDAR');
    expect(path(responses[0]?.props, [DAV, 'displayname'])).toBeUndefined();
    expect(responses[1]?.props).toBeUndefined();
  });

  it('decodes entities and keeps attributes', () => {
    const el = parseXml('<c:comp xmlns:c="urn:ietf:params:xml:ns:caldav" name="VEVENT">Tom &amp; Jerry &lt;3</c:comp>');
    expect(el).toMatchObject({ ns: CALDAV, local: 'comp', attrs: { name: 'VEVENT' }, text: 'Tom & Jerry <3' });
  });

  it('is strict: malformed XML, an unbound prefix or a non-multistatus root are errors', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<d:multistatus></d:multistatus>')).toThrow();
    expect(() => readMultistatus('<error xmlns="DAV:"/>')).toThrow(/multistatus/);
    expect(() => readMultistatus('<multistatus xmlns="DAV:"><response/></multistatus>')).toThrow(/href/);
  });

  it('hrefs: a full URL becomes its path, a path stays', () => {
    expect(hrefPath('http://127.0.0.1:5232/rep/')).toBe('/rep/');
    expect(hrefPath('https://h.example')).toBe('/');
    expect(hrefPath('/rep/x.ics')).toBe('/rep/x.ics');
  });
});
