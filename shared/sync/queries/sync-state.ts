/**
 * What the rep sees of the queues: one activity's ops and conflicts, the Sync view's failed ops
 * and conflicts (with their activities' subjects), and the directory records' refused edits.
 */
import type { FieldbookDB } from '../db.ts';
import { entityOpsOf, entityView } from '../entity-commands.ts';
import type { ConflictRecord, DirectoryEntity, EditableEntityType, EntityOp, LocalActivity, OutboxOp } from '../types.ts';

/** The outbox ops of one activity, in queue order (its sync state, a failed op's message). */
export async function opsOfActivity(db: FieldbookDB, lid: string): Promise<OutboxOp[]> {
  return db.outbox.where('lid').equals(lid).sortBy('seq');
}

/** The conflicts recorded for one activity. */
export async function conflictsOfActivity(db: FieldbookDB, lid: string): Promise<ConflictRecord[]> {
  return db.conflicts.where('lid').equals(lid).toArray();
}

export interface SyncIssues {
  failed: (OutboxOp & { subject: string })[];
  conflicts: (ConflictRecord & { subject: string })[];
}

/** Every failed op (queue order) and conflict (oldest first), with the subject of its activity, for the Sync view. */
export async function syncIssues(db: FieldbookDB): Promise<SyncIssues> {
  const [failed, conflicts] = await Promise.all([
    db.outbox.where('state').equals('failed').sortBy('seq'),
    db.conflicts.toArray(),
  ]);
  const lids = [...new Set([...failed.map((o) => o.lid), ...conflicts.map((c) => c.lid)])];
  const rows = await db.activities.bulkGet(lids);
  const subjects = new Map(rows.filter((r): r is LocalActivity => !!r).map((r) => [r.lid, r.subject]));
  const subject = (lid: string) => subjects.get(lid) ?? '(activity no longer on this device)';
  return {
    failed: failed.map((o) => ({ ...o, subject: subject(o.lid) })),
    conflicts: conflicts.sort((a, b) => a.created_at - b.created_at).map((c) => ({ ...c, subject: subject(c.lid) })),
  };
}

export interface EntityWithEdits {
  row: DirectoryEntity;
  ops: EntityOp[];
  /** The server's fields with the queued edits on top. */
  view: Record<string, unknown>;
}

/** A record as the rep sees it, with its queued ops; null when the directory does not have it. */
export async function entityWithEdits(db: FieldbookDB, type: EditableEntityType, id: string): Promise<EntityWithEdits | null> {
  const row = await db.entities.get([type, id]);
  if (!row) return null;
  const ops = await entityOpsOf(db, type, id);
  return { row, ops, view: entityView(row, ops) };
}

export interface EntityIssue {
  op: EntityOp;
  /** The record's name as shown here. */
  name: string;
}

/** Entity ops the server refused (or that wait behind one), in queue order, for the Sync view. */
export async function entityIssues(db: FieldbookDB): Promise<EntityIssue[]> {
  const bad = await db.entity_outbox.where('state').anyOf('failed', 'blocked').sortBy('seq');
  const rows = await db.entities.bulkGet(bad.map((o) => [o.type, o.entity_id] as [string, string]));
  return bad.map((op, i) => ({ op, name: rows[i]?.name ?? (typeof op.payload.name === 'string' ? op.payload.name : op.entity_id) }));
}
