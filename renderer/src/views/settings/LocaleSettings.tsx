/** Settings → Dates and times: the locale every date, time and amount is written in (default: the system's). */
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { Field } from '../../components/Field.tsx';
import { OFFERED_LOCALES, displayLocale, formatWhen, systemLocale } from '../../lib/format.ts';

const SYSTEM = 'system';

/** A locale's name in itself ("Deutsch (Deutschland)"), so a rep finds their own. */
function localeName(code: string): string {
  try {
    return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function LocaleSettings() {
  const { settings, updateSettings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const system = systemLocale();
  const chosen = settings.locale ?? SYSTEM;
  const codes: string[] = [...OFFERED_LOCALES];
  if (settings.locale && !codes.includes(settings.locale)) codes.unshift(settings.locale);
  const sample = formatWhen(Date.now(), settings.timeZone, 'dateTime');
  return (
    <section className="card settings-section" aria-labelledby="set-locale">
      <h2 id="set-locale">Dates and times</h2>
      <div className="row">
        <Field label="Date and time format" className="wide" hint={`Written like this: ${sample} (${displayLocale()}).`}>
          <select value={chosen} onChange={(e) => {
            const v = e.target.value;
            void updateSettings({ locale: v === SYSTEM ? undefined : v })
              .then(() => toast(`Dates now written as ${formatWhen(Date.now(), settings.timeZone, 'dateTime')}.`, 'success'));
          }}>
            <option value={SYSTEM}>Match the system ({localeName(system)}, {system})</option>
            {codes.map((c) => <option key={c} value={c} lang={c}>{localeName(c)} ({c})</option>)}
          </select>
        </Field>
      </div>
    </section>
  );
}
