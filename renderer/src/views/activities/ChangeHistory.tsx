/**
 * The detail's history of changes made on this device (issue #13, "Undo everything"): each change
 * still waiting, or made this session and sent, with Undo. A change in its undo window reads
 * "Waiting to send (Undo available)", not as stuck; Undo takes it back before the CRM sees it, or
 * sends the inverse where the guide has one (the answer says when there is none).
 */
import { useEffect, useState } from 'react';
import { pastTense, type OutboxOp } from '#shared/sync/index';
import { formatWhen } from '../../lib/format.ts';
import { undoOne, useUndoEntries } from '../../data/undo.ts';

interface Item {
  op: OutboxOp;
  /** Still in the outbox (else sent this session). */
  queued: boolean;
}

function useTick(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function stateText(item: Item, now: number): string {
  const { op } = item;
  if (!item.queued) return 'Sent to the CRM';
  if (op.state === 'inflight' || op.maybe_sent) return 'Sending';
  if (op.state === 'failed') return 'Refused by the CRM (see Sync)';
  if (op.hold_until !== undefined && op.hold_until > now) {
    return `Waiting to send (Undo available, ${Math.ceil((op.hold_until - now) / 1_000)} s)`;
  }
  return 'Waiting to send';
}

export function ChangeHistory({ lid, ops, zone }: { lid: string; ops: OutboxOp[] | undefined; zone: string }) {
  const entries = useUndoEntries();
  const queued = (ops ?? []).filter((o) => o.undo !== undefined);
  const queuedIds = new Set(queued.map((o) => o.op_id));
  const sent = entries.flatMap((e) => e.ops).filter((o) => o.lid === lid && !queuedIds.has(o.op_id));
  const items: Item[] = [...sent.map((op) => ({ op, queued: false })), ...queued.map((op) => ({ op, queued: true }))]
    .sort((a, b) => b.op.created_at - a.op.created_at);
  const now = useTick(queued.some((o) => (o.hold_until ?? 0) > Date.now()));
  if (items.length === 0) return null;
  return (
    <>
      <h3 id="d-changes">Changes made here</h3>
      <dl className="detail-grid">
        {items.map((item) => {
          const what = pastTense(item.op.kind);
          return (
            <div key={item.op.op_id} style={{ display: 'contents' }}>
              <dt>{what[0]?.toUpperCase()}{what.slice(1)} at {formatWhen(item.op.created_at, zone, 'time')}</dt>
              <dd>
                <span className="muted">{stateText(item, now)}</span>{' '}
                <button type="button" className="button small" aria-label={`Undo ${what}`} onClick={() => { void undoOne(item.op); }}>
                  Undo
                </button>
              </dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}
