export function ActivitiesView() {
  return <section className="view" aria-labelledby="activities-title"><h1 id="activities-title">Activities</h1></section>;
}
