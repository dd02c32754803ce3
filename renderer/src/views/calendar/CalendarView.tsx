/**
 * Day, week and month calendar (FullCalendar). Activities come live from Dexie for the visible
 * range; drag or resize reschedules through the commands; an empty slot opens create with the
 * time filled in (the form itself warns, never blocking, when the day gets too full or too tight).
 * Day, week and month all show the selected date (today at first): switching keeps it.
 */
import { useCallback, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import interactionPlugin from '@fullcalendar/interaction';
import type {
  DatesSetArg, DateSelectArg, DayCellMountArg, EventClickArg, EventContentArg, EventDropArg, EventMountArg, MoreLinkMountArg,
} from '@fullcalendar/core';
import type { EventResizeDoneArg } from '@fullcalendar/interaction';
import { ACTIVITY_TYPE_LABELS } from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { dateAtLocalTime } from '../outcome/outcome-model.ts';
import {
  KEY_MOVE_SHORTCUTS, keyMove, legendTypes, shownDuration, slotWarnings, toEvents, type PlacedEvent,
} from './calendar-model.ts';
import { dateFnsTimeZonePlugin } from './fc-timezone.ts';
import { typeFill } from '../../styles/palette.ts';
import { dayInZone, displayLocale, styleOptions } from '../../lib/format.ts';
import { useCalendarRange, useNow } from '../../lib/hooks.ts';
import { MoveDialog, ReasonDialog, hoursWarnings, moveNow, type PendingMove } from './MoveDialog.tsx';
import type { UndoEntry } from '#shared/sync/index';
import './calendar.css';
import { BUSY_LABEL, useBusyBlocks, useBusyEvents } from '../../caldav/busy.ts';
import type { EventInput } from '@fullcalendar/core';

type Mode = 'day' | 'week' | 'month';
const FC_VIEWS: Record<Mode, string> = { day: 'timeGridDay', week: 'timeGridWeek', month: 'dayGridMonth' };
const MODE_LABELS: Record<Mode, string> = { day: 'Day', week: 'Week', month: 'Month' };
const PERIOD: Record<Mode, string> = { day: 'day', week: 'week', month: 'month' };
/** Module-level, so its identity never changes (see useStable). */
const PLUGINS = [dayGridPlugin, timeGridPlugin, interactionPlugin, dateFnsTimeZonePlugin];

/**
 * Stable wrappers that call the latest of `fns`. FullCalendar's React component hands every prop
 * to resetOptions on each render, and any option whose identity changed (a new closure, a new
 * object) makes it refine its options anew and re-render the whole calendar, measuring every
 * event's column again (a forced layout of all drawn events); with stable props a re-render that
 * changed nothing in the calendar costs nothing there.
 */
function useStable<T extends Record<string, (...args: never[]) => unknown>>(fns: T): T {
  const latest = useRef(fns);
  latest.current = fns;
  const [stable] = useState(() => Object.fromEntries(Object.keys(fns).map((k) => [
    k, (...args: never[]) => (latest.current[k] as (...a: never[]) => unknown)(...args),
  ])) as T);
  return stable;
}

/** A week this narrow gives three side-by-side activities under 40 px each: too thin for a word. */
const NARROW_WEEK = '(max-width: 900px)';

function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (changed) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', changed);
      return () => list.removeEventListener('change', changed);
    },
    () => window.matchMedia(query).matches,
  );
}

