/**
 * Billable time: completed billable activities summed by customer and period (actual duration ×
 * hourly rate), for a date range, downloadable as CSV (summary or line by line). Amounts are in
 * the rep's currency; the activities without a rate are listed, with a default rate to bill them at.
 */
import { useMemo, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { TZDate } from '@date-fns/tz';
import { format, startOfMonth } from 'date-fns';
import {
  BILLING_PERIODS, billableDetailCsv, billableSummary, billableSummaryCsv,
  type BillableItem, type BillingPeriod, type CustomerRef,
} from '#shared/export/billable';
import { billableCompletions, entityKey, type LocalActivity } from '#shared/sync/index';
import { dayStartMs, toIsoInstant } from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { Field } from '../../components/Field.tsx';
import { formatInstant, formatMinutes } from '../../lib/format.ts';
import { useUiStore } from '../../state/store.ts';
import { downloadText } from '../export/download.ts';
import { CurrencySelect, DefaultRateForm } from './BillingSettings.tsx';
import { currencyOf, formatMoney } from './money.ts';
import '../review/review.css';
import './billable.css';

const PERIOD_LABELS: Record<BillingPeriod, string> = { day: 'Day', week: 'Week', month: 'Month' };

/** Midnight at the start of a YYYY-MM-DD in the zone (shared/domain dayStartMs), as an ISO instant. */
function dayStart(date: string, zone: string, plusDays = 0): string | null {
  const ms = dayStartMs(date, zone, plusDays);
  return ms === null ? null : toIsoInstant(ms);
}

export function BillableView() {
  const { db, settings } = useApp();
  const zone = settings.timeZone;
  const today = useMemo(() => new TZDate(Date.now(), zone), [zone]);
  const [from, setFrom] = useState(() => format(startOfMonth(today), 'yyyy-MM-dd'));
  const [to, setTo] = useState(() => format(today, 'yyyy-MM-dd'));
  const [period, setPeriod] = useState<BillingPeriod>('week');
  const [showMissing, setShowMissing] = useState(false);
  const missingRef = useRef<HTMLElement>(null);
  const openActivity = useUiStore((s) => s.openActivity);
  const currency = currencyOf(settings);
  const money = (cents: number) => formatMoney(cents, currency);
  const defaultRate = settings.billableDefaultRate ?? null;

  const fromIso = dayStart(from, zone);
  // "To" is inclusive: up to the end of that day.
  const toIso = dayStart(to, zone, 1);
  const rangeError = !fromIso || !toIso ? 'Pick both dates.' : Date.parse(fromIso) >= Date.parse(toIso) ? 'The end date must be on or after the start date.' : null;

  // Completed in the range, from the completed_ms index (schema v6): not every completion ever;
  // opportunities and contacts bill to their customer when the directory knows it.
  const data = useLiveQuery(async () => {
    const { rows: found, entities } = await billableCompletions(db, fromIso && toIso ? { fromMs: Date.parse(fromIso), toMs: Date.parse(toIso) } : undefined);
    return { found, entities };
  }, [db, fromIso, toIso]);
  // Those without a rate are billed at the default rate when the rep has set one.
  const missing = useMemo(() => (data?.found ?? []).filter((a) => a.billable_rate === null || a.billable_rate === undefined), [data]);
  const rows = useMemo((): LocalActivity[] => (data?.found ?? []).map((a) => (
    defaultRate !== null && (a.billable_rate === null || a.billable_rate === undefined) ? { ...a, billable_rate: defaultRate } : a
  )), [data, defaultRate]);

  const opts = useMemo(() => ({
    timeZone: zone,
    ...(fromIso ? { from: fromIso } : {}),
    ...(toIso ? { to: toIso } : {}),
    customerOf: (a: BillableItem): CustomerRef => {
      const own = data?.entities.get(entityKey(a.activityable_type, a.activityable_id));
      const parent = own?.customer_id ? data?.entities.get(entityKey('customer', own.customer_id)) : undefined;
      if (parent) return { key: `customer:${parent.id}`, name: parent.name, type: 'customer' };
      return { key: `${a.activityable_type}:${a.activityable_id}`, name: own?.name ?? a.activityable?.name ?? a.activityable_id, type: a.activityable_type };
    },
  }), [zone, fromIso, toIso, data]);
  const summary = useMemo(() => (data && !rangeError ? billableSummary(rows, { ...opts, period }) : null), [data, rows, opts, period, rangeError]);
  const revealMissing = () => {
    setShowMissing(true);
    // After the panel renders: bring it into view and move focus there.
    requestAnimationFrame(() => missingRef.current?.focus());
  };
  const missingLabel = (n: number) => `${n} without a rate`;

  return (
    <section className="view" aria-labelledby="billable-title">
      <header className="view-header">
        <h1 id="billable-title">Billable</h1>
        <div className="actions">
          <button type="button" className="button" disabled={!summary}
            onClick={() => { if (summary) downloadText(`billable-detail-${from}_${to}.csv`, billableDetailCsv(rows, opts), 'text/csv'); }}>
            Download detail CSV
          </button>
          <button type="button" className="button primary" disabled={!summary}
            onClick={() => { if (summary) downloadText(`billable-${period}-${from}_${to}.csv`, billableSummaryCsv(summary), 'text/csv'); }}>
            Download CSV
          </button>
        </div>
      </header>
      <div className="card billable-controls" role="group" aria-label="Billable range">
        <Field label="From"><input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></Field>
        <Field label="To" errors={rangeError ? [rangeError] : undefined}><input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></Field>
        <Field label="Group by">
          <select value={period} onChange={(e) => setPeriod(e.target.value as BillingPeriod)}>
            {BILLING_PERIODS.map((p) => <option key={p} value={p}>{PERIOD_LABELS[p]}</option>)}
          </select>
        </Field>
        <CurrencySelect className="currency-field" />
        <p className="muted small">Completed billable activities, at actual duration × hourly rate, in {zone}. Opportunities and contacts count for their customer.</p>
      </div>
      {summary && (
        <>
          <div className="billable-totals">
            <div className="stat"><div className="stat-label">Activities</div><div className="stat-value">{summary.total.activities}</div></div>
            <div className="stat"><div className="stat-label">Time</div><div className="stat-value">{formatMinutes(summary.total.minutes)}</div></div>
            <div className="stat"><div className="stat-label">Amount</div><div className="stat-value" data-testid="billable-total">{money(summary.total.amountCents)}</div></div>
            <div className="stat">
              <div className="stat-label">Need fixing</div>
              <div className="stat-value">{summary.total.missingRate + summary.total.missingDuration}</div>
              {missing.length > 0 && (
                <button type="button" className="button small" aria-expanded={showMissing} aria-controls="billable-missing"
                  onClick={() => (showMissing ? setShowMissing(false) : revealMissing())}>
                  {defaultRate === null ? `Fix ${missingLabel(missing.length)}` : `${missing.length} at the default rate`}
                </button>
              )}
            </div>
          </div>
          {showMissing && missing.length > 0 && (
            <section id="billable-missing" ref={missingRef} tabIndex={-1} className="card billable-missing" aria-labelledby="billable-missing-title">
              <h2 id="billable-missing-title">Without a rate ({missing.length})</h2>
              <p className="small">
                {defaultRate === null
                  ? 'These count at 0. The CRM keeps a completed activity\'s rate as it was (only its notes can change), so bill them at a default hourly rate here:'
                  : `Billed at your default rate of ${money(Math.round(defaultRate * 100))} an hour. Change it here:`}
              </p>
              <DefaultRateForm />
              <ul className="missing-list">
                {missing.map((a) => (
                  <li key={a.lid}>
                    <button type="button" className="button link" onClick={() => openActivity(a.lid)}>{a.subject}</button>
                    <span className="muted small">
                      {opts.customerOf(a).name} · completed {formatInstant(a.completed_at, zone, 'shortDate')} · {formatMinutes(a.duration_minutes ?? 0)}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <div className="table-wrap">
            <table className="list billable-table">
              <caption className="sr-only">Billable time by customer and {PERIOD_LABELS[period].toLowerCase()}</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">{PERIOD_LABELS[period]}</th>
                  <th scope="col" className="num">Activities</th>
                  <th scope="col" className="num">Time</th>
                  <th scope="col" className="num">Amount</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              <tbody>
                {summary.lines.length === 0 && (
                  <tr><td colSpan={6} className="empty">No completed billable activities in this range.</td></tr>
                )}
                {summary.lines.map((l) => (
                  <tr key={`${l.customer.key}|${l.period}`}>
                    <td>{l.customer.name} <span className="muted small">({l.customer.type})</span></td>
                    <td>{l.period}</td>
                    <td className="num">{l.activities}</td>
                    <td className="num">{formatMinutes(l.minutes)}</td>
                    <td className="num">{money(l.amountCents)}</td>
                    <td className="small">
                      {l.missingRate > 0 && (
                        <button type="button" className="button link" aria-controls="billable-missing" onClick={revealMissing}>{missingLabel(l.missingRate)}</button>
                      )}
                      {l.missingRate > 0 && l.missingDuration > 0 ? ', ' : ''}
                      {l.missingDuration > 0 ? `${l.missingDuration} without a duration` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
              {summary.customers.length > 1 && (
                <tfoot>
                  {summary.customers.map((c) => (
                    <tr key={c.customer.key}>
                      <th scope="row">{c.customer.name} total</th>
                      <td />
                      <td className="num">{c.activities}</td>
                      <td className="num">{formatMinutes(c.minutes)}</td>
                      <td className="num">{money(c.amountCents)}</td>
                      <td />
                    </tr>
                  ))}
                </tfoot>
              )}
            </table>
          </div>
        </>
      )}
    </section>
  );
}
