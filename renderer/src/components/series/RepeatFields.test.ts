import { describe, expect, it } from 'vitest';
import { expandRecurrence, ValidationError } from '#shared/domain/index';
import { NO_REPEAT, repeatRule, seriesIdOf } from './RepeatFields.tsx';

const ZONE = 'Europe/Berlin';

describe('repeatRule', () => {
  it('turns the typed draft into a rule the domain expands', () => {
    const rule = repeatRule({ ...NO_REPEAT, enabled: true, frequency: 'weekly', weekdays: ['tue', 'thu'], interval: '2', count: '3' }, ZONE);
    expect(rule).toEqual({ frequency: 'weekly', interval: 2, weekdays: ['tue', 'thu'], count: 3, time_zone: ZONE });
    expect(expandRecurrence(rule, '2026-12-01T09:00:00Z')).toEqual(['2026-12-01T09:00:00Z', '2026-12-03T09:00:00Z', '2026-12-15T09:00:00Z']);
  });

  it('ends on a date when asked, and drops weekdays for other frequencies', () => {
    expect(repeatRule({ ...NO_REPEAT, frequency: 'monthly', weekdays: ['mon'], end: 'until', until: '2027-03-31' }, ZONE))
      .toEqual({ frequency: 'monthly', interval: 1, until: '2027-03-31', time_zone: ZONE });
  });

  it('passes bad input through so validation names the field', () => {
    const typo = repeatRule({ ...NO_REPEAT, frequency: 'daily', count: 'x' }, ZONE);
    expect(() => expandRecurrence(typo, '2026-12-01T09:00:00Z')).toThrow(ValidationError);
    const noEnd = repeatRule({ ...NO_REPEAT, frequency: 'daily', end: 'until', until: '' }, ZONE);
    let caught: unknown = null;
    try {
      expandRecurrence(noEnd, '2026-12-01T09:00:00Z');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors.until).toEqual(['Choose an end: either an end date or a number of times.']);
  });
});

describe('seriesIdOf', () => {
  it('reads the link, tolerating missing ones', () => {
    expect(seriesIdOf({ custom_fields: { series_id: 'S1', series_index: '2' } })).toBe('S1');
    expect(seriesIdOf({ custom_fields: {} })).toBeNull();
    expect(seriesIdOf(null)).toBeNull();
  });
});
