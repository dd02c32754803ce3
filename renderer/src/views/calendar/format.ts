/** Dates as the rep reads them: always in their zone (Settings), formatted with date-fns. */
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';

export function formatInZone(d: Date | number | string, zone: string, pattern: string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  return format(date, pattern, { in: tz(zone) });
}

/** YYYY-MM-DD of an instant in the zone. */
export function dayInZone(d: Date | number, zone: string): string {
  return formatInZone(d, zone, 'yyyy-MM-dd');
}
