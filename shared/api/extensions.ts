/**
 * Reading a CRM answer's headers: one case-insensitive lookup and the one parser of
 * X-CRM-Extensions (docs/crm-contract.md "Extensions"), for the API client and the Settings view alike.
 */
import type { HttpResponse } from '../ipc/platform.ts';
import { HEADERS } from './envelope.ts';

/** A header's value whatever case the server (or the transport) spelled its name in. */
export function headerOf(res: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(res.headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/**
 * The extensions a CRM advertises, lower-cased, from a comma- or space-separated
 * X-CRM-Extensions; undefined when the answer has no such header (the plain central CRM sends none).
 */
export function advertisedExtensions(res: Pick<HttpResponse, 'headers'>): string[] | undefined {
  const value = headerOf(res, HEADERS.extensions);
  return value === undefined ? undefined : value.toLowerCase().split(/[\s,]+/).filter(Boolean);
}
