/**
 * Local writes of directory records (create an opportunity; update an opportunity or a customer).
 * Like the activity commands: validate, then write the directory row AND its entity-outbox op in
 * one Dexie transaction, so the pickers and names show the change at once, offline too. The push
 * (entity-push.ts) sends the ops later, in order.
 *
 * A record created here gets a local id (LOCAL_ENTITY_PREFIX + ULID) and is pickable at once;
 * activities on it keep that id in their queued payloads, and the activity push asks
 * entityIdResolver() for the server id when it sends them.
 */
import { ulid } from 'ulid';
import { DomainError, ValidationError, validate } from '../domain/index.ts';
import type { FieldbookDB } from './db.ts';
import { createOpportunitySchema, updateSchemaOf, type CreateOpportunityInput } from './entity-schemas.ts';
import type { DirectoryEntity, EditableEntityType, EntityOp } from './types.ts';
import { wordsOf } from './words.ts';

/** Ids of records created on this device until the server gives them theirs. */
export const LOCAL_ENTITY_PREFIX = 'fb-local-';

export function isLocalEntityId(id: string): boolean {
  return id.startsWith(LOCAL_ENTITY_PREFIX);
}

export interface EntityCommandDeps {
  now?: () => number;
  newId?: () => string;
  /** Called after every committed change (the sync engine debounces a push on it). */
  onChange?: () => void;
}

export interface EntityCommands {
  /** Queue POST /opportunities; returns the directory row (local id) the pickers show at once. */
  createOpportunity(input: unknown): Promise<DirectoryEntity>;
  /** Queue PATCH /opportunities/{id} or /customers/{id}; the row shows the change at once. */
  updateEntity(type: EditableEntityType, id: string, patch: unknown): Promise<DirectoryEntity>;
  /** Drop a failed (or waiting) op: the row goes back to the server's version plus the other ops. */
  discardOp(opId: string): Promise<void>;
  /** Send a failed op again (with an edited payload: under a new Idempotency-Key). */
  retryOp(opId: string): Promise<void>;
}

export class EntityNotFoundError extends DomainError {
  constructor(type: EditableEntityType) {
    super('not_found', `That ${type} is not in the directory on this device; refresh the directory in Settings.`);
  }
}

/**
 * The row's shown fields (name, value, stage, status, customer) with a payload applied. `details`
 * stays the server's record as last received: the edit forms show it with the queued ops on top
 * (entityView), and a discard rebuilds the row from it.
 */
export function applyEntityPatch(row: DirectoryEntity, patch: Record<string, unknown>): DirectoryEntity {
  const next: DirectoryEntity = { ...row };
  if (typeof patch.name === 'string') {
    next.name = patch.name;
    next.words = wordsOf(patch.name, row.email ?? null);
  }
  if ('value' in patch) next.value = typeof patch.value === 'number' ? patch.value : null;
  if ('stage' in patch) next.stage = typeof patch.stage === 'string' ? patch.stage : null;
  if ('status' in patch) next.status = typeof patch.status === 'string' ? patch.status : null;
  if ('customer_id' in patch) next.customer_id = typeof patch.customer_id === 'string' ? patch.customer_id : null;
  return next;
}

/** What the rep sees of a record: the server's fields with the queued ops applied in order. */
export function entityView(row: DirectoryEntity, ops: readonly EntityOp[]): Record<string, unknown> {
  const view: Record<string, unknown> = { ...row.details, name: row.name };
  for (const o of ops) Object.assign(view, o.payload);
  return view;
}

/** The directory row of a record created here, before the server knows it. */
export function localOpportunityRow(id: string, input: CreateOpportunityInput): DirectoryEntity {
  return applyEntityPatch({ type: 'opportunity', id, name: input.name, customer_id: input.customer_id, words: wordsOf(input.name), details: {}, pending: 1 }, input);
}

/**
 * Ops of one record that may still be merged: queued, never attempted, not possibly sent. Two such
 * ops in a row are one intent as far as the server can tell (it has seen neither).
 */
export function mergeable(op: EntityOp): boolean {
  return op.state === 'queued' && op.attempts === 0 && !op.maybe_sent;
}

export function entityOpsOf(db: FieldbookDB, type: EditableEntityType, id: string): Promise<EntityOp[]> {
  return db.entity_outbox.where('[type+entity_id]').equals([type, id]).sortBy('seq');
}

