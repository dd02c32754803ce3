/** Local edits of directory records (opportunities, customers): the commands and their queued ops. */
import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import {
  createEntityCommands, entityOpsOf, entityView, type EntityCommands, type EditableEntityType, type EntityOp,
} from '#shared/sync/index';
import { useApp } from '../app/context.tsx';

/** Entity commands over this window's store; each change asks the engine for a push. */
export function useEntityCommands(): EntityCommands {
  const { db, engine } = useApp();
  return useMemo(() => createEntityCommands(db, { onChange: () => engine?.notifyLocalChange() }), [db, engine]);
}

/**
 * A record as the rep sees it: the server's fields with the queued edits on top, and the
 * queued ops themselves (pending mark, failed state). Undefined while loading, null if unknown.
 */
export function useEntityWithEdits(type: EditableEntityType, id: string | null | undefined) {
  const { db } = useApp();
  return useLiveQuery(async () => {
    if (!id) return null;
    const row = await db.entities.get([type, id]);
    if (!row) return null;
    const ops = await entityOpsOf(db, type, id);
    return { row, ops, view: entityView(row, ops) };
  }, [db, type, id]);
}

export interface EntityIssue {
  op: EntityOp;
  /** The record's name as shown here. */
  name: string;
}

/** Entity ops the server refused (or that wait behind one), for the Sync view. */
export function useEntityIssues(): EntityIssue[] | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => {
    const bad = await db.entity_outbox.where('state').anyOf('failed', 'blocked').sortBy('seq');
    const rows = await db.entities.bulkGet(bad.map((o) => [o.type, o.entity_id] as [string, string]));
    return bad.map((op, i) => ({ op, name: rows[i]?.name ?? (typeof op.payload.name === 'string' ? op.payload.name : op.entity_id) }));
  }, [db]);
}
