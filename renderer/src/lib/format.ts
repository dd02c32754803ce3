/**
 * Dates as the rep sees them: instants in the rep's zone (date-fns + @date-fns/tz), date-only
 * values (follow_up_date) as plain calendar dates that never shift with the zone.
 */
import { format, formatDistanceStrict } from 'date-fns';
import { TZDate, tz } from '@date-fns/tz';
import { isDateOnly, toIsoInstant } from '#shared/domain/index';

export function formatInstant(iso: string | null | undefined, zone: string, pattern = 'EEE d MMM yyyy, HH:mm'): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return format(ms, pattern, { in: tz(zone) });
}

/** 2025-12-23 → "Tue 23 Dec 2025", computed on the calendar date itself (no zone involved). */
export function formatDateOnly(value: string | null | undefined, pattern = 'EEE d MMM yyyy'): string {
  if (!value) return '—';
  if (!isDateOnly(value)) return value;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return format(new TZDate(y, m - 1, d, 'UTC'), pattern, { in: tz('UTC') });
}

/** An instant as the value of <input type="datetime-local"> in the rep's zone. */
export function toLocalInput(iso: string | null | undefined, zone: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : format(ms, "yyyy-MM-dd'T'HH:mm", { in: tz(zone) });
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The value of <input type="datetime-local">, read in the rep's zone, as an ISO instant (null if empty/invalid). */
export function fromLocalInput(value: string, zone: string): string | null {
  const m = LOCAL_INPUT.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  return toIsoInstant(new TZDate(y, mo - 1, d, h, mi, s, zone).getTime());
}

/** "in 2 hours" / "3 days ago". */
export function relative(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return formatDistanceStrict(ms, nowMs, { addSuffix: true });
}

/** Minutes as "1 h 30 min". */
export function formatMinutes(min: number | null | undefined): string {
  if (min === null || min === undefined) return '—';
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h && m) return `${h} h ${m} min`;
  return h ? `${h} h` : `${m} min`;
}

/** A lead time in minutes as words ("1 day", "15 min"). */
export function formatLead(min: number | null): string {
  if (min === null) return 'No reminder';
  if (min % 1440 === 0) return `${min / 1440} day${min === 1440 ? '' : 's'} before`;
  if (min % 60 === 0) return `${min / 60} h before`;
  return `${min} min before`;
}

export function formatInZone(d: Date | number | string, zone: string, pattern: string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  return format(date, pattern, { in: tz(zone) });
}

/** YYYY-MM-DD of an instant in the zone. */
export function dayInZone(d: Date | number, zone: string): string {
  return formatInZone(d, zone, 'yyyy-MM-dd');
}
