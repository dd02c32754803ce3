/**
 * Billable time: completed billable activities summed by customer and period, at actual
 * duration × hourly rate. Amounts are whole cents, rounded per activity as an invoice would.
 */
import { TZDate } from '@date-fns/tz';
import { format, getISOWeek, getISOWeekYear, startOfMonth, startOfWeek } from 'date-fns';
import type { Activity, EntityRef } from '../domain/activity.ts';
import { typeLabel } from '../domain/enums.ts';
import { isValidTimeZone } from '../domain/local-time.ts';
import { instantMs } from '../domain/time.ts';
import { toCsv, type CsvOptions } from './csv.ts';

export const BILLING_PERIODS = ['day', 'week', 'month'] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

export type BillableItem = Pick<
  Activity,
  'type' | 'status' | 'subject' | 'is_billable' | 'billable_rate' | 'duration_minutes' | 'completed_at' | 'activityable_type' | 'activityable_id'
> & { activityable?: EntityRef | null };

export interface CustomerRef {
  key: string;
  name: string;
  /** lead, customer, opportunity, contact — whatever the key refers to. */
  type: string;
}

export interface BillableOptions {
  period: BillingPeriod;
  /** The rep's zone: a day/week/month is a calendar one there. */
  timeZone: string;
  /** Only activities completed at or after this instant. */
  from?: string;
  /** Only activities completed before this instant. */
  to?: string;
  /**
   * Who is billed for an activity. Default: its related record (activityable), named from the
   * embedded record or `nameOf`. Pass one that maps opportunities/contacts to their customer.
   */
  customerOf?: (a: BillableItem) => CustomerRef | null;
  nameOf?: (type: string, id: string) => string | undefined;
}

export interface BillableTotals {
  activities: number;
  minutes: number;
  amountCents: number;
  /** Billable activities with no rate (billed at 0) — the rep should fix them. */
  missingRate: number;
  /** Billable activities with no duration (0 minutes) — the rep should fix them. */
  missingDuration: number;
}

export interface BillableLine extends BillableTotals {
  customer: CustomerRef;
  /** 2025-12-20, 2025-W51 or 2025-12. */
  period: string;
  /** First day of the period, YYYY-MM-DD (sorts and labels). */
  periodStart: string;
}

export interface BillableSummary {
  period: BillingPeriod;
  /** Sorted by customer name, then period. */
  lines: BillableLine[];
  customers: (BillableTotals & { customer: CustomerRef })[];
  total: BillableTotals;
}

/** Completed, billable and with a completion time: what counts. */
export function isBillableWork(a: BillableItem): boolean {
  return a.status === 'completed' && a.is_billable && !!a.completed_at && !Number.isNaN(instantMs(a.completed_at));
}

/** Cents for one activity: minutes × hourly rate, rounded to the cent. */
export function amountCents(minutes: number | null, rate: number | null): number {
  if (!minutes || !rate) return 0;
  // Rate to whole cents first so the product is an integer and only one rounding happens.
  return Math.round((minutes * Math.round(rate * 100)) / 60);
}

export function periodOf(iso: string, period: BillingPeriod, timeZone: string): { key: string; start: string } {
  const d = new TZDate(instantMs(iso), timeZone);
  switch (period) {
    case 'day':
      return { key: format(d, 'yyyy-MM-dd'), start: format(d, 'yyyy-MM-dd') };
    case 'week':
      return {
        key: `${getISOWeekYear(d)}-W${String(getISOWeek(d)).padStart(2, '0')}`,
        start: format(startOfWeek(d, { weekStartsOn: 1 }), 'yyyy-MM-dd'),
      };
    case 'month':
      return { key: format(d, 'yyyy-MM'), start: format(startOfMonth(d), 'yyyy-MM-dd') };
  }
}

function defaultCustomer(nameOf: BillableOptions['nameOf']) {
  return (a: BillableItem): CustomerRef => ({
    key: `${a.activityable_type}:${a.activityable_id}`,
    name: a.activityable?.name ?? nameOf?.(a.activityable_type, a.activityable_id) ?? a.activityable_id,
    type: a.activityable_type,
  });
}

const zero = (): BillableTotals => ({ activities: 0, minutes: 0, amountCents: 0, missingRate: 0, missingDuration: 0 });

function add(t: BillableTotals, a: BillableItem): void {
  t.activities += 1;
  t.minutes += a.duration_minutes ?? 0;
  t.amountCents += amountCents(a.duration_minutes, a.billable_rate);
  if (a.billable_rate === null || a.billable_rate === undefined) t.missingRate += 1;
  if (a.duration_minutes === null || a.duration_minutes === undefined) t.missingDuration += 1;
}

