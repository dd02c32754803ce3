import { describe, expect, it } from 'vitest';
import { currencyForLocale, currencyOf, formatMoney } from './money.ts';
import { setDisplayLocale } from '../../lib/format.ts';

describe('currency', () => {
  it('defaults from the locale\'s region', () => {
    expect(currencyForLocale('en-US')).toBe('USD');
    expect(currencyForLocale('en-GB')).toBe('GBP');
    expect(currencyForLocale('de-DE')).toBe('EUR');
    expect(currencyForLocale('fr')).toBe('EUR');
    expect(currencyForLocale('ja-JP')).toBe('JPY');
    expect(currencyForLocale('xx-invalid-!')).toBe('USD');
  });

  it('the rep\'s choice wins over the locale', () => {
    expect(currencyOf({ currency: 'CHF' }, 'en-US')).toBe('CHF');
    expect(currencyOf({}, 'en-GB')).toBe('GBP');
  });

  it('formats cents with the currency, by the locale\'s conventions', () => {
    expect(formatMoney(123_450, 'USD', 'en-US')).toBe('$1,234.50');
    expect(formatMoney(123_450, 'EUR', 'en-US')).toBe('€1,234.50');
    expect(formatMoney(-5, 'GBP', 'en-GB')).toBe('-£0.05');
    expect(formatMoney(123_450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
  });

  it('writes amounts in the locale the rep chose for dates (Settings), by default', () => {
    try {
      setDisplayLocale('de-DE');
      expect(formatMoney(123_450, 'EUR')).toBe('1.234,50\u00a0€');
      expect(currencyOf({})).toBe('EUR');
      setDisplayLocale('en-GB');
      expect(formatMoney(123_450, 'GBP')).toBe('£1,234.50');
    } finally {
      setDisplayLocale(undefined);
    }
  });
});
