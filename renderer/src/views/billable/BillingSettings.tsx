/** Settings → Billing: the currency amounts are shown in, and the rate for activities without one. */
import { useState } from 'react';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { Field } from '../../components/Field.tsx';
import './billable.css';
import { CURRENCIES, currencyForLocale, currencyName, currencyOf, defaultLocale, formatMoney } from './money.ts';

/** The currency select (Settings and the Billable view use the same one). */
export function CurrencySelect({ label = 'Currency', className }: { label?: string; className?: string }) {
  const { settings, updateSettings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const current = currencyOf(settings);
  const fromLocale = currencyForLocale(defaultLocale());
  const codes = CURRENCIES.includes(current as (typeof CURRENCIES)[number]) ? [...CURRENCIES] : [current, ...CURRENCIES];
  return (
    <Field label={label} className={className}
      hint={`Amounts are shown as ${formatMoney(123_450, current)}.${current === fromLocale ? '' : ` Your locale's: ${fromLocale}.`}`}>
      <select value={current} onChange={(e) => {
        const code = e.target.value;
        void updateSettings({ currency: code }).then(() => toast(`Amounts now in ${currencyName(code)} (${code}).`, 'success'));
      }}>
        {codes.map((c) => <option key={c} value={c}>{c} · {currencyName(c)}</option>)}
      </select>
    </Field>
  );
}

/**
 * The hourly rate Billable bills a completed billable activity at when it has none (the CRM
 * keeps a completed activity's rate as it was: only its notes can change).
 */
export function DefaultRateForm({ onSaved }: { onSaved?: () => void }) {
  const { settings, updateSettings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const currency = currencyOf(settings);
  const saved = settings.billableDefaultRate ?? null;
  const [text, setText] = useState(saved === null ? '' : String(saved));
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="row default-rate" onSubmit={(e) => {
      e.preventDefault();
      const v = text.trim() === '' ? null : Number(text);
      if (v !== null && (!Number.isFinite(v) || v <= 0)) {
        setError('Enter a rate above 0, or leave it empty for none.');
        return;
      }
      setError(null);
      void updateSettings({ billableDefaultRate: v }).then(() => {
        toast(v === null ? 'Default rate removed.' : `Default rate ${formatMoney(Math.round(v * 100), currency)} an hour saved.`, 'success');
        onSaved?.();
      });
    }}>
      <Field label={`Default hourly rate (${currency})`} errors={error ? [error] : undefined}
        hint="For completed billable activities without a rate.">
        <input type="number" min={0} step="0.01" inputMode="decimal" value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <button type="submit" className="button">Save default rate</button>
    </form>
  );
}

export function BillingSettings() {
  return (
    <section className="card settings-section" aria-labelledby="set-billing">
      <h2 id="set-billing">Billing</h2>
      <CurrencySelect className="currency-field" />
      <DefaultRateForm />
    </section>
  );
}
