/**
 * FullCalendar only knows 'local' and 'UTC' without a plugin; its luxon/moment plugins would add a
 * dependency. This one lets it show the rep's chosen IANA zone using @date-fns/tz, already here.
 */
import { createPlugin } from '@fullcalendar/core';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';
import { TZDate, tzOffset } from '@date-fns/tz';

class DateFnsNamedTimeZone extends NamedTimeZoneImpl {
  /** Minutes east of UTC for a wall-clock time [y, m0, d, h, mi, s, ms] in this zone. */
  offsetForArray(a: number[]): number {
    const [y = 1970, mo = 0, d = 1, h = 0, mi = 0, s = 0, ms = 0] = a;
    const local = new TZDate(y, mo, d, h, mi, s, ms, this.timeZoneName);
    return tzOffset(this.timeZoneName, local);
  }

  /** Wall-clock fields in this zone of an instant. */
  timestampToArray(ms: number): number[] {
    const d = new TZDate(ms, this.timeZoneName);
    return [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  }
}

export const dateFnsTimeZonePlugin = createPlugin({ name: 'fieldbook-date-fns-tz', namedTimeZonedImpl: DateFnsNamedTimeZone });
