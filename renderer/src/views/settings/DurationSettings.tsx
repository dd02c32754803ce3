/** Settings: how long a new activity is planned for, by type (the create form starts with it). */
import { ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, type ActivityType } from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { DEFAULT_DURATION_BY_TYPE } from '../activities/durations.ts';
import { formatMinutes } from '../calendar/calendar-model.ts';

const CHOICES = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 480] as const;

export function DurationSettings() {
  const { settings, updateSettings } = useApp();
  const toast = useUiStore((s) => s.toast);
  function change(type: ActivityType, raw: string) {
    const next = { ...settings.durations };
    if (raw === 'default') delete next[type];
    else next[type] = Number(raw);
    void updateSettings({ durations: next }).then(() => toast(`Duration for ${ACTIVITY_TYPE_LABELS[type]} saved.`, 'success'));
  }
  return (
    <section className="card settings-section" aria-labelledby="set-dur">
      <h2 id="set-dur">Default durations</h2>
      <p className="muted small">How long a new activity is planned for, by type, until you change it in the form. Clicking a calendar slot uses it too; dragging over several slots sets the length you drag.</p>
      <div className="settings-grid">
        {ACTIVITY_TYPES.map((t) => {
          const own = settings.durations[t];
          return (
            <div className="field" key={t}>
              <label htmlFor={`dur-${t}`}>{ACTIVITY_TYPE_LABELS[t]}<span className="sr-only"> duration</span></label>
              <select id={`dur-${t}`} value={own === undefined ? 'default' : String(own)} onChange={(e) => change(t, e.target.value)}>
                <option value="default">Default ({formatMinutes(DEFAULT_DURATION_BY_TYPE[t])})</option>
                {own !== undefined && !(CHOICES as readonly number[]).includes(own) && <option value={String(own)}>{formatMinutes(own)}</option>}
                {CHOICES.map((m) => <option key={m} value={String(m)}>{formatMinutes(m)}</option>)}
              </select>
            </div>
          );
        })}
      </div>
    </section>
  );
}
