/**
 * How long a new activity is planned for, by type, until the rep sets it (Settings can change
 * each type's default). A call is half an hour, a demo or a visit an hour, a note a quarter.
 */
import { ACTIVITY_TYPES, type ActivityType } from '#shared/domain/index';

export type DurationDefaults = Partial<Record<ActivityType, number>>;

export const DEFAULT_DURATION_BY_TYPE: Record<ActivityType, number> = {
  call: 30, email: 15, meeting: 60, task: 30, note: 15, demo: 60, presentation: 60, proposal: 30, follow_up: 30,
  quote: 30, contract: 30, appointment: 60, visit: 60, webinar: 60, training: 120, support: 30, escalation: 30,
  research: 60, other: 30,
};

/** The planned duration a new activity of `type` starts with (the rep's own default first). */
export function durationFor(type: string, own: DurationDefaults | undefined): number {
  const known = (ACTIVITY_TYPES as readonly string[]).includes(type) ? (type as ActivityType) : 'other';
  return own?.[known] ?? DEFAULT_DURATION_BY_TYPE[known];
}
