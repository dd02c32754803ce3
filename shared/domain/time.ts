/** Time helpers that stay pure: every "now" is passed in, never read from a clock here. */

const MINUTE_MS = 60_000;

/** ISO-8601 instant at second precision in UTC, the form the guide uses ("2025-12-20T14:00:00Z"). */
export function toIsoInstant(date: Date | number): string {
  // Via the epoch value: a TZDate (from @date-fns/tz) is a Date whose toISOString prints its own offset.
  const d = new Date(typeof date === 'number' ? date : date.getTime());
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Milliseconds since the epoch of an ISO instant; NaN if it does not parse. */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}

export function addMinutes(iso: string, minutes: number): string {
  return toIsoInstant(instantMs(iso) + minutes * MINUTE_MS);
}

/** Minutes from `from` to `to` (can be negative). */
export function minutesBetween(from: string, to: string): number {
  return (instantMs(to) - instantMs(from)) / MINUTE_MS;
}

/** The UTC calendar day (YYYY-MM-DD) an instant falls on. */
export function utcDay(iso: string): string {
  return toIsoInstant(instantMs(iso)).slice(0, 10);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (no time, no zone: it never shifts). */
export function isDateOnly(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}
