/**
 * Mapping between the guide's Activity (server `id`) and the local row (client `lid`,
 * `server_id`, sync bookkeeping, derived index fields). Commands and the sync engine both write
 * rows through these, so the index fields can never drift from the data they index.
 */
import { FOLLOW_UP_OF_FIELD, isOpen, isPrepTask, PREP_FOR_FIELD, type Activity } from '../domain/index.ts';
import type { LocalActivity, SyncState } from './types.ts';
import { wordsOf } from './words.ts';

export interface IndexFields {
  open: 0 | 1;
  due_ms?: number;
  completed_ms?: number;
  words: string[];
  links?: string[];
}

/** The `links` key of a prep-looking task on a record (see deriveIndexFields). */
export function prepTaskKey(activityableType: string, activityableId: string): string {
  return `prep:${activityableType}:${activityableId}`;
}

type IndexSource = Pick<
  Activity,
  'status' | 'due_at' | 'completed_at' | 'subject' | 'description' | 'outcome' | 'type' | 'tags' | 'custom_fields' | 'activityable_type' | 'activityable_id'
>;

/**
 * The words a local search finds a row by: its subject, description and outcome (the CRM's own
 * search covers subject and description only; the rep searches here, and remembers outcomes).
 */
export function activityWords(a: Pick<Activity, 'subject' | 'description' | 'outcome'>): string[] {
  return wordsOf(a.subject, a.description, a.outcome);
}

/**
 * What the row may be evidence of for the weekly review, so it can be found by key instead of by
 * reading a whole record: the activities it links to (custom_fields.follow_up_of, prep_for) and,
 * for a task that looks like preparation, prepTaskKey of its record. Undefined when none.
 */
export function linkKeys(a: IndexSource): string[] | undefined {
  const keys: string[] = [];
  for (const field of [FOLLOW_UP_OF_FIELD, PREP_FOR_FIELD]) {
    const v = a.custom_fields[field];
    if (typeof v === 'string' && v.length > 0) keys.push(v);
  }
  if (isPrepTask(a)) keys.push(prepTaskKey(a.activityable_type, a.activityable_id));
  return keys.length > 0 ? keys : undefined;
}

/** completed_at in epoch ms, or undefined (then the row is in no completed_ms index). */
export function completedMs(completedAt: string | null | undefined): number | undefined {
  const ms = completedAt ? Date.parse(completedAt) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The derived fields the Dexie indexes read (open, due_ms, completed_ms, words, links). */
export function deriveIndexFields(a: IndexSource): IndexFields {
  const out: IndexFields = { open: isOpen(a.status) ? 1 : 0, words: activityWords(a) };
  const ms = a.due_at ? Date.parse(a.due_at) : Number.NaN;
  if (Number.isFinite(ms)) out.due_ms = ms;
  const done = completedMs(a.completed_at);
  if (done !== undefined) out.completed_ms = done;
  const links = linkKeys(a);
  if (links) out.links = links;
  return out;
}

const OPTIONAL_INDEX_KEYS = ['due_ms', 'completed_ms', 'links'] as const;

/**
 * `row` with its index fields derived again from its own fields. One that no longer applies is
 * dropped (due_ms after due_at was cleared), which spreading deriveIndexFields over it would keep.
 */
export function reindexed<T extends LocalActivity>(row: T): T {
  const copy: T = { ...row };
  for (const k of OPTIONAL_INDEX_KEYS) delete copy[k];
  return { ...copy, ...deriveIndexFields(row) };
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

const LOCAL_ONLY_KEYS = ['lid', 'server_id', 'base', 'sync', 'deleted', 'open', 'due_ms', 'completed_ms', 'words', 'links', 'seen_in_pull'] as const;

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
