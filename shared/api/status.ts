/**
 * The one reading of an HTTP status in the CRM's terms (docs/crm-contract.md "Envelopes and
 * status codes"): what kind of failure it is, whether a write may still have been applied, whether the
 * server refused it outright, and how long it asks us to wait. The client (client.ts) maps every
 * failure with it; the sync engine acts on the result and never reads raw statuses itself.
 */

export type ApiErrorKind = 'transient' | 'auth' | 'rejected' | 'not_found' | 'conflict' | 'precondition';

/**
 * The kind of failure a status means.
 * - 401 auth: the token is missing or no longer valid.
 * - 404, 410 not_found: the contract answers 404 for an unknown or soft-deleted id; 410 Gone is
 *   the same statement made for good (a server that says so for deleted records): not a refusal
 *   of this request, the record is not there.
 * - 409 conflict: the record's status does not allow the action. 412 precondition (If-Match).
 * - 408, 425, 429, 5xx transient: try again later.
 * - everything else (400, 403, 422, other 4xx) rejected: the request as sent will not be taken.
 */
export function classifyStatus(status: number): ApiErrorKind {
  if (status === 401) return 'auth';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 412) return 'precondition';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'transient';
  return 'rejected';
}

/**
 * A write answered with this status may have been applied: 500 (a server can fail after its
 * write) and the gateway errors 502/504 (the origin may have committed). 429/503/408/425 are
 * refusals before any work.
 */
export function mayHaveApplied(status: number): boolean {
  return status === 500 || status === 502 || status === 504;
}

/**
 * A 4xx answer that says the request was not applied and a resend would get the same answer
 * (rejected, not found, precondition): not a try-again-later, a sign-in or a key still in use (409).
 */
export function wasRefused(status: number | null | undefined): boolean {
  if (typeof status !== 'number' || status < 400 || status >= 500) return false;
  const kind = classifyStatus(status);
  return kind === 'rejected' || kind === 'not_found' || kind === 'precondition';
}

/**
 * Retry-After as milliseconds: either delta-seconds or an HTTP-date. An HTTP-date is measured
 * against the response's own Date header (server clock against server clock); the client clock is
 * only used when the server sent no Date.
 */
export function parseRetryAfter(value: string | undefined, serverDate: string | undefined, clientNowMs: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  const ref = serverDate !== undefined && !Number.isNaN(Date.parse(serverDate)) ? Date.parse(serverDate) : clientNowMs;
  return Math.max(0, at - ref);
}
