/** Refused changes to opportunities and customers (the entity outbox), each with Retry and Discard; shown inside Sync's "Refused changes". */
import { useState } from 'react';
import type { EntityOp } from '#shared/sync/index';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { useEntityCommands, type EntityIssue } from '../../data/entity-edits.ts';
import { useAttempt } from './attempt.ts';

const WHAT: Record<EntityOp['type'], string> = { opportunity: 'opportunity', customer: 'customer' };

function label(op: EntityOp): string {
  return op.kind === 'create' ? `New ${WHAT[op.type]}` : `Edit ${WHAT[op.type]}`;
}

export function EntityIssues({ issues }: { issues: readonly EntityIssue[] | undefined }) {
  const commands = useEntityCommands();
  const [discard, setDiscard] = useState<EntityIssue | null>(null);

  const attempt = useAttempt();

  if (!issues?.length) return null;
  return (
    <>
      {issues.map(({ op, name }) => (
        <article key={op.op_id} className="issue" aria-label={`${label(op)}: ${name}`}>
          <div className="issue-head">
            <div><strong>{label(op)}</strong> · {name}</div>
            <span className="muted small">
              {op.state === 'blocked' ? 'Waiting behind a refused change' : `${op.attempts} attempt${op.attempts === 1 ? '' : 's'}`}
              {op.last_status ? ` · HTTP ${op.last_status}` : ''}
            </span>
          </div>
          {op.state === 'failed' && <p className="issue-message">{op.last_error ?? 'The CRM refused this change.'}</p>}
          <div className="action-bar">
            <button type="button" className="button small" disabled={op.state !== 'failed'} onClick={() => { void attempt('Queued again.', () => commands.retryOp(op.op_id)); }}>Retry</button>
            <button type="button" className="button small danger-text" onClick={() => setDiscard({ op, name })}>Discard</button>
          </div>
        </article>
      ))}
      {discard && (
        <ConfirmDialog
          title="Discard this change?"
          message={<p>{label(discard.op)} “{discard.name}” will be thrown away{discard.op.kind === 'create' ? '' : ' and the record goes back to the CRM’s version'}. This cannot be undone.</p>}
          confirmLabel="Discard change"
          danger
          onCancel={() => setDiscard(null)}
          onConfirm={() => {
            const op = discard.op;
            setDiscard(null);
            void attempt('Change discarded.', () => commands.discardOp(op.op_id));
          }}
        />
      )}
    </>
  );
}
