/**
 * Mapping between the guide's Activity (server `id`) and the local row (client `lid`,
 * `server_id`, sync bookkeeping, derived index fields). Commands and the sync engine both write
 * rows through these, so the index fields can never drift from the data they index.
 */
import { isOpen, type Activity } from '../domain/index.ts';
import type { LocalActivity, SyncState } from './types.ts';
import { wordsOf } from './words.ts';

export interface IndexFields {
  open: 0 | 1;
  due_ms?: number;
  completed_ms?: number;
  words: string[];
}

/** completed_at in epoch ms, or undefined (then the row is in no completed_ms index). */
export function completedMs(completedAt: string | null | undefined): number | undefined {
  const ms = completedAt ? Date.parse(completedAt) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The derived fields the Dexie indexes read (open, due_ms, completed_ms, words). */
export function deriveIndexFields(a: Pick<Activity, 'status' | 'due_at' | 'completed_at' | 'subject' | 'description'>): IndexFields {
  const out: IndexFields = { open: isOpen(a.status) ? 1 : 0, words: wordsOf(a.subject, a.description) };
  const ms = a.due_at ? Date.parse(a.due_at) : Number.NaN;
  if (Number.isFinite(ms)) out.due_ms = ms;
  const done = completedMs(a.completed_at);
  if (done !== undefined) out.completed_ms = done;
  return out;
}

export interface ToLocalRowOptions {
  lid: string;
  /** The server snapshot to merge against later; for a server record usually the record itself. */
  base: Activity | null;
  sync: SyncState;
  /** Defaults to `activity.id` (a server record). Pass null for a record only this device knows. */
  server_id?: string | null;
  deleted?: 0 | 1;
  seen_in_pull?: string;
}

/** An Activity (e.g. a server snapshot) as a local row; `id` becomes `server_id`. */
export function toLocalRow(activity: Activity, opts: ToLocalRowOptions): LocalActivity {
  const { id, ...fields } = activity;
  const row: LocalActivity = {
    ...fields,
    lid: opts.lid,
    server_id: opts.server_id === undefined ? id : opts.server_id,
    base: opts.base,
    sync: opts.sync,
    deleted: opts.deleted ?? 0,
    ...deriveIndexFields(activity),
  };
  if (opts.seen_in_pull !== undefined) row.seen_in_pull = opts.seen_in_pull;
  return row;
}

const LOCAL_ONLY_KEYS = ['lid', 'server_id', 'base', 'sync', 'deleted', 'open', 'due_ms', 'completed_ms', 'words', 'seen_in_pull'] as const;

/**
 * The guide's Activity for a local row: `id` is the server id, or the lid while the server
 * doesn't know the record yet. Bookkeeping and index fields are dropped.
 */
export function fromLocalRow(row: LocalActivity): Activity {
  const copy: Record<string, unknown> = { ...row };
  for (const k of LOCAL_ONLY_KEYS) delete copy[k];
  return { ...(copy as Omit<Activity, 'id'>), id: row.server_id ?? row.lid };
}

/**
 * The row after `next` (the result of a domain rule on fromLocalRow(row)) replaces its fields:
 * identity, base, deletion and pull bookkeeping are kept; index fields are derived again.
 */
export function withActivity(row: LocalActivity, next: Activity, sync: SyncState = row.sync): LocalActivity {
  const out = toLocalRow(next, {
    lid: row.lid,
    base: row.base,
    sync,
    server_id: row.server_id,
    deleted: row.deleted,
    ...(row.seen_in_pull !== undefined ? { seen_in_pull: row.seen_in_pull } : {}),
  });
  return out;
}
