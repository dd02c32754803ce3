/**
 * The weekly review (the guide's Best Practice 8) as one guided page: clear the overdue list
 * (reschedule with a preset or cancel, in bulk), prepare next week's demos/presentations/proposals,
 * schedule the follow-ups this week's work asked for, and check the next two weeks' load.
 */
import { useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import {
  followUpInput, typeLabel, prepTaskInput, reschedulePresets, DEFAULT_LOAD_THRESHOLDS,
  type DayLoad, type LoadFlag,
} from '#shared/domain/index';
import type { LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { SyncMark, TypeBadge } from '../../components/badges.tsx';
import { toShownError } from '../../lib/errors.ts';
import { formatDateOnly, formatInstant, formatMinutes } from '../../lib/format.ts';
import { OVERDUE_SHOWN, useMinuteClock, useWeeklyReview } from './review-data.ts';
import './review.css';

const CANCEL_REASON = 'No longer relevant (weekly review)';

/**
 * Overdue rows drawn with the page; the rest of the list (up to OVERDUE_SHOWN) follows in a
 * background render right after. The list scrolls inside a box a dozen rows high, and laying out
 * 200 rows at once was most of the time the review took to open.
 */
const FIRST_ROWS = 30;

const FLAG_LABELS: Record<LoadFlag, string> = {
  too_many: `more than ${DEFAULT_LOAD_THRESHOLDS.maxActivities} activities`,
  too_long: `more than ${DEFAULT_LOAD_THRESHOLDS.maxBookedMinutes / 60} h booked`,
  back_to_back: `under ${DEFAULT_LOAD_THRESHOLDS.backToBackGapMinutes} min between activities (or busy time)`,
  overlap: 'overlapping activities (or busy time)',
};

export function ReviewView() {
  const now = useMinuteClock();
  const review = useWeeklyReview(now);
  const { settings } = useApp();
  const zone = settings.timeZone;

  return (
    <section className="view review" aria-labelledby="review-title">
      <header className="view-header">
        <div>
          <h1 id="review-title">Weekly review</h1>
          {review && (
            <p className="muted small">
              This week {formatInstant(review.weeks.thisWeek.from, zone, 'dayMonth')} – {formatInstant(new Date(Date.parse(review.weeks.thisWeek.to) - 1).toISOString(), zone, 'dayMonth')}
              {' · '}next week from {formatInstant(review.weeks.nextWeek.from, zone, 'day')}
            </p>
          )}
        </div>
      </header>
      {!review ? <p aria-busy="true">Loading…</p> : (
        <>
          <OverdueStep items={review.overdue} total={review.overdueTotal} now={now} />
          <PrepStep items={review.needsPreparation} />
          <FollowUpStep items={review.followUpsMissing} now={now} />
          <LoadStep days={review.load} />
        </>
      )}
    </section>
  );
}

/** `count`: how many the step holds (0: all clear); a string while only a lower bound is known ("200+"). */
function Step({ n, title, count, children, id }: { n: number; title: string; count?: number | string; children: ReactNode; id: string }) {
  return (
    <section className="card review-step" aria-labelledby={id}>
      <h2 id={id}>
        <span className="step-no" aria-hidden="true">{n}</span>
        {title}
        {count !== undefined && <span className={`badge ${count ? 'step-count' : 'status-completed'}`}>{count === 0 ? 'All clear' : count}</span>}
      </h2>
      {children}
    </section>
  );
}

function Subject({ a }: { a: LocalActivity }) {
  const openActivity = useUiStore((s) => s.openActivity);
  return (
    <button type="button" className="button link subject-link" onClick={() => openActivity(a.lid)}>{a.subject}</button>
  );
}

/**
 * `items`: the oldest overdue ones (and recent ones); `total`: how many are overdue in all, or
 * undefined while it is being counted (known already when fewer than OVERDUE_SHOWN came).
 */
function OverdueStep({ items: read, total: counted, now }: { items: LocalActivity[]; total: number | undefined; now: number }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const setView = useUiStore((s) => s.setView);
  const items = read.slice(0, OVERDUE_SHOWN);
  const drawn = useDeferredValue(items.length, Math.min(items.length, FIRST_ROWS));
  const total = counted === undefined ? (read.length < OVERDUE_SHOWN ? read.length : undefined) : Math.max(counted, read.length);
  const zone = settings.timeZone;
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const presets = useMemo(() => reschedulePresets(new Date(now).toISOString(), zone), [now, zone]);
  const live = new Set(items.map((a) => a.lid));
  const selected = [...picked].filter((l) => live.has(l));
  const all = items.length > 0 && selected.length === items.length;

  async function run(label: string, action: 'reschedule' | 'cancel', parameters: Record<string, unknown>) {
    setBusy(true);
    try {
      const r = await commands.bulk({ action, lids: selected, parameters });
      const failed = r.failed.length ? ` ${r.failed.length} could not be changed: ${r.failed[0]?.message ?? ''}` : '';
      toast(`${label}: ${r.succeeded.length} ${r.succeeded.length === 1 ? 'activity' : 'activities'}.${failed}`, r.failed.length ? 'error' : 'success');
      setPicked(new Set());
    } catch (e) {
      toast(toShownError(e).message, 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Step n={1} id="review-overdue" title="Overdue: reschedule or cancel" count={total ?? `${items.length}+`}>
      {items.length === 0 ? <p className="muted">Nothing overdue.</p> : (
        <>
          {(total === undefined || total > items.length) && (
            <p className="muted small">
              {total === undefined ? `The ${items.length} oldest are shown here (counting the rest…).` : `The ${items.length} oldest of ${total} are shown here.`}{' '}
              <button type="button" className="button link" onClick={() => setView('overdue')}>Work them all in Overdue</button>
            </p>
          )}
          <div className="review-toolbar" role="toolbar" aria-label="Overdue actions">
            <span className="muted small" aria-live="polite">{selected.length} selected</span>
            {presets.map((p) => (
              <button key={p.id} type="button" className="button small" disabled={busy || selected.length === 0}
                onClick={() => { void run(`Rescheduled to ${p.label}`, 'reschedule', { new_due_at: p.new_due_at, reason: 'Weekly review' }); }}>
                {p.label}
              </button>
            ))}
            <button type="button" className="button small danger-text" disabled={busy || selected.length === 0}
              onClick={() => { void run('Cancelled', 'cancel', { reason: CANCEL_REASON }); }}>
              Cancel selected
            </button>
          </div>
          <div className="review-scroll" tabIndex={0} role="group" aria-label="Overdue activities list">
          <table className="list review-table">
            <caption className="sr-only">Overdue activities, oldest first</caption>
            <thead>
              <tr>
                <th scope="col" className="check-col">
                  <input type="checkbox" aria-label={total === undefined || total > items.length ? 'Select all shown' : 'Select all overdue'} checked={all}
                    onChange={(e) => setPicked(e.target.checked ? new Set(items.map((a) => a.lid)) : new Set())} />
                </th>
                <th scope="col">Activity</th>
                <th scope="col">Type</th>
                <th scope="col">Was due</th>
              </tr>
            </thead>
            <tbody>
              {items.slice(0, drawn).map((a) => (
                <tr key={a.lid}>
                  <td className="check-col">
                    <input type="checkbox" aria-label={`Select ${a.subject}`} checked={picked.has(a.lid)}
                      onChange={(e) => setPicked((s) => {
                        const n = new Set(s);
                        if (e.target.checked) n.add(a.lid); else n.delete(a.lid);
                        return n;
                      })} />
                  </td>
                  <td><Subject a={a} /> <SyncMark sync={a.sync} /></td>
                  <td><TypeBadge type={a.type} /></td>
                  <td>{formatInstant(a.due_at, zone, 'dateTime')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </>
      )}
    </Step>
  );
}

function PrepStep({ items }: { items: LocalActivity[] }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const zone = settings.timeZone;
  async function addPrep(a: LocalActivity) {
    try {
      const row = await commands.create(prepTaskInput(a, { timeZone: zone }));
      toast(`Prep task added for ${formatInstant(row.due_at, zone, 'dayTime')}.`, 'success');
    } catch (e) {
      toast(toShownError(e).message, 'error');
    }
  }
  return (
    <Step n={2} id="review-prep" title="Next week: needs preparation" count={items.length}>
      {items.length === 0 ? <p className="muted">Every demo, presentation and proposal next week has a prep task.</p> : (
        <ul className="review-list">
          {items.map((a) => (
            <li key={a.lid}>
              <div>
                <Subject a={a} /> <TypeBadge type={a.type} />
                <div className="muted small">{typeLabel(a.type)} on {formatInstant(a.due_at, zone, 'dayTime')}</div>
              </div>
              <button type="button" className="button small" aria-label={`Add prep task for ${a.subject}`} onClick={() => { void addPrep(a); }}>
                Add prep task
              </button>
            </li>
          ))}
        </ul>
      )}
    </Step>
  );
}

function FollowUpStep({ items, now }: { items: LocalActivity[]; now: number }) {
  const { commands, settings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const zone = settings.timeZone;
  const tomorrow = useMemo(() => reschedulePresets(new Date(now).toISOString(), zone)[0]?.new_due_at, [now, zone]);
  async function schedule(a: LocalActivity) {
    try {
      // On its follow-up date (09:00), or tomorrow 09:00 when none was given.
      const input = followUpInput(a, { timeZone: zone, ...(a.follow_up_date ? {} : tomorrow ? { dueAt: tomorrow } : {}) });
      const row = await commands.create(input);
      toast(`Follow-up scheduled for ${formatInstant(row.due_at, zone, 'dayTime')}.`, 'success');
    } catch (e) {
      toast(toShownError(e).message, 'error');
    }
  }
  return (
    <Step n={3} id="review-followups" title="This week: follow-ups not yet scheduled" count={items.length}>
      {items.length === 0 ? <p className="muted">Every completed activity that asked for a follow-up has one.</p> : (
        <ul className="review-list">
          {items.map((a) => (
            <li key={a.lid}>
              <div>
                <Subject a={a} /> <TypeBadge type={a.type} />
                <div className="muted small">
                  Completed {formatInstant(a.completed_at, zone, 'day')}
                  {a.follow_up_date ? ` · follow up on ${formatDateOnly(a.follow_up_date)}` : ' · no follow-up date given (tomorrow 09:00)'}
                </div>
              </div>
              <button type="button" className="button small" aria-label={`Schedule follow-up for ${a.subject}`} onClick={() => { void schedule(a); }}>
                Schedule follow-up
              </button>
            </li>
          ))}
        </ul>
      )}
    </Step>
  );
}

function LoadStep({ days }: { days: DayLoad<LocalActivity>[] }) {
  // Booked time counts the rep's other calendar events too (busy time, issue #14).
  const booked = (d: DayLoad<LocalActivity>) => d.bookedMinutes + d.busyMinutes;
  const maxMinutes = Math.max(DEFAULT_LOAD_THRESHOLDS.maxBookedMinutes, ...days.map(booked));
  const over = days.filter((d) => d.overScheduled).length;
  return (
    <Step n={4} id="review-load" title="Load: the next two weeks">
      <p className="muted small">
        Over-scheduled means more than {DEFAULT_LOAD_THRESHOLDS.maxActivities} activities or more than {DEFAULT_LOAD_THRESHOLDS.maxBookedMinutes / 60} h booked in a day.
        {over > 0 ? ` ${over} ${over === 1 ? 'day is' : 'days are'} over-scheduled.` : ' No day is over-scheduled.'}
      </p>
      <table className="list load-table">
        <caption className="sr-only">Activities and booked time per day for the next two weeks</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col" className="num">Activities</th>
            <th scope="col" className="num">Booked</th>
            <th scope="col" className="bar-col"><span className="sr-only">Booked time chart</span></th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.date} className={d.overScheduled ? 'over' : undefined} data-date={d.date}>
              <th scope="row">{d.weekday} {formatDateOnly(d.date, 'dayMonth')}</th>
              <td className="num">{d.count}</td>
              <td className="num">
                {booked(d) ? formatMinutes(Math.round(booked(d))) : '—'}
                {d.busyMinutes > 0 && <span className="small muted"> ({formatMinutes(Math.round(d.busyMinutes))} busy in your calendar)</span>}
              </td>
              <td className="bar-col" aria-hidden="true">
                <span className="load-bar"><span style={{ width: `${Math.round((booked(d) / maxMinutes) * 100)}%` }} /></span>
              </td>
              <td className="wrap flags">
                {d.overScheduled && <span className="badge overdue-badge">Over-scheduled</span>}{' '}
                {d.flags.length > 0 && <span className="small muted">{d.flags.map((f) => FLAG_LABELS[f]).join(', ')}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Step>
  );
}
