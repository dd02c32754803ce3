/**
 * Beside an activity's related record: its "not yet synced" mark, and what the rep may do to it
 * here (Edit opportunity, Edit customer, New opportunity for a customer, Apply a plan) with the dialogs.
 */
import type { ActivityableType } from '#shared/domain/index';
import type { DirectoryEntity } from '#shared/sync/index';
import { EditCustomerDialog, EditOpportunityDialog, NewOpportunityDialog } from './EntityDialogs.tsx';
import { ApplyPlanDialog } from '../../views/plans/ApplyPlanDialog.tsx';

export type RelatedDialog = 'edit' | 'new-opportunity' | 'plan' | null;

export interface RelatedRecordActionsProps {
  type: ActivityableType;
  /** The directory row, null when the directory does not have it (then nothing can be edited). Its id may differ from the activity's: a record created here moves to its server id. */
  entity: DirectoryEntity | null;
  open: RelatedDialog;
  onOpen: (d: RelatedDialog) => void;
}

export function RelatedRecordActions({ type, entity, open, onOpen }: RelatedRecordActionsProps) {
  if (!entity || (type !== 'opportunity' && type !== 'customer')) return null;
  const close = () => onOpen(null);
  return (
    <>
    <span className="related-actions">
      {entity.pending === 1 && (
        <span className="sync-mark sync-pending" title="Changes to this record are not yet synced">
          <span className="dot" aria-hidden="true" />
          <span>Not yet synced</span>
        </span>
      )}
      <button type="button" className="button small" onClick={() => onOpen('edit')}>
        {type === 'opportunity' ? 'Edit opportunity' : 'Edit customer'}
      </button>
      {type === 'customer' && (
        <button type="button" className="button small" onClick={() => onOpen('new-opportunity')}>New opportunity</button>
      )}
      <button type="button" className="button small" onClick={() => onOpen('plan')}>Apply a plan</button>
    </span>
      {open === 'edit' && type === 'opportunity' && <EditOpportunityDialog id={entity.id} onClose={close} />}
      {open === 'edit' && type === 'customer' && <EditCustomerDialog id={entity.id} onClose={close} />}
      {open === 'new-opportunity' && <NewOpportunityDialog customerId={entity.id} onClose={close} />}
      {open === 'plan' && <ApplyPlanDialog record={{ type, id: entity.id }} onClose={close} />}
    </>
  );
}
