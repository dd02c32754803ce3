/**
 * FullCalendar only knows 'local' and 'UTC' without a plugin; its luxon/moment plugins would add a
 * dependency. This one lets it show the rep's chosen IANA zone using @date-fns/tz, already here.
 *
 * FullCalendar asks for an offset many times per event drawn; each lookup formats a date with
 * Intl, so offsets are remembered per minute (zones change offset on whole minutes).
 */
import { createPlugin } from '@fullcalendar/core';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';
import { TZDate, tzOffset } from '@date-fns/tz';

const MINUTE = 60_000;
/** Minutes remembered per zone before the memory starts over (a few months of half-hours). */
const MAX_REMEMBERED = 20_000;

class DateFnsNamedTimeZone extends NamedTimeZoneImpl {
  private readonly offsets = new Map<number, number>();

  /** Minutes east of UTC at an instant. */
  private offsetAt(ms: number): number {
    const minute = Math.floor(ms / MINUTE);
    let offset = this.offsets.get(minute);
    if (offset === undefined) {
      if (this.offsets.size >= MAX_REMEMBERED) this.offsets.clear();
      offset = tzOffset(this.timeZoneName, new Date(minute * MINUTE));
      this.offsets.set(minute, offset);
    }
    return offset;
  }

  /** Minutes east of UTC for a wall-clock time [y, m0, d, h, mi, s, ms] in this zone. */
  offsetForArray(a: number[]): number {
    const [y = 1970, mo = 0, d = 1, h = 0, mi = 0, s = 0, ms = 0] = a;
    const wall = Date.UTC(y, mo, d, h, mi, s, ms);
    // The offset at the instant this wall-clock time names, when it is the same on both sides.
    const guess = this.offsetAt(wall);
    if (this.offsetAt(wall - guess * MINUTE) === guess) return guess;
    // Near a change of offset (a skipped or repeated hour): as @date-fns/tz resolves it.
    return tzOffset(this.timeZoneName, new TZDate(y, mo, d, h, mi, s, ms, this.timeZoneName));
  }

  /** Wall-clock fields in this zone of an instant. */
  timestampToArray(ms: number): number[] {
    const d = new Date(ms + this.offsetAt(ms) * MINUTE);
    return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
  }
}

export const dateFnsTimeZonePlugin = createPlugin({ name: 'fieldbook-date-fns-tz', namedTimeZonedImpl: DateFnsNamedTimeZone });
