/**
 * Dates as the rep sees them, written one way everywhere: instants in the rep's zone and locale
 * (Intl.DateTimeFormat, a few named styles), date-only values (follow_up_date) as plain calendar
 * dates that never shift with the zone. date-fns stays for machine values (input values, day keys).
 */
import { format, formatDistanceStrict } from 'date-fns';
import { TZDate, tz } from '@date-fns/tz';
import { isDateOnly, toIsoInstant } from '#shared/domain/index';

/**
 * The rep's locale for every date, time and amount on screen (Settings; unset: the system's).
 * AppProvider sets it before the views render; FullCalendar and the money formatter read it too.
 */
export const OFFERED_LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL'] as const;

export function systemLocale(): string {
  const nav = typeof navigator !== 'undefined' ? navigator.language : '';
  return supported(nav) ? nav : new Intl.DateTimeFormat().resolvedOptions().locale;
}

function supported(locale: string | undefined): locale is string {
  if (!locale) return false;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}

let current = systemLocale();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Use this locale from now on (undefined or one Intl does not know: the system's). */
export function setDisplayLocale(locale: string | undefined): string {
  const next = supported(locale) ? locale : systemLocale();
  if (next !== current) {
    current = next;
    formatters.clear();
  }
  return current;
}

export function displayLocale(): string {
  return current;
}

/** Whether the locale writes times on a 24-hour clock ("14:05") rather than 12 ("2:05 PM"). */
export function uses24h(locale: string = current): boolean {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h23' || cycle === 'h24';
}

/**
 * The ways a date is written, and only these: each is Intl's rendering of the fields in the
 * rep's locale (en-GB "Thu 3 Dec 2026, 14:05", en-US "Thu, Dec 3, 2026, 2:05 PM", de-DE
 * "Do., 3. Dez. 2026, 14:05").
 */
export type DateStyle = 'dateTime' | 'date' | 'dayTime' | 'day' | 'dayMonth' | 'shortDate' | 'shortDateTime' | 'longDayTime' | 'time';

const DAY = { weekday: 'short', day: 'numeric', month: 'short' } as const;
const STYLE_FIELDS: Record<DateStyle, Intl.DateTimeFormatOptions & { time?: true }> = {
  dateTime: { ...DAY, year: 'numeric', time: true },
  date: { ...DAY, year: 'numeric' },
  dayTime: { ...DAY, time: true },
  day: DAY,
  dayMonth: { day: 'numeric', month: 'short' },
  shortDate: { day: 'numeric', month: 'short', year: 'numeric' },
  shortDateTime: { day: 'numeric', month: 'short', year: 'numeric', time: true },
  longDayTime: { weekday: 'long', day: 'numeric', month: 'long', time: true },
  time: { time: true },
};

/** Intl options of a style (the clock as the locale keeps it: "09:05" or "9:05 AM"). */
export function styleOptions(style: DateStyle, locale: string = current): Intl.DateTimeFormatOptions {
  const { time, ...fields } = STYLE_FIELDS[style];
  return time ? { ...fields, hour: uses24h(locale) ? '2-digit' : 'numeric', minute: '2-digit' } : fields;
}

function formatter(zone: string, style: DateStyle): Intl.DateTimeFormat {
  const key = `${zone}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(current, { ...styleOptions(style), timeZone: zone });
    formatters.set(key, f);
  }
  return f;
}

/** An instant (Date, ms or ISO string) in the rep's zone and locale. */
export function formatWhen(d: Date | number | string, zone: string, style: DateStyle = 'dateTime'): string {
  const ms = typeof d === 'string' ? Date.parse(d) : typeof d === 'number' ? d : d.getTime();
  if (Number.isNaN(ms)) return String(d);
  return formatter(zone, style).format(ms);
}

/** An ISO instant as the rep reads it ("—" when there is none). */
export function formatInstant(iso: string | null | undefined, zone: string, style: DateStyle = 'dateTime'): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return formatWhen(ms, zone, style);
}

/** 2025-12-23 → "Tue 23 Dec 2025" (en-GB), computed on the calendar date itself (no zone involved). */
export function formatDateOnly(value: string | null | undefined, style: DateStyle = 'date'): string {
  if (!value) return '—';
  if (!isDateOnly(value)) return value;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return formatWhen(Date.UTC(y, m - 1, d, 12), 'UTC', style);
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

/** A machine pattern (date-fns: "yyyy-MM-dd", "i") of an instant in the zone; for what people read, formatWhen. */
export function formatInZone(d: Date | number | string, zone: string, pattern: string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  return format(date, pattern, { in: tz(zone) });
}

/** YYYY-MM-DD of an instant in the zone. */
export function dayInZone(d: Date | number, zone: string): string {
  return formatInZone(d, zone, 'yyyy-MM-dd');
}
