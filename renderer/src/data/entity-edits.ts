/** Local edits of directory records (opportunities, customers): the commands and their queued ops. */
import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import {
  createEntityCommands, entityIssues, entityWithEdits, type EntityCommands, type EditableEntityType, type EntityIssue,
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
  return useLiveQuery(async () => (id ? entityWithEdits(db, type, id) : null), [db, type, id]);
}

export type { EntityIssue };

/** Entity ops the server refused (or that wait behind one), for the Sync view. */
export function useEntityIssues(): EntityIssue[] | undefined {
  const { db } = useApp();
  return useLiveQuery(() => entityIssues(db), [db]);
}
