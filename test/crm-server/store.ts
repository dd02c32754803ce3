/**
 * The stand-in CRM's storage: SQLite via better-sqlite3. Each activity is a JSON document plus the
 * columns its lists filter and sort on (indexed), so a page of 100 out of 20 000+ rows is one
 * indexed query, not load-all-then-filter. Deletes are soft (`deleted_at`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  OPEN_STATUSES, PRIORITY_RANK, instantMs,
  type Activity, type DirectoryType, type ListQuery,
} from '#shared/domain/index';

export type Db = Database.Database;

/** An entity of the directory (lead, customer, opportunity, contact, user): id, name and any fields. */
export interface EntityRecord {
  id: string;
  name: string;
  [field: string]: unknown;
}

export interface StoredActivity {
  activity: Activity;
  etag: string;
  deleted_at: string | null;
}

export interface StoredReply {
  fingerprint: string;
  status: number;
  body: string;
  headers: Record<string, string>;
  created_ms: number;
}

export interface ActivityFilter extends Omit<ListQuery, 'includes' | 'per_page' | 'page' | 'search'> {
  /** Lower-cased words; each must occur in subject or description. */
  words?: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Bump when the tables change: an older data directory is refused with a clear message. */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activities (
  id TEXT PRIMARY KEY,
  etag TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  priority_rank INTEGER NOT NULL,
  assigned_user_id TEXT NOT NULL,
  activityable_type TEXT NOT NULL,
  activityable_id TEXT NOT NULL,
  due_ms INTEGER,
  -- due_ms, or NO_DUE for none: ascending order puts activities without a due date last.
  due_key INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  search_text TEXT NOT NULL,
  deleted_at TEXT
);
-- The JSON documents live apart so that filtering and sorting scans only the narrow rows above.
CREATE TABLE IF NOT EXISTS activity_docs (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS activities_due ON activities (due_key, id) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS activities_user_due ON activities (assigned_user_id, due_key) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS activities_status_due ON activities (status, due_key) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS activities_entity ON activities (activityable_type, activityable_id, due_key) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS activities_created ON activities (created_ms, id) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS activities_status_created ON activities (status, created_ms) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS activities_updated ON activities (updated_ms) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS entities (
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  search_text TEXT NOT NULL,
  data TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (type, id)
);
CREATE INDEX IF NOT EXISTS entities_name ON entities (type, name, id);
CREATE TABLE IF NOT EXISTS idempotency (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  headers TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_ms);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Fields kept out of the stored document: derived at response time. */
type StoredDoc = Omit<Activity, 'is_overdue' | 'activityable' | 'contact' | 'assigned_user'>;

/** Sort key of activities without a due date (after every real date). */
const NO_DUE = 8_640_000_000_000_000;
const OPEN_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
const DAY_MS = 86_400_000;

export function openDb(dataDir: string | undefined): Db {
  let file = ':memory:';
  if (dataDir !== undefined && dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'crm.sqlite');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  const hasTables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'activities'").pluck().get() as number;
  if (hasTables && version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`${file} was written by another version of the stand-in CRM (schema ${version}, this is ${SCHEMA_VERSION}). Delete that data directory and start again.`);
  }
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}

export function etagOf(data: string): string {
  return `"${createHash('sha1').update(data).digest('hex').slice(0, 20)}"`;
}

export class CrmStore {
  private readonly stmt;

