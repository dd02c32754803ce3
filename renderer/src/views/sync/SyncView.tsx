export function SyncView() {
  return <section className="view" aria-labelledby="sync-title"><h1 id="sync-title">Sync</h1></section>;
}