export function CalendarView() {
  const { settings, commands } = useApp();
  const zone = settings.timeZone;
  const mode = useUiStore((s) => s.calendarMode);
  const setMode = useUiStore((s) => s.setCalendarMode);
  const selectedDate = useUiStore((s) => s.selectedDate);
  const setSelectedDate = useUiStore((s) => s.setSelectedDate);
  const openActivity = useUiStore((s) => s.openActivity);
  const openCreate = useUiStore((s) => s.openCreate);
  const calRef = useRef<FullCalendar>(null);
  const [range, setRange] = useState<{ start: number; end: number; title: string } | null>(null);
  const [move, setMove] = useState<PendingMove | null>(null);
  const [reasonFor, setReasonFor] = useState<{ entry: UndoEntry; subject: string } | null>(null);
  const now = useNow();
  const narrow = useMedia(NARROW_WEEK);
  const rows = useCalendarRange(range?.start ?? null, range?.end ?? null);
  // The events' names are written in the rep's locale: a locale change names them anew.
  const locale = displayLocale();
  const events = useMemo<PlacedEvent[]>(() => toEvents(rows ?? [], now, zone), [rows, now, zone, locale]);
  // A sync landing mid-drag would re-render the events and drop the drag (or snap the moved event
  // back while the dialog asks for a reason): hold the events still from drag start to dialog close.
  const [dragging, setDragging] = useState(false);
  // The rep's other calendar events as busy blocks behind the activities (issue #14).
  // The rep's other calendar events: drawn as busy blocks, and counted by the move warnings.
  const busyBlocks = useBusyBlocks(range?.start ?? null, range?.end ?? null);
  const busy = useBusyEvents(busyBlocks);
  const withBusy = useMemo<EventInput[]>(() => (busy.length ? [...events, ...busy] : events), [events, busy]);
  const held = useRef<EventInput[]>(withBusy);
  if (!dragging && !move) held.current = withBusy;
  const onDragStart = () => setDragging(true);
  const onDragStop = () => setDragging(false);
  const present = useMemo(() => legendTypes(events.map((e) => ({ type: e.extendedProps.type }))), [events]);
  const api = () => calRef.current?.getApi();

  // The selected date is a day, not the first day shown: a week starts on Monday, the selected
  // Thursday stays Thursday, and Day or Month open on it. Previous/Next move it by the period.
  const selectedRef = useRef(selectedDate);
  const wrapRef = useRef<HTMLDivElement>(null);
  selectedRef.current = selectedDate;
  const onDatesSet = useCallback((arg: DatesSetArg) => {
    setRange({ start: arg.start.getTime(), end: arg.end.getTime(), title: arg.view.title });
    const first = dayInZone(arg.view.currentStart, zone);
    const afterLast = dayInZone(arg.view.currentEnd, zone);
    const sel = selectedRef.current;
    if (sel < first || sel >= afterLast) setSelectedDate(dayInZone(arg.view.calendar.getDate(), zone));
    // A day with nothing on it has nothing focusable in its scrolling time grid: its day column
    // (inside the grid's cell, where the grid's roles allow it) takes focus then, so the keyboard
    // can scroll the grid (FullCalendar draws it after this callback).
    requestAnimationFrame(() => {
      for (const el of wrapRef.current?.querySelectorAll<HTMLElement>('.fc-scroller') ?? []) {
        if (el.scrollHeight <= el.clientHeight || el.querySelector('[tabindex], a[href], button')) continue;
        const column = el.querySelector<HTMLElement>('.fc-timegrid-col:not(.fc-timegrid-axis) .fc-timegrid-col-frame');
        if (column) column.tabIndex = 0;
      }
    });
  }, [setSelectedDate, zone]);

  const switchMode = (m: Mode) => {
    setMode(m);
    api()?.changeView(FC_VIEWS[m], selectedDate);
  };

  const step = (by: 1 | -1) => {
    const next = shiftDate(selectedDate, mode, by);
    setSelectedDate(next);
    api()?.gotoDate(next);
  };

  const today = () => {
    const d = dayInZone(new Date(), zone);
    setSelectedDate(d);
    api()?.gotoDate(d);
  };

  const onSelect = (arg: DateSelectArg) => {
    api()?.unselect();
    const start = arg.allDay ? new Date(dateAtLocalTime(arg.startStr.slice(0, 10), settings.workingHours.start, zone)) : arg.start;
    const selected = Math.round((arg.end.getTime() - arg.start.getTime()) / 60_000);
    // A click is one slot: the form then plans the type's usual length. Dragging over more than a
    // slot says how long it takes.
    const dragged = !arg.allDay && selected > 30;
    openCreate({ due_at: `${start.toISOString().slice(0, 19)}Z`, ...(dragged ? { duration_minutes: selected } : {}) });
  };

  const onChange = (arg: EventDropArg | EventResizeDoneArg) => {
    const ev = arg.event;
    const old = arg.oldEvent;
    const lid = String(ev.extendedProps.lid);
    const activity = rows?.find((a) => a.lid === lid);
    if (!ev.start || !old.start || !activity) {
      arg.revert();
      return;
    }
    const newMinutes = ev.end ? Math.round((ev.end.getTime() - ev.start.getTime()) / 60_000) : shownDuration(activity.duration_minutes);
    const shown = shownDuration(activity.duration_minutes);
    const warnings = [
      ...hoursWarnings(ev.start, newMinutes, settings.workingHours, zone),
      ...slotWarnings({ start: ev.start, end: new Date(ev.start.getTime() + newMinutes * 60_000) }, rows ?? [], zone, lid, busyBlocks),
    ];
    const pending: PendingMove = {
      lid,
      subject: activity.subject,
      oldStart: old.start,
      newStart: ev.start,
      oldMinutes: activity.duration_minutes,
      // A drag keeps the planned duration as stored; only a resize sets a new one.
      newMinutes: newMinutes === shown ? (activity.duration_minutes ?? shown) : newMinutes,
      warnings,
      revert: arg.revert,
    };
    // Like any calendar: the drop is the move (Undo and "Add reason" in its notice); only a drop
    // the schedule warns about (too full, outside working hours) asks first.
    if (warnings.length > 0) setMove(pending);
    else void moveNow(commands, pending, zone, (entry) => setReasonFor({ entry, subject: activity.subject }));
  };

  const onEventClick = (arg: EventClickArg) => {
    arg.jsEvent.preventDefault();
    openActivity(String(arg.event.extendedProps.lid));
  };

  // The keyboard's drag and resize (Alt+arrows on a focused activity), read through a ref: the
  // listener is attached once per event element and must see this render's rows.
  const onEventKey = useRef<(el: HTMLElement, e: KeyboardEvent) => void>(() => {});
  onEventKey.current = (el, e) => {
    const lid = el.dataset.lid;
    const activity = rows?.find((a) => a.lid === lid);
    if (!lid || !activity?.due_at || el.dataset.editable !== 'true' || move) return;
    const oldStart = new Date(activity.due_at);
    const shown = shownDuration(activity.duration_minutes);
    const next = keyMove(e, oldStart, shown, zone);
    if (!next) return;
    e.preventDefault();
    e.stopPropagation();
    setMove({
      lid,
      subject: activity.subject,
      oldStart,
      newStart: next.start,
      oldMinutes: activity.duration_minutes,
      newMinutes: next.minutes === shown ? (activity.duration_minutes ?? shown) : next.minutes,
      warnings: slotWarnings({ start: next.start, end: new Date(next.start.getTime() + next.minutes * 60_000) }, rows ?? [], zone, lid, busyBlocks),
      // Nothing moved on screen; cancelling puts the rep back on the activity.
      revert: () => el.focus(),
      byKeyboard: true,
    });
  };

  // Month cells: FullCalendar names each cell by its day number alone (aria-labelledby) while the
  // cell holds its events too, so the name and the content disagree; the content names it.
  const onDayCellMount = (arg: DayCellMountArg) => arg.el.removeAttribute('aria-labelledby');
  // "+N more": an <a> without href carrying aria-expanded, which only a button may have.
  const onMoreLinkMount = (arg: MoreLinkMountArg) => {
    if (!arg.el.hasAttribute('href')) arg.el.setAttribute('role', 'button');
  };

  const onEventMount = (arg: EventMountArg) => {
    // A busy block is not an activity: no button, nothing to move; its name says what it is.
    if (arg.event.display === 'background') {
      arg.el.title = BUSY_LABEL;
      return;
    }
    // FullCalendar renders events as <a tabindex=0> without a role; its text (time, subject and
    // the hidden details) is the name, so what is heard matches what is seen.
    arg.el.setAttribute('role', 'button');
    arg.el.dataset.lid = String(arg.event.extendedProps.lid);
    arg.el.dataset.editable = String(arg.event.startEditable);
    if (arg.event.startEditable) arg.el.setAttribute('aria-keyshortcuts', KEY_MOVE_SHORTCUTS);
    arg.el.addEventListener('keydown', (e) => onEventKey.current(arg.el, e));
  };

  const businessHours = useMemo(
    () => ({ daysOfWeek: [1, 2, 3, 4, 5], startTime: settings.workingHours.start, endTime: settings.workingHours.end }),
    [settings.workingHours.start, settings.workingHours.end],
  );
  const formats = useMemo(() => ({
    dayHeader: mode === 'month' ? { weekday: 'short' as const } : styleOptions('day', locale),
    time: styleOptions('time', locale),
  }), [mode, locale]);
  const handlers = useStable({
    onDragStart, onDragStop, onSelect, onChange, onEventClick, onEventMount, onDayCellMount, onMoreLinkMount,
  });

  return (
    <section aria-labelledby="calendar-title" className="view fb-calendar-view">
      <header className="view-header">
        <h1 id="calendar-title">Calendar</h1>
        <div className="fb-cal-toolbar">
          <div className="fb-cal-nav" role="group" aria-label="Move through the calendar">
            <button type="button" className="button small" aria-label={`Previous ${PERIOD[mode]}`} onClick={() => step(-1)}>
              <span aria-hidden="true">‹</span>
            </button>
            <button type="button" className="button small" onClick={today}>Today</button>
            <button type="button" className="button small" aria-label={`Next ${PERIOD[mode]}`} onClick={() => step(1)}>
              <span aria-hidden="true">›</span>
            </button>
          </div>
          <h2 className="fb-cal-title" aria-live="polite">{range?.title ?? ''}</h2>
          <div className="fb-segmented" role="group" aria-label="Calendar view">
            {(Object.keys(FC_VIEWS) as Mode[]).map((m) => (
              <button key={m} type="button" className="button small" aria-pressed={mode === m} onClick={() => switchMode(m)}>
                {MODE_LABELS[m]}
              </button>
            ))}
          </div>
        </div>
      </header>

      <div className="fb-cal-wrap" aria-busy={rows === undefined} ref={wrapRef}>
        <FullCalendar
          ref={calRef}
          plugins={PLUGINS}
          initialView={FC_VIEWS[mode]}
          initialDate={selectedDate}
          timeZone={zone}
          headerToolbar={false}
          height="100%"
          firstDay={1}
          nowIndicator
          allDaySlot={false}
          slotDuration="00:30:00"
          scrollTime={`${settings.workingHours.start}:00`}
          businessHours={businessHours}
          locale={locale}
          dayHeaderFormat={formats.dayHeader}
          slotLabelFormat={formats.time}
          eventTimeFormat={formats.time}
          // A month cell shows what fits its height, the rest behind "+N more" (never a cut-off row).
          dayMaxEvents
          // At most three side by side in a day column, the rest behind a "+N" link: a crowded day
          // stays readable, and a week of 200 activities draws in a fraction of the time.
          // (Two in a narrow week, where they cascade: a third would get a third of the day.)
          eventMaxStack={narrow && mode === 'week' ? 2 : 3}
          // Side by side, not stacked like cards: a later activity never covers an earlier one's title.
          // In a narrow week, side by side leaves each a sliver that breaks words mid-word: there they
          // cascade (each later one overlaps the one before, offset), so each keeps most of the column
          // and its first line (time and title) shows above the next.
          slotEventOverlap={narrow && mode === 'week'}
          // A 15-minute activity is still one line tall; anything under 45 minutes is drawn as a short
          // event (time and title on one line, the title cut with an ellipsis, all of it on hover).
          eventMinHeight={20}
          eventShortHeight={45}
          eventDisplay="block"
          displayEventEnd={false}
          editable
          selectable
          selectMirror
          eventDurationEditable
          snapDuration="00:15:00"
          events={held.current}
          eventDragStart={handlers.onDragStart}
          eventDragStop={handlers.onDragStop}
          eventResizeStart={handlers.onDragStart}
          eventResizeStop={handlers.onDragStop}
          datesSet={onDatesSet}
          select={handlers.onSelect}
          eventDrop={handlers.onChange}
          eventResize={handlers.onChange}
          eventClick={handlers.onEventClick}
          eventDidMount={handlers.onEventMount}
          dayCellDidMount={handlers.onDayCellMount}
          moreLinkDidMount={handlers.onMoreLinkMount}
          eventContent={renderEvent}
        />
      </div>

      <div className="fb-legend" aria-label="Legend">
        <span className="fb-legend-title">Legend</span>
        <ul>
          {present.map((t) => (
            <li key={t}>
              <span className="fb-swatch" style={{ background: typeFill(t) }} aria-hidden="true" />
              {ACTIVITY_TYPE_LABELS[t]}
            </li>
          ))}
          <li><span className="fb-swatch fb-swatch-overdue" aria-hidden="true">⚠</span>Overdue</li>
          <li><span className="fb-unsynced-dot" aria-hidden="true" />Not yet synced</li>
          {busy.length > 0 && <li><span className="fb-swatch" style={{ background: 'var(--text-3)', opacity: 0.3 }} aria-hidden="true" />{BUSY_LABEL}</li>}
        </ul>
        <span className="muted small">
          Click an empty slot to add; drag to reschedule; drag the bottom edge to change duration. Keyboard: on an
          activity, <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> moves 15 min, <kbd>Alt</kbd>+<kbd>←</kbd>/<kbd>→</kbd> a day,
          {' '}<kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> changes the duration.
        </span>
      </div>

      {move && <MoveDialog move={move} onDone={() => setMove(null)} />}
      {reasonFor && <ReasonDialog entry={reasonFor.entry} subject={reasonFor.subject} onDone={() => setReasonFor(null)} />}
    </section>
  );
}

