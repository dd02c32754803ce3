/**
 * "Repeat" on create (daily, weekdays, weekly on chosen days, monthly; until a date or N times)
 * with a live preview of the dates, and the "this one / this and following" chooser shown when
 * an activity of a series is edited.
 */
import { useId, useMemo } from 'react';
import {
  DomainError, MAX_OCCURRENCES, RECURRENCE_FREQUENCIES, WEEKDAYS, describeRecurrence, expandRecurrence, seriesLink,
  type FieldErrors, type RecurrenceFrequency, type RecurrenceRuleInput, type SeriesScope, type Weekday,
} from '#shared/domain/index';
import { formatInZone, formatInstant } from '../../lib/format.ts';
import './series.css';

export interface RepeatDraft {
  enabled: boolean;
  frequency: RecurrenceFrequency;
  /** As typed. */
  interval: string;
  weekdays: Weekday[];
  end: 'count' | 'until';
  count: string;
  /** YYYY-MM-DD. */
  until: string;
}

export const NO_REPEAT: RepeatDraft = { enabled: false, frequency: 'weekly', interval: '1', weekdays: [], end: 'count', count: '4', until: '' };

/** The rule's error keys, so a form shows them here and not again in its summary. */
export const REPEAT_ERROR_KEYS = ['frequency', 'interval', 'weekdays', 'until', 'count', 'time_zone'] as const;

const FREQUENCY_LABELS: Record<RecurrenceFrequency, string> = {
  daily: 'Daily', weekdays: 'Every weekday (Mon–Fri)', weekly: 'Weekly on…', monthly: 'Monthly (same day)',
};
const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday',
};

const asNumber = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

/** The draft as a rule for the domain (bad numbers pass through so validation names them). */
export function repeatRule(d: RepeatDraft, timeZone: string): RecurrenceRuleInput {
  const rule: Record<string, unknown> = { frequency: d.frequency, interval: asNumber(d.interval || '1'), time_zone: timeZone };
  if (d.frequency === 'weekly') rule.weekdays = d.weekdays;
  if (d.end === 'count') rule.count = asNumber(d.count);
  else if (d.until) rule.until = d.until;
  else rule.until = undefined;
  return rule as unknown as RecurrenceRuleInput;
}

/** Monday…Sunday of an instant in the zone (so "weekly" starts checked on the due day). */
function weekdayOf(iso: string, zone: string): Weekday | null {
  const i = Number(formatInZone(iso, zone, 'i')) - 1;
  return WEEKDAYS[i] ?? null;
}

interface Preview {
  summary: string;
  dates: string[];
  errors: FieldErrors;
}

function preview(d: RepeatDraft, startIso: string | null, zone: string): Preview {
  if (!startIso) return { summary: '', dates: [], errors: { due_at: ['Pick the first date and time above.'] } };
  const rule = repeatRule(d, zone);
  try {
    const dates = expandRecurrence(rule, startIso);
    return { summary: describeRecurrence(rule), dates, errors: {} };
  } catch (e) {
    if (e instanceof DomainError) return { summary: '', dates: [], errors: e.errors };
    throw e;
  }
}

export interface RepeatFieldsProps {
  draft: RepeatDraft;
  onChange: (d: RepeatDraft) => void;
  /** The first occurrence (the form's due time), or null while unset. */
  startIso: string | null;
  timeZone: string;
  /** Errors from the last submit. */
  errors?: FieldErrors;
}

const SHOWN = 8;