  constructor(readonly db: Db) {
    this.stmt = {
      getActivity: db.prepare<[string], { data: string; etag: string; deleted_at: string | null }>(
        'SELECT d.data, a.etag, a.deleted_at FROM activities a JOIN activity_docs d ON d.id = a.id WHERE a.id = ?',
      ),
      getDoc: db.prepare<[string], { data: string }>('SELECT data FROM activity_docs WHERE id = ?'),
      upsertDoc: db.prepare<[string, string]>('INSERT OR REPLACE INTO activity_docs (id, data) VALUES (?, ?)'),
      upsertActivity: db.prepare(`
        INSERT INTO activities (id, etag, type, status, priority_rank, assigned_user_id, activityable_type,
          activityable_id, due_ms, due_key, created_ms, updated_ms, search_text, deleted_at)
        VALUES (@id, @etag, @type, @status, @priority_rank, @assigned_user_id, @activityable_type,
          @activityable_id, @due_ms, @due_key, @created_ms, @updated_ms, @search_text, NULL)
        ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, type = excluded.type,
          status = excluded.status, priority_rank = excluded.priority_rank, assigned_user_id = excluded.assigned_user_id,
          activityable_type = excluded.activityable_type, activityable_id = excluded.activityable_id,
          due_ms = excluded.due_ms, due_key = excluded.due_key, updated_ms = excluded.updated_ms, search_text = excluded.search_text`),
      softDelete: db.prepare<[string, number, string]>('UPDATE activities SET deleted_at = ?, updated_ms = ? WHERE id = ? AND deleted_at IS NULL'),
      getEntity: db.prepare<[string, string], { data: string }>('SELECT data FROM entities WHERE type = ? AND id = ?'),
      upsertEntity: db.prepare(`
        INSERT INTO entities (type, id, name, search_text, data, created_ms, updated_ms)
        VALUES (@type, @id, @name, @search_text, @data, @created_ms, @updated_ms)
        ON CONFLICT (type, id) DO UPDATE SET name = excluded.name, search_text = excluded.search_text,
          data = excluded.data, updated_ms = excluded.updated_ms`),
      getReply: db.prepare<[string, string], Omit<StoredReply, 'headers'> & { headers: string }>(
        'SELECT fingerprint, status, body, headers, created_ms FROM idempotency WHERE scope = ? AND key = ?',
      ),
      putReply: db.prepare(
        'INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, status, body, headers, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      purgeReplies: db.prepare<[number]>('DELETE FROM idempotency WHERE created_ms < ?'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      countActivities: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM activities'),
    };
  }

  // --- activities -------------------------------------------------------------------------

  getActivity(id: string): StoredActivity | undefined {
    const row = this.stmt.getActivity.get(id);
    if (!row) return undefined;
    return { activity: { ...(JSON.parse(row.data) as StoredDoc), is_overdue: false }, etag: row.etag, deleted_at: row.deleted_at };
  }

  /** A live (not soft-deleted) activity. */
  liveActivity(id: string): StoredActivity | undefined {
    const s = this.getActivity(id);
    return s && s.deleted_at === null ? s : undefined;
  }

  /** Insert or replace; returns the new ETag. */
  putActivity(a: Activity): string {
    const doc: StoredDoc & Partial<Pick<Activity, 'is_overdue' | 'activityable' | 'contact' | 'assigned_user'>> = { ...a };
    delete doc.is_overdue;
    delete doc.activityable;
    delete doc.contact;
    delete doc.assigned_user;
    const data = JSON.stringify(doc);
    const etag = etagOf(data);
    const dueMs = a.due_at ? instantMs(a.due_at) : null;
    this.stmt.upsertDoc.run(a.id, data);
    this.stmt.upsertActivity.run({
      id: a.id,
      etag,
      type: a.type,
      status: a.status,
      // A priority the guide does not list (a CRM's own) ranks below low.
      priority_rank: (PRIORITY_RANK as Record<string, number | undefined>)[a.priority] ?? -1,
      assigned_user_id: a.assigned_user_id,
      activityable_type: a.activityable_type,
      activityable_id: a.activityable_id,
      due_ms: dueMs,
      due_key: dueMs ?? NO_DUE,
      created_ms: instantMs(a.created_at),
      updated_ms: instantMs(a.updated_at),
      search_text: `${a.subject}\n${a.description ?? ''}`.toLowerCase(),
    });
    return etag;
  }

  softDeleteActivity(id: string, nowIso: string): boolean {
    return this.stmt.softDelete.run(nowIso, instantMs(nowIso), id).changes > 0;
  }

  countActivities(): number {
    return this.stmt.countActivities.get()?.n ?? 0;
  }