/** YYYY-MM-DD moved by a day, a week or a month (the day of month clamped, 31 Jan → 28 Feb). */
export function shiftDate(date: string, mode: Mode, by: 1 | -1): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (mode === 'month') {
    const last = new Date(Date.UTC(y, m - 1 + by + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, m - 1 + by, Math.min(d, last))).toISOString().slice(0, 10);
  }
  return new Date(Date.UTC(y, m - 1, d + by * (mode === 'week' ? 7 : 1))).toISOString().slice(0, 10);
}

/**
 * An event's content as plain DOM nodes, not React elements. Given React elements, FullCalendar's
 * React connector (6.1) draws each event through a portal and, when FullCalendar re-renders more
 * than 100 ms after its last draw (a slow or busy machine, its first sizing pass, a resize), pushes
 * them with flushSync; when that happens inside React's commit (its own setState callback calls
 * updateSize), React warns "flushSync was called from inside a lifecycle method" (fullcalendar
 * issues 7334, 7448). Nodes FullCalendar places itself never pass through React, so never flush.
 */
function renderEvent(arg: EventContentArg): { domNodes: Node[] } {
  if (arg.event.display === 'background') {
    const label = document.createElement('span');
    label.className = 'sr-only';
    label.textContent = BUSY_LABEL;
    return { domNodes: [label] };
  }
  const el = (tag: string, className: string, text?: string, hidden = false): HTMLElement => {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    if (hidden) node.setAttribute('aria-hidden', 'true');
    return node;
  };
  const overdue = arg.event.extendedProps.overdue === true;
  const unsynced = arg.event.extendedProps.unsynced === true;
  const root = el('div', 'fb-ev');
  root.title = String(arg.event.extendedProps.accessibleName);
  const line = el('div', 'fb-ev-line');
  if (overdue) line.append(el('span', 'fb-ev-flag', '⚠', true));
  if (arg.event.classNames.includes('fb-completed')) line.append(el('span', 'fb-ev-done', '✓', true));
  if (arg.timeText) line.append(el('span', 'fb-ev-time', arg.timeText));
  line.append(' ', el('span', 'fb-ev-title', arg.event.title), el('span', 'sr-only', `, ${String(arg.event.extendedProps.details)}`));
  root.append(line);
  if (unsynced) root.append(el('span', 'fb-ev-unsynced', undefined, true));
  return { domNodes: [root] };
}
