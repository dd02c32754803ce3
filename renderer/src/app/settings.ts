/** The rep's preferences. Reminder leads, hours, locale and currency live in Dexie (sync_meta); the theme in localStorage. */
import type { ActivityType, ReminderLeads } from '#shared/domain/index';

export type Theme = 'light' | 'dark' | 'system';

export interface HoursRange {
  /** HH:mm, in the rep's zone. */
  start: string;
  end: string;
}

export interface Settings {
  reminderLeads: ReminderLeads;
  /** Planned minutes a new activity starts with, by type, where the rep changed the default. */
  durations: Partial<Record<ActivityType, number>>;
  workingHours: HoursRange;
  /** No reminders pop up inside these hours; null = none. */
  quietHours: HoursRange | null;
  /** IANA zone dates are shown in; defaults to the system zone. */
  timeZone: string;
  theme: Theme;
  /** BCP 47 locale dates, times and amounts are written in (lib/format.ts); unset: the system's. */
  locale?: string;
  /** ISO 4217 code amounts are shown in (Billable); unset: from the locale (views/billable/money.ts). */
  currency?: string;
  /** Hourly rate Billable applies to completed billable activities that have none; unset: none. */
  billableDefaultRate?: number | null;
}

export const SETTINGS_KEY = 'ui.settings';
export const THEME_KEY = 'fieldbook.theme';

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function defaultSettings(): Settings {
  return {
    reminderLeads: {},
    durations: {},
    workingHours: { start: '08:00', end: '18:00' },
    quietHours: null,
    timeZone: systemTimeZone(),
    theme: readTheme(),
  };
}

export function readTheme(): Theme {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' || t === 'system' ? t : 'system';
  } catch {
    return 'system';
  }
}

export function writeTheme(theme: Theme): void {
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private mode without storage: the theme just won't survive a reload.
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export function isHhMm(v: string): boolean {
  return HHMM.test(v);
}