export function RepeatFields({ draft, onChange, startIso, timeZone, errors = {} }: RepeatFieldsProps) {
  const id = useId();
  const set = (patch: Partial<RepeatDraft>) => onChange({ ...draft, ...patch });
  const p = useMemo(() => (draft.enabled ? preview(draft, startIso, timeZone) : null), [draft, startIso, timeZone]);
  const err = (k: string) => errors[k] ?? p?.errors[k];
  const fieldErrors = (k: string) => {
    const e = err(k);
    return e?.length ? <ul className="field-errors" id={`${id}-${k}-err`}>{e.map((m) => <li key={m}>{m}</li>)}</ul> : null;
  };
  const describedBy = (k: string) => (err(k)?.length ? `${id}-${k}-err` : undefined);

  return (
    <fieldset className="repeat">
      <legend className="sr-only">Repeat</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => {
            const on = e.target.checked;
            const day = startIso ? weekdayOf(startIso, timeZone) : null;
            set({ enabled: on, weekdays: on && draft.weekdays.length === 0 && day ? [day] : draft.weekdays });
          }}
        />
        Repeat
      </label>
      {draft.enabled && (
        <div className="repeat-body">
          <div className="repeat-row">
            <div className="field">
              <label htmlFor={`${id}-freq`}>Repeats</label>
              <select id={`${id}-freq`} value={draft.frequency} onChange={(e) => set({ frequency: e.target.value as RecurrenceFrequency })}>
                {RECURRENCE_FREQUENCIES.map((f) => <option key={f} value={f}>{FREQUENCY_LABELS[f]}</option>)}
              </select>
            </div>
            {draft.frequency !== 'weekdays' && (
              <div className="field narrow">
                <label htmlFor={`${id}-interval`}>Every</label>
                <input id={`${id}-interval`} type="number" min={1} max={99} value={draft.interval}
                  aria-invalid={err('interval')?.length ? true : undefined} aria-describedby={describedBy('interval')}
                  onChange={(e) => set({ interval: e.target.value })} />
                {fieldErrors('interval')}
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-end`}>Ends</label>
              <select id={`${id}-end`} value={draft.end} onChange={(e) => set({ end: e.target.value as RepeatDraft['end'] })}>
                <option value="count">After a number of times</option>
                <option value="until">On a date</option>
              </select>
            </div>
            {draft.end === 'count' ? (
              <div className="field narrow">
                <label htmlFor={`${id}-count`}>Times</label>
                <input id={`${id}-count`} type="number" min={1} max={MAX_OCCURRENCES} value={draft.count}
                  aria-invalid={err('count')?.length ? true : undefined} aria-describedby={describedBy('count')}
                  onChange={(e) => set({ count: e.target.value })} />
                {fieldErrors('count')}
              </div>
            ) : (
              <div className="field">
                <label htmlFor={`${id}-until`}>Last date</label>
                <input id={`${id}-until`} type="date" value={draft.until}
                  aria-invalid={err('until')?.length ? true : undefined} aria-describedby={describedBy('until')}
                  onChange={(e) => set({ until: e.target.value })} />
                {fieldErrors('until')}
              </div>
            )}
          </div>
          {draft.frequency === 'weekly' && (
            <fieldset className="weekday-picker" aria-describedby={describedBy('weekdays')}>
              <legend>On</legend>
              {WEEKDAYS.map((w) => (
                <label key={w} className="weekday">
                  <input
                    type="checkbox"
                    aria-label={DAY_NAMES[w]}
                    checked={draft.weekdays.includes(w)}
                    onChange={(e) => set({ weekdays: e.target.checked ? [...draft.weekdays, w] : draft.weekdays.filter((x) => x !== w) })}
                  />
                  <span aria-hidden="true">{DAY_NAMES[w].slice(0, 2)}</span>
                </label>
              ))}
              {fieldErrors('weekdays')}
            </fieldset>
          )}
          {fieldErrors('frequency')}
          {p && p.errors.due_at && <p className="field-hint">{p.errors.due_at.join(' ')}</p>}
          {p && p.dates.length > 0 && (
            <div className="repeat-preview" aria-live="polite">
              <p><strong>{p.summary}</strong> — {p.dates.length} {p.dates.length === 1 ? 'activity' : 'activities'}</p>
              <ol aria-label="Dates of the series">
                {p.dates.slice(0, SHOWN).map((iso) => <li key={iso}>{formatInstant(iso, timeZone, 'dateTime')}</li>)}
                {p.dates.length > SHOWN && <li className="muted">… and {p.dates.length - SHOWN} more, last {formatInstant(p.dates.at(-1), timeZone, 'date')}</li>}
              </ol>
            </div>
          )}
        </div>
      )}
    </fieldset>
  );
}

/** The series an activity belongs to, or null. */
export function seriesIdOf(a: { custom_fields: Record<string, unknown> } | null | undefined): string | null {
  return a ? seriesLink(a)?.seriesId ?? null : null;
}

export function SeriesScopeChooser({ value, onChange, index }: { value: SeriesScope; onChange: (s: SeriesScope) => void; index?: number | null }) {
  const name = useId();
  return (
    <fieldset className="series-scope">
      <legend>This activity repeats{index ? ` (occurrence ${index})` : ''}. Apply the changes to:</legend>
      <label className="check">
        <input type="radio" name={name} value="this" checked={value === 'this'} onChange={() => onChange('this')} />
        This one only
      </label>
      <label className="check">
        <input type="radio" name={name} value="following" checked={value === 'following'} onChange={() => onChange('following')} />
        This and following
      </label>
    </fieldset>
  );
}
