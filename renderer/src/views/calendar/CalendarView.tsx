/** Placeholder: ui-b replaces this with the FullCalendar view. */
export function CalendarView() {
  return (
    <section aria-labelledby="calendar-title" className="view">
      <header className="view-header">
        <h1 id="calendar-title">Calendar</h1>
      </header>
      <p className="muted">The calendar is on its way.</p>
    </section>
  );
}