export function createEntityCommands(db: FieldbookDB, deps: EntityCommandDeps = {}): EntityCommands {
  const now = deps.now ?? (() => Date.now());
  const newId = deps.newId ?? (() => ulid());
  const changed = () => deps.onChange?.();

  function newOp(type: EditableEntityType, entityId: string, kind: EntityOp['kind'], payload: Record<string, unknown>): EntityOp {
    const at = now();
    return { op_id: newId(), type, entity_id: entityId, kind, payload, attempts: 0, next_attempt_at: at, last_error: null, state: 'queued', created_at: at };
  }

  /** A record created here may already have its server id (the row moved there). */
  async function currentId(type: EditableEntityType, id: string): Promise<string> {
    if (!isLocalEntityId(id)) return id;
    const mapped = await db.entity_ids.get(id);
    return mapped && mapped.type === type ? mapped.server_id : id;
  }

  return {
    async createOpportunity(input) {
      const v = validate(createOpportunitySchema, input);
      if (!v.ok) throw new ValidationError(v.errors);
      const body = v.value;
      const row = await db.transaction('rw', db.entities, db.entity_outbox, async () => {
        if (!(await db.entities.get(['customer', body.customer_id]))) {
          throw new ValidationError({ customer_id: ['Choose the customer from the directory.'] });
        }
        const id = LOCAL_ENTITY_PREFIX + newId();
        const created = localOpportunityRow(id, body);
        await db.entities.put(created);
        await db.entity_outbox.add(newOp('opportunity', id, 'create', body));
        return created;
      });
      changed();
      return row;
    },

    async updateEntity(type, id0, patch) {
      const v = validate(updateSchemaOf(type), patch);
      if (!v.ok) throw new ValidationError(v.errors);
      const payload = Object.fromEntries(Object.entries(v.value).filter(([, x]) => x !== undefined));
      const row = await db.transaction('rw', db.entities, db.entity_outbox, db.entity_ids, async () => {
        const id = await currentId(type, id0);
        const cur = await db.entities.get([type, id]);
        if (!cur) throw new EntityNotFoundError(type);
        const ops = await entityOpsOf(db, type, id);
        const last = ops.at(-1);
        if (last && mergeable(last)) {
          // The server has seen neither: one request with both (create + update → create).
          const merged = { ...last.payload, ...payload };
          if (last.kind === 'create') {
            const c = validate(createOpportunitySchema, merged);
            if (!c.ok) throw new ValidationError(c.errors);
          }
          await db.entity_outbox.update(last.seq, { payload: merged });
        } else if (last && last.state === 'failed' && !last.maybe_sent) {
          // Edit & retry: the server refused that op (it never applied it), so the fix joins it and
          // goes out as a new request under a new Idempotency-Key.
          const merged = { ...last.payload, ...payload };
          if (last.kind === 'create') {
            const c = validate(createOpportunitySchema, merged);
            if (!c.ok) throw new ValidationError(c.errors);
          }
          await db.entity_outbox.update(last.seq, {
            payload: merged, op_id: newId(), state: 'queued', attempts: 0, next_attempt_at: now(), last_error: null, last_status: null,
          });
        } else {
          await db.entity_outbox.add(newOp(type, id, 'update', payload));
        }
        const next = { ...applyEntityPatch(cur, payload), pending: 1 as const };
        await db.entities.put(next);
        return next;
      });
      changed();
      return row;
    },

    async discardOp(opId) {
      await db.transaction('rw', [db.entities, db.entity_outbox, db.activities], async () => {
        const op = await db.entity_outbox.where('op_id').equals(opId).first();
        if (!op) return;
        if (op.state === 'inflight') throw new Error('That change is being sent right now; try again in a moment.');
        if (op.kind === 'create') {
          const used = await db.activities.where('[activityable_type+activityable_id]').equals([op.type, op.entity_id]).count();
          if (used > 0) {
            throw new Error(`${used} ${used === 1 ? 'activity is' : 'activities are'} on this new ${op.type}; move or delete ${used === 1 ? 'it' : 'them'} first, or edit and retry the ${op.type}.`);
          }
          await db.entity_outbox.where('[type+entity_id]').equals([op.type, op.entity_id]).delete();
          await db.entities.delete([op.type, op.entity_id]);
          return;
        }
        await db.entity_outbox.delete(op.seq);
        const rest = await entityOpsOf(db, op.type, op.entity_id);
        for (const o of rest) if (o.state === 'blocked') await db.entity_outbox.update(o.seq, { state: 'queued' });
        await rebuildRow(db, op.type, op.entity_id, rest);
      });
      changed();
    },

    async retryOp(opId) {
      await db.transaction('rw', db.entity_outbox, async () => {
        const op = await db.entity_outbox.where('op_id').equals(opId).first();
        if (!op) throw new Error('That change is no longer waiting to be sent.');
        await db.entity_outbox.put({ ...op, state: 'queued', attempts: 0, next_attempt_at: now(), last_error: null, last_status: null });
        for (const o of await entityOpsOf(db, op.type, op.entity_id)) {
          if (o.state === 'blocked') await db.entity_outbox.update(o.seq, { state: 'queued' });
        }
      });
      changed();
    },
  };
}

/** The row as the server last sent it (details) with the given queued ops replayed on it (after a discard). */
export async function rebuildRow(db: FieldbookDB, type: EditableEntityType, id: string, ops: readonly EntityOp[]): Promise<void> {
  const cur = await db.entities.get([type, id]);
  if (!cur) return;
  let next = cur.details ? applyEntityPatch(cur, cur.details) : cur;
  for (const o of ops) next = applyEntityPatch(next, o.payload);
  await db.entities.put({ ...next, pending: ops.length ? 1 : 0 });
}

/** After a directory refresh: put back what local ops show (edits, records created here). */
export async function reapplyPendingEntities(db: FieldbookDB): Promise<void> {
  await db.transaction('rw', db.entities, db.entity_outbox, async () => {
    const ops = await db.entity_outbox.orderBy('seq').toArray();
    const byEntity = new Map<string, EntityOp[]>();
    for (const o of ops) {
      const k = `${o.type}\u0000${o.entity_id}`;
      byEntity.set(k, [...(byEntity.get(k) ?? []), o]);
    }
    for (const list of byEntity.values()) {
      const first = list[0] as EntityOp;
      let row = await db.entities.get([first.type, first.entity_id]);
      if (!row && first.kind === 'create') row = localOpportunityRow(first.entity_id, first.payload as CreateOpportunityInput);
      if (!row) continue;
      for (const o of list) row = applyEntityPatch(row, o.payload);
      await db.entities.put({ ...row, pending: 1 });
    }
  });
}
