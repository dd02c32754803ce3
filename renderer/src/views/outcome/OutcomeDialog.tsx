/** Placeholder: ui-b replaces this with outcome entry. Rendered by the shell while outcomeLid is set. */
import { useUiStore } from '../../state/store.ts';

export function OutcomeDialog({ lid }: { lid: string }) {
  const close = useUiStore((s) => s.closeOutcome);
  return (
    <div role="dialog" aria-modal="true" aria-label="Complete activity" className="dialog">
      <p>Outcome entry for {lid} is on its way.</p>
      <button type="button" onClick={close}>Close</button>
    </div>
  );
}
