import { describe, expect, it } from 'vitest';
import { ACTIVITY_STATUSES } from '../domain/enums.ts';
import {
  amountCents, billableDetailCsv, billableSummary, billableSummaryCsv, BILLABLE_CSV_HEADER, formatCents, isBillableWork,
  periodOf, type BillableItem,
} from './billable.ts';
import { parseCsv } from './csv-parse.test-util.ts';

function item(over: Partial<BillableItem> = {}): BillableItem {
  return {
    type: 'meeting',
    status: 'completed',
    subject: 'Implementation workshop',
    is_billable: true,
    billable_rate: 150,
    duration_minutes: 60,
    completed_at: '2025-12-15T10:00:00Z',
    activityable_type: 'customer',
    activityable_id: 'cus_acme',
    activityable: { id: 'cus_acme', name: 'ACME Corp' },
    ...over,
  };
}

describe('what counts', () => {
  it.each(ACTIVITY_STATUSES.map((s) => [s, s === 'completed']))('status %s counts: %s', (status, counts) => {
    expect(isBillableWork(item({ status }))).toBe(counts);
  });
  it('not billable or without completion time does not count', () => {
    expect(isBillableWork(item({ is_billable: false }))).toBe(false);
    expect(isBillableWork(item({ completed_at: null }))).toBe(false);
    expect(isBillableWork(item({ completed_at: 'garbage' }))).toBe(false);
  });
});

describe('amountCents', () => {
  it.each([
    [60, 150, 15000],
    [42, 150, 10500],
    [30, 150.01, 7501],
    [7, 99.99, 1167],
    [1, 0.1, 0],
    [0, 150, 0],
    [null, 150, 0],
    [60, null, 0],
  ])('%s min × %s/h = %i cents', (minutes, rate, cents) => {
    expect(amountCents(minutes, rate)).toBe(cents);
  });
  it.each([[0, '0.00'], [5, '0.05'], [10500, '105.00'], [123456, '1234.56'], [-250, '-2.50']])('formatCents(%i) = %s', (c, s) => {
    expect(formatCents(c)).toBe(s);
  });
});

describe('periodOf', () => {
  it.each([
    ['2025-12-15T10:00:00Z', 'day', 'UTC', '2025-12-15', '2025-12-15'],
    ['2025-12-15T23:30:00Z', 'day', 'Europe/Berlin', '2025-12-16', '2025-12-16'],
    ['2025-12-21T22:00:00Z', 'week', 'UTC', '2025-W51', '2025-12-15'],
    ['2025-12-21T23:30:00Z', 'week', 'Europe/Berlin', '2025-W52', '2025-12-22'],
    ['2025-12-29T10:00:00Z', 'week', 'UTC', '2026-W01', '2025-12-29'],
    ['2026-01-31T23:30:00Z', 'month', 'UTC', '2026-01', '2026-01-01'],
    ['2026-01-31T23:30:00Z', 'month', 'Europe/Berlin', '2026-02', '2026-02-01'],
  ] as const)('%s by %s in %s → %s (from %s)', (iso, period, zone, key, start) => {
    expect(periodOf(iso, period, zone)).toEqual({ key, start });
  });
});

