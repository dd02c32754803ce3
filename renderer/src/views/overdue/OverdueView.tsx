/** Placeholder: ui-b replaces this with the virtualized overdue queue. */
export function OverdueView() {
  return (
    <section aria-labelledby="overdue-title" className="view">
      <header className="view-header">
        <h1 id="overdue-title">Overdue</h1>
      </header>
      <p className="muted">The overdue queue is on its way.</p>
    </section>
  );
}
