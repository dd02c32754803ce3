import { ACTIVITY_TYPES } from '#shared/domain/index';

export function App() {
  return (
    <main>
      <h1>Fieldbook</h1>
      <p>{ACTIVITY_TYPES.length} activity types</p>
    </main>
  );
}