  /** One page of live activities matching the filter, in the contract's order. */
  listActivities(f: ActivityFilter, nowMs: number, page: number, perPage: number): Page<StoredActivity> {
    const where: string[] = ['deleted_at IS NULL'];
    const params: Record<string, string | number> = {};
    if (f.type) { where.push('type = @type'); params.type = f.type; }
    if (f.status === 'overdue') {
      where.push(`status IN (${OPEN_LIST}) AND due_key < @now`);
      params.now = nowMs;
    } else if (f.status) {
      where.push('status = @status');
      params.status = f.status;
    }
    if (f.priority) { where.push('priority_rank = @prio'); params.prio = PRIORITY_RANK[f.priority]; }
    if (f.assigned_user_id) { where.push('assigned_user_id = @user'); params.user = f.assigned_user_id; }
    if (f.activityable_type) { where.push('activityable_type = @etype'); params.etype = f.activityable_type; }
    if (f.activityable_id) { where.push('activityable_id = @eid'); params.eid = f.activityable_id; }
    if (f.due_date_from) { where.push(`due_key >= @from AND due_key < ${NO_DUE}`); params.from = Date.parse(`${f.due_date_from}T00:00:00Z`); }
    if (f.due_date_to) { where.push('due_key < @to'); params.to = Date.parse(`${f.due_date_to}T00:00:00Z`) + DAY_MS; }
    if (f.updated_since) { where.push('updated_ms >= @since'); params.since = instantMs(f.updated_since); }
    (f.words ?? []).forEach((w, i) => {
      where.push(`instr(search_text, @w${i}) > 0`);
      params[`w${i}`] = w;
    });
    const dir = f.sort_direction === 'desc' ? 'DESC' : 'ASC';
    const order =
      f.sort_by === 'created_at'
        ? `created_ms ${dir}, id ${dir}`
        : f.sort_by === 'priority'
          ? `priority_rank ${dir}, due_key ASC, id ASC`
          : dir === 'ASC'
            ? 'due_key ASC, id ASC'
            : // Activities without a due date come last in both directions.
              `(due_ms IS NULL), due_key DESC, id DESC`;
    const whereSql = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM activities WHERE ${whereSql}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT id, etag FROM activities WHERE ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: perPage, offset: (page - 1) * perPage }) as { id: string; etag: string }[];
    return {
      total,
      items: rows.map((r) => {
        const data = this.stmt.getDoc.get(r.id)?.data ?? '{}';
        return { activity: { ...(JSON.parse(data) as StoredDoc), is_overdue: false }, etag: r.etag, deleted_at: null };
      }),
    };
  }

  // --- entities ---------------------------------------------------------------------------

  getEntity(type: DirectoryType, id: string): EntityRecord | undefined {
    const row = this.stmt.getEntity.get(type, id);
    return row ? (JSON.parse(row.data) as EntityRecord) : undefined;
  }

  putEntity(type: DirectoryType, e: EntityRecord, nowMs: number): void {
    const created = typeof e.created_at === 'string' ? instantMs(e.created_at) : nowMs;
    const updated = typeof e.updated_at === 'string' ? instantMs(e.updated_at) : nowMs;
    const searchable = [e.name, e.email, e.company].filter((v): v is string => typeof v === 'string');
    this.stmt.upsertEntity.run({
      type,
      id: e.id,
      name: e.name,
      search_text: searchable.join('\n').toLowerCase(),
      data: JSON.stringify(e),
      created_ms: created,
      updated_ms: updated,
    });
  }

  listEntities(
    type: DirectoryType,
    f: { words?: string[]; updated_since?: string; customer_id?: string },
    page: number,
    perPage: number,
  ): Page<EntityRecord> {
    const where = ['type = @type'];
    const params: Record<string, string | number> = { type };
    (f.words ?? []).forEach((w, i) => {
      where.push(`instr(search_text, @w${i}) > 0`);
      params[`w${i}`] = w;
    });
    if (f.updated_since) { where.push('updated_ms >= @since'); params.since = instantMs(f.updated_since); }
    if (f.customer_id) { where.push("json_extract(data, '$.customer_id') = @cust"); params.cust = f.customer_id; }
    const whereSql = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM entities WHERE ${whereSql}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT data FROM entities WHERE ${whereSql} ORDER BY name, id LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: perPage, offset: (page - 1) * perPage }) as { data: string }[];
    return { total, items: rows.map((r) => JSON.parse(r.data) as EntityRecord) };
  }

  // --- idempotency ------------------------------------------------------------------------

  getReply(scope: string, key: string): StoredReply | undefined {
    const row = this.stmt.getReply.get(scope, key);
    return row ? { ...row, headers: JSON.parse(row.headers) as Record<string, string> } : undefined;
  }

  putReply(scope: string, key: string, r: StoredReply): void {
    this.stmt.putReply.run(scope, key, r.fingerprint, r.status, r.body, JSON.stringify(r.headers), r.created_ms);
  }

  purgeReplies(olderThanMs: number): number {
    return this.stmt.purgeReplies.run(olderThanMs).changes;
  }

  // --- meta -------------------------------------------------------------------------------

  getMeta(key: string): string | undefined {
    return this.stmt.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt.setMeta.run(key, value);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
