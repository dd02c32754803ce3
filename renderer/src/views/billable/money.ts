/** Amounts in the rep's currency (a Settings choice; by default the one of their locale's region). */
import { displayLocale } from '../../lib/format.ts';

/** The currencies offered in Settings (the rep's own is added when it is not among them). */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'JPY', 'CNY', 'INR', 'BRL', 'MXN', 'ZAR', 'SGD', 'HKD'] as const;

const EURO_REGIONS = new Set([
  'AT', 'BE', 'HR', 'CY', 'EE', 'FI', 'FR', 'DE', 'GR', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PT', 'SK', 'SI', 'ES',
  'AD', 'MC', 'SM', 'VA', 'ME', 'XK',
]);

const REGION_CURRENCY: Record<string, string> = {
  US: 'USD', GB: 'GBP', CA: 'CAD', AU: 'AUD', NZ: 'NZD', CH: 'CHF', LI: 'CHF', SE: 'SEK', NO: 'NOK', DK: 'DKK', PL: 'PLN',
  CZ: 'CZK', JP: 'JPY', CN: 'CNY', IN: 'INR', BR: 'BRL', MX: 'MXN', ZA: 'ZAR', SG: 'SGD', HK: 'HKD', IE: 'EUR',
};

/** The currency of a locale's region ("en-GB" → GBP, "de" → EUR via its likely region); USD when unknown. */
export function currencyForLocale(locale: string): string {
  let region: string | undefined;
  try {
    region = new Intl.Locale(locale).maximize().region;
  } catch {
    region = undefined;
  }
  if (!region) return 'USD';
  if (EURO_REGIONS.has(region)) return 'EUR';
  return REGION_CURRENCY[region] ?? 'USD';
}

/** The rep's locale (Settings, else the system's): amounts are written as their dates are. */
export function defaultLocale(): string {
  return displayLocale();
}

/** The rep's chosen currency, else their locale's. */
export function currencyOf(settings: { currency?: string | undefined }, locale: string = defaultLocale()): string {
  return settings.currency ?? currencyForLocale(locale);
}

/** Whole cents as money in `currency` ("$1,234.50", "€1,234.50" by the locale's conventions). */
export function formatMoney(cents: number, currency: string, locale: string = defaultLocale()): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

/** The currency's name in the locale ("US Dollar"), for the Settings choice. */
export function currencyName(code: string, locale: string = defaultLocale()): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}