describe('billableSummary', () => {
  const acme = { id: 'cus_acme', name: 'ACME Corp' };
  const activities: BillableItem[] = [
    item({ duration_minutes: 60, completed_at: '2025-12-15T10:00:00Z' }), // Mon W51
    item({ duration_minutes: 42, completed_at: '2025-12-17T16:00:00Z' }), // Wed W51
    item({ duration_minutes: 90, billable_rate: 200, completed_at: '2025-12-22T09:00:00Z' }), // Mon W52
    item({ activityable_id: 'cus_zen', activityable: { id: 'cus_zen', name: 'Zenith Ltd' }, duration_minutes: 30, billable_rate: 120, completed_at: '2025-12-16T12:00:00Z' }),
    item({ activityable_type: 'opportunity', activityable_id: 'opp_1', activityable: null, duration_minutes: null, completed_at: '2025-12-18T12:00:00Z' }),
    item({ activityable_id: 'cus_zen', activityable: { id: 'cus_zen', name: 'Zenith Ltd' }, billable_rate: null, completed_at: '2025-12-19T12:00:00Z' }),
    // Not counted:
    item({ is_billable: false, duration_minutes: 600 }),
    item({ status: 'pending', completed_at: null }),
    item({ status: 'cancelled' }),
  ];

  it('sums actual duration × rate by customer and week', () => {
    const s = billableSummary(activities, { period: 'week', timeZone: 'UTC', nameOf: (t, id) => (id === 'opp_1' ? 'Big Deal Q1' : undefined) });
    expect(s.lines.map((l) => [l.customer.name, l.period, l.activities, l.minutes, l.amountCents, l.missingRate, l.missingDuration])).toEqual([
      ['ACME Corp', '2025-W51', 2, 102, 15000 + 10500, 0, 0],
      ['ACME Corp', '2025-W52', 1, 90, 30000, 0, 0],
      ['Big Deal Q1', '2025-W51', 1, 0, 0, 0, 1],
      ['Zenith Ltd', '2025-W51', 2, 90, 6000, 1, 0],
    ]);
    expect(s.customers.map((c) => [c.customer.key, c.activities, c.amountCents])).toEqual([
      ['customer:cus_acme', 3, 55500], ['opportunity:opp_1', 1, 0], ['customer:cus_zen', 2, 6000],
    ]);
    expect(s.total).toEqual({ activities: 6, minutes: 282, amountCents: 61500, missingRate: 1, missingDuration: 1 });
    expect(acme.name).toBe(s.lines[0]?.customer.name);
  });

  it('by day and by month', () => {
    expect(billableSummary(activities, { period: 'day', timeZone: 'UTC' }).lines.filter((l) => l.customer.key === 'customer:cus_acme').map((l) => l.period)).toEqual([
      '2025-12-15', '2025-12-17', '2025-12-22',
    ]);
    const months = billableSummary(activities, { period: 'month', timeZone: 'UTC' });
    expect(months.lines.map((l) => l.period)).toEqual(['2025-12', '2025-12', '2025-12']);
  });

  it('the period is the rep\'s calendar period', () => {
    const late = [item({ completed_at: '2025-12-31T23:30:00Z' })];
    expect(billableSummary(late, { period: 'month', timeZone: 'UTC' }).lines[0]?.period).toBe('2025-12');
    expect(billableSummary(late, { period: 'month', timeZone: 'Europe/Berlin' }).lines[0]?.period).toBe('2026-01');
  });

  it('from/to restrict by completion time (from inclusive, to exclusive)', () => {
    const s = billableSummary(activities, { period: 'week', timeZone: 'UTC', from: '2025-12-17T16:00:00Z', to: '2025-12-22T09:00:00Z' });
    // 17 Dec 16:00 (the from bound), 18 Dec and 19 Dec; 22 Dec 09:00 is the to bound and stays out.
    expect(s.total.activities).toBe(3);
    expect(s.total.minutes).toBe(42 + 0 + 60);
  });

  it('customerOf can bill an opportunity to its customer, or leave an activity out', () => {
    const s = billableSummary(activities, {
      period: 'month',
      timeZone: 'UTC',
      customerOf: (a) =>
        a.activityable_type === 'opportunity' ? { key: 'cus_acme', name: 'ACME Corp', type: 'customer' }
        : a.activityable_id === 'cus_zen' ? null
        : { key: a.activityable_id, name: a.activityable?.name ?? '?', type: a.activityable_type },
    });
    expect(s.customers.map((c) => [c.customer.name, c.activities])).toEqual([['ACME Corp', 4]]);
  });

  it('falls back to the id when no name is known', () => {
    const s = billableSummary([item({ activityable: null, activityable_id: 'lead_7', activityable_type: 'lead' })], { period: 'day', timeZone: 'UTC' });
    expect(s.lines[0]?.customer).toEqual({ key: 'lead:lead_7', name: 'lead_7', type: 'lead' });
  });

  it('refuses an unknown zone', () => {
    expect(() => billableSummary([], { period: 'day', timeZone: 'Nowhere/Land' })).toThrow(/Unknown time zone/);
    expect(() => billableDetailCsv([], { timeZone: 'Nowhere/Land' })).toThrow(/Unknown time zone/);
  });

  it('exports as CSV with a total row', () => {
    const s = billableSummary(activities, { period: 'week', timeZone: 'UTC' });
    const rows = parseCsv(billableSummaryCsv(s));
    expect(rows[0]).toEqual([...BILLABLE_CSV_HEADER]);
    expect(rows[1]).toEqual(['ACME Corp', 'customer', '2025-W51', '2025-12-15', '2', '102', '1.70', '255.00', '0', '0']);
    expect(rows.at(-1)).toEqual(['Total', '', '', '', '6', '282', '4.70', '615.00', '1', '1']);
    expect(rows).toHaveLength(1 + s.lines.length + 1);
  });

  it('customer names with commas and quotes survive the CSV', () => {
    const s = billableSummary([item({ activityable: { id: 'x', name: 'Smith, "Bob" & Sons' } })], { period: 'day', timeZone: 'UTC' });
    expect(parseCsv(billableSummaryCsv(s))[1]?.[0]).toBe('Smith, "Bob" & Sons');
  });

  it('detail CSV lists each counted activity in completion order, local time', () => {
    const rows = parseCsv(billableDetailCsv(activities, { timeZone: 'Europe/Berlin' }));
    expect(rows).toHaveLength(1 + 6);
    expect(rows[1]).toEqual(['2025-12-15 11:00', 'ACME Corp', 'customer', 'Meeting', 'Implementation workshop', '60', '150', '150.00']);
    expect(rows.find((r) => r[1] === 'Zenith Ltd' && r[6] === '')?.[7]).toBe('0.00');
  });
});