export function billableSummary(activities: readonly BillableItem[], opts: BillableOptions): BillableSummary {
  if (!isValidTimeZone(opts.timeZone)) throw new RangeError(`Unknown time zone: ${opts.timeZone}`);
  const fromMs = opts.from ? instantMs(opts.from) : -Infinity;
  const toMs = opts.to ? instantMs(opts.to) : Infinity;
  const customerOf = opts.customerOf ?? defaultCustomer(opts.nameOf);
  const lines = new Map<string, BillableLine>();
  const customers = new Map<string, BillableTotals & { customer: CustomerRef }>();
  const total = zero();
  for (const a of activities) {
    if (!isBillableWork(a) || !a.completed_at) continue;
    const at = instantMs(a.completed_at);
    if (at < fromMs || at >= toMs) continue;
    const customer = customerOf(a);
    if (!customer) continue;
    const p = periodOf(a.completed_at, opts.period, opts.timeZone);
    const lineKey = `${customer.key}\u0000${p.key}`;
    let line = lines.get(lineKey);
    if (!line) lines.set(lineKey, (line = { customer, period: p.key, periodStart: p.start, ...zero() }));
    let c = customers.get(customer.key);
    if (!c) customers.set(customer.key, (c = { customer, ...zero() }));
    add(line, a);
    add(c, a);
    add(total, a);
  }
  const byName = (x: { customer: CustomerRef }, y: { customer: CustomerRef }) =>
    x.customer.name.localeCompare(y.customer.name) || x.customer.key.localeCompare(y.customer.key);
  return {
    period: opts.period,
    lines: [...lines.values()].sort((x, y) => byName(x, y) || x.periodStart.localeCompare(y.periodStart)),
    customers: [...customers.values()].sort(byName),
    total,
  };
}

/** 12345 → "123.45" (dot decimal: CSV for any locale; spreadsheets convert). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const hours = (minutes: number) => (Math.round((minutes / 60) * 100) / 100).toFixed(2);

export const BILLABLE_CSV_HEADER = [
  'Customer', 'Record type', 'Period', 'Period start', 'Activities', 'Minutes', 'Hours', 'Amount', 'Missing rate', 'Missing duration',
] as const;

/** The summary as CSV: one row per customer and period, then one total row. */
export function billableSummaryCsv(summary: BillableSummary, opts: CsvOptions = {}): string {
  const rows = summary.lines.map((l) => [
    l.customer.name, l.customer.type, l.period, l.periodStart, l.activities, l.minutes, hours(l.minutes), formatCents(l.amountCents),
    l.missingRate, l.missingDuration,
  ]);
  const t = summary.total;
  rows.push(['Total', '', '', '', t.activities, t.minutes, hours(t.minutes), formatCents(t.amountCents), t.missingRate, t.missingDuration]);
  return toCsv(BILLABLE_CSV_HEADER, rows, opts);
}

export const BILLABLE_DETAIL_CSV_HEADER = [
  'Completed at', 'Customer', 'Record type', 'Type', 'Subject', 'Minutes', 'Hourly rate', 'Amount',
] as const;

/** One row per billable activity, for checking the summary line by line. */
export function billableDetailCsv(activities: readonly BillableItem[], opts: Omit<BillableOptions, 'period'>, csv: CsvOptions = {}): string {
  if (!isValidTimeZone(opts.timeZone)) throw new RangeError(`Unknown time zone: ${opts.timeZone}`);
  const fromMs = opts.from ? instantMs(opts.from) : -Infinity;
  const toMs = opts.to ? instantMs(opts.to) : Infinity;
  const customerOf = opts.customerOf ?? defaultCustomer(opts.nameOf);
  const rows = activities
    .filter((a) => isBillableWork(a) && a.completed_at && instantMs(a.completed_at) >= fromMs && instantMs(a.completed_at) < toMs)
    .sort((x, y) => instantMs(x.completed_at ?? '') - instantMs(y.completed_at ?? ''))
    .flatMap((a) => {
      const c = customerOf(a);
      if (!c || !a.completed_at) return [];
      const local = format(new TZDate(instantMs(a.completed_at), opts.timeZone), 'yyyy-MM-dd HH:mm');
      return [[local, c.name, c.type, typeLabel(a.type), a.subject, a.duration_minutes ?? 0, a.billable_rate ?? '',
        formatCents(amountCents(a.duration_minutes, a.billable_rate))]];
    });
  return toCsv(BILLABLE_DETAIL_CSV_HEADER, rows, csv);
}
