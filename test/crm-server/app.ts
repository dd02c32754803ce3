/**
 * The guide's API as synchronous handlers over the store: each call runs inside one SQLite
 * transaction (with the idempotency record, see index.ts). Validation and activity rules come from
 * #shared/domain so the app and this server enforce one contract.
 */
import { z } from 'zod';
import {
  ACTIVITY_STATUSES, DEFAULT_PER_PAGE, DomainError, INCLUDES, MAX_PER_PAGE,
  applyCancel, applyComplete, applyCreate, applyReschedule, applyUpdate, bulkActionSchema, cancelActivitySchema,
  completeActivitySchema, createActivitySchema, isOverdue, isoInstantFormatSchema, listQuerySchema, rescheduleActivitySchema,
  searchQuerySchema, toIsoInstant, updateActivitySchema, validate,
  type Activity, type ActivityableType, type DirectoryType, type FieldErrors, type Include, type ListQuery,
} from '#shared/domain/index';
import { ENTITY_COLLECTIONS, type BulkResult, type EntityCollection } from '#shared/api/index';
import { createEntitySchema, patchEntitySchema } from './entities.ts';
import type { ActivityFilter, CrmStore, EntityRecord, StoredActivity } from './store.ts';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface AppOptions {
  /** Largest per_page the server honours (the contract says 100; lower simulates a stingier server). */
  perPageCap: number;
  /** List items carry only the guide's list fields (the detail endpoint has the rest). */
  listOmitsFields: boolean;
  /** List items also carry fields the guide never mentions (a tolerant client ignores them). */
  listExtraFields: boolean;
  /** Writes answer exactly the guide's example shapes (PATCH: id, the fields sent, updated_at; …). */
  guideWrites: boolean;
  etag: boolean;
  updatedSince: boolean;
  usersMe: boolean;
  newId: () => string;
}

export interface RequestCtx {
  method: string;
  /** Path segments after /api/v1/crm. */
  segments: string[];
  query: URLSearchParams;
  body: unknown;
  user: EntityRecord;
  nowMs: number;
  ifMatch: string | undefined;
}

export const COLLECTION_TYPE: Record<EntityCollection, DirectoryType> = {
  leads: 'lead', customers: 'customer', opportunities: 'opportunity', contacts: 'contact', users: 'user',
};
const TYPE_LABEL: Record<DirectoryType, string> = {
  lead: 'Lead', customer: 'Customer', opportunity: 'Opportunity', contact: 'Contact', user: 'User',
};

/** The fields the guide's list example shows; with listOmitsFields only these are sent. */
const LIST_FIELDS = [
  'id', 'type', 'status', 'priority', 'subject', 'due_at', 'duration_minutes', 'assigned_user', 'activityable_type',
  'activityable', 'is_overdue', 'created_at',
] as const;

/** Unknown fields a plain CRM adds to list items (listExtraFields). */
export const LIST_EXTRA_FIELDS = { team: 'emea', score: 3 } as const;

/** The guide's create response (201): no assigned_user_id, tags, custom_fields, location or updated_at. */
export const GUIDE_CREATE_FIELDS = [
  'id', 'type', 'status', 'priority', 'subject', 'description', 'activityable_type', 'activityable_id', 'activityable',
  'contact_id', 'contact', 'assigned_user', 'due_at', 'duration_minutes', 'reminder_at', 'follow_up_required',
  'follow_up_date', 'is_overdue', 'created_at',
] as const;
/** The guide's answers to the actions. */
export const GUIDE_ACTION_FIELDS = {
  complete: ['id', 'type', 'status', 'subject', 'outcome', 'completed_at', 'duration_minutes', 'follow_up_required', 'follow_up_date', 'updated_at'],
  cancel: ['id', 'status', 'cancelled_at', 'cancellation_reason', 'updated_at'],
  reschedule: ['id', 'due_at', 'reminder_at', 'previous_due_at', 'rescheduled_count', 'updated_at'],
} as const;
/** The guide does not show `rescheduled_activity`; with guideWrites it is only this much of the new copy. */
export const GUIDE_RESCHEDULED_FIELDS = ['id', 'status', 'due_at'] as const;

/** A status the action table knows; anything else (a CRM's own, e.g. on_hold) allows only delete. */
export function knownStatus(status: string): boolean {
  return (ACTIVITY_STATUSES as readonly string[]).includes(status);
}

function unknownStatusReply(a: Activity): Reply {
  const message = `The activity's status "${a.status}" does not allow this action.`;
  return fail(409, message, { status: [message] });
}

/** Expanded related records of one response, by "type|id" (shared objects are only serialised). */
type RefCache = Map<string, unknown>;

export function fail(status: number, message: string, errors?: FieldErrors): Reply {
  return { status, body: errors ? { success: false, message, errors } : { success: false, message } };
}

const invalid = (errors: FieldErrors): Reply => fail(422, 'The given data was invalid.', errors);
const notFound = (what = 'Activity'): Reply => fail(404, `${what} not found.`);

function domainReply(e: unknown): Reply {
  if (!(e instanceof DomainError)) throw e;
  if (e.code === 'validation') return fail(422, e.message, e.errors);
  if (e.code === 'not_found') return fail(404, e.message);
  return fail(409, e.message, { status: [e.message] });
}

const pagingSchema = z.object({
  per_page: z.coerce.number({ error: 'per_page must be a number.' }).int({ error: 'per_page must be a whole number.' }).min(1, { error: 'per_page must be at least 1.' }).optional(),
  page: z.coerce.number({ error: 'page must be a number.' }).int({ error: 'page must be a whole number.' }).min(1, { error: 'page must be at least 1.' }).optional(),
  search: searchQuerySchema.optional(),
  updated_since: isoInstantFormatSchema.optional(),
  customer_id: z.string().min(1).optional(),
});

export function searchWords(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter(Boolean);
}

export class CrmApp {
  constructor(
    private readonly store: CrmStore,
    private readonly opts: AppOptions,
  ) {}

  handle(ctx: RequestCtx): Reply {
    const [head, id, action, extra] = ctx.segments;
    const m = ctx.method;
    if (head === 'activities') {
      if (id === undefined) {
        if (m === 'GET') return this.listActivities(ctx, {});
        if (m === 'POST') return this.createActivity(ctx);
        return methodNotAllowed();
      }
      if (action === undefined) {
        if (id === 'search') return m === 'GET' ? this.search(ctx) : methodNotAllowed();
        if (id === 'overdue') return m === 'GET' ? this.listActivities(ctx, { status: 'overdue' }) : methodNotAllowed();
        if (id === 'bulk-actions') return m === 'POST' ? this.bulk(ctx) : methodNotAllowed();
        if (m === 'GET') return this.detail(ctx, id);
        if (m === 'PUT' || m === 'PATCH') return this.update(ctx, id);
        if (m === 'DELETE') return this.remove(ctx, id);
        return methodNotAllowed();
      }
      if (extra === undefined && (action === 'complete' || action === 'cancel' || action === 'reschedule')) {
        return m === 'POST' ? this.action(ctx, id, action) : methodNotAllowed();
      }
      return fail(404, 'Route not found.');
    }
    if (head !== undefined && (ENTITY_COLLECTIONS as readonly string[]).includes(head) && action === undefined) {
      const type = COLLECTION_TYPE[head as EntityCollection];
      if (type === 'user' && id === 'me' && this.opts.usersMe) {
        return m === 'GET' ? { status: 200, body: { success: true, data: ctx.user } } : methodNotAllowed();
      }
      if (id === undefined) {
        if (m === 'GET') return this.listEntities(ctx, type);
        if (m === 'POST') return this.createEntity(ctx, type);
        return methodNotAllowed();
      }
      if (m === 'GET') {
        const e = this.store.getEntity(type, id);
        return e ? { status: 200, body: { success: true, data: e } } : notFound(TYPE_LABEL[type]);
      }
      if (m === 'PATCH' || m === 'PUT') return this.patchEntity(ctx, type, id);
      return methodNotAllowed();
    }
    return fail(404, 'Route not found.');
  }

  // --- activities -------------------------------------------------------------------------

  private now(ctx: RequestCtx): string {
    return toIsoInstant(ctx.nowMs);
  }

  private createActivity(ctx: RequestCtx): Reply {
    const v = validate(createActivitySchema, ctx.body);
    if (!v.ok) return invalid(v.errors);
    const related = this.relationErrors(v.value);
    if (related) return related;
    let a: Activity;
    try {
      a = applyCreate(v.value, { id: this.opts.newId(), now: this.now(ctx), currentUser: this.userRef(ctx.user), reminderDefaults: false });
    } catch (e) {
      return domainReply(e);
    }
    const etag = this.store.putActivity(a);
    const reply = this.activityReply(201, 'Activity created successfully', a, etag, ctx, undefined);
    if (this.opts.guideWrites) reshapeData(reply, (d) => guideCreateShape(d));
    return reply;
  }

  private listActivities(ctx: RequestCtx, forced: Partial<ListQuery>): Reply {
    const v = validate(listQuerySchema, Object.fromEntries(ctx.query));
    if (!v.ok) return invalid(v.errors);
    const q = { ...v.value, ...forced };
    return this.page(ctx, q, q.search ? searchWords(q.search) : []);
  }

  private search(ctx: RequestCtx): Reply {
    const qv = validate(z.object({ q: searchQuerySchema }), { q: ctx.query.get('q') ?? undefined });
    if (!qv.ok) return invalid(qv.errors);
    const params = Object.fromEntries(ctx.query);
    delete params.q;
    const v = validate(listQuerySchema, params);
    if (!v.ok) return invalid(v.errors);
    return this.page(ctx, v.value, searchWords(qv.value.q));
  }

  private page(ctx: RequestCtx, q: ListQuery, words: string[]): Reply {
    const perPage = Math.min(q.per_page ?? DEFAULT_PER_PAGE, this.opts.perPageCap, MAX_PER_PAGE);
    const page = q.page ?? 1;
    const filter: ActivityFilter = { ...q, words };
    if (!this.opts.updatedSince) delete filter.updated_since;
    const result = this.store.listActivities(filter, ctx.nowMs, page, perPage);
    // One page refers to few distinct records: look each up once.
    const refs: RefCache = new Map();
    const data = result.items.map((s) => {
      const full = this.present(s.activity, q.includes, ctx.nowMs, refs);
      const item = this.opts.listOmitsFields ? listProjection(full) : full;
      return this.opts.listExtraFields ? { ...item, ...LIST_EXTRA_FIELDS } : item;
    });
    const meta: Record<string, unknown> = {
      current_page: page,
      per_page: perPage,
      total: result.total,
      last_page: Math.max(1, Math.ceil(result.total / perPage)),
    };
    if (filter.updated_since) meta.updated_since = filter.updated_since;
    return { status: 200, body: { success: true, data, meta } };
  }

  private detail(ctx: RequestCtx, id: string): Reply {
    const includes = parseIncludes(ctx.query.get('includes'));
    if (includes !== undefined && !Array.isArray(includes)) return includes;
    const s = this.store.liveActivity(id);
    if (!s) return notFound();
    return this.activityReply(200, undefined, s.activity, s.etag, ctx, includes);
  }

  private update(ctx: RequestCtx, id: string): Reply {
    const s = this.store.liveActivity(id);
    if (!s) return notFound();
    const pre = this.precondition(ctx, s);
    if (pre) return pre;
    const v = validate(updateActivitySchema, ctx.body);
    if (!v.ok) return invalid(v.errors);
    if (!knownStatus(s.activity.status)) return unknownStatusReply(s.activity);
    let next: Activity;
    try {
      next = applyUpdate(s.activity, v.value, this.now(ctx));
    } catch (e) {
      return domainReply(e);
    }
    const related = this.relationErrors(v.value);
    if (related) return related;
    const etag = this.store.putActivity(next);
    const reply = this.activityReply(200, 'Activity updated successfully', next, etag, ctx, undefined);
    if (this.opts.guideWrites) {
      const sent = Object.keys(v.value).filter((k) => (v.value as Record<string, unknown>)[k] !== undefined);
      reshapeData(reply, (d) => pick(d, ['id', ...sent.filter((k) => k !== 'id' && k !== 'updated_at'), 'updated_at']));
    }
    return reply;
  }

  private remove(ctx: RequestCtx, id: string): Reply {
    const s = this.store.liveActivity(id);
    if (!s) return notFound();
    const pre = this.precondition(ctx, s);
    if (pre) return pre;
    this.store.softDeleteActivity(id, this.now(ctx));
    return { status: 200, body: { success: true, message: 'Activity deleted successfully' } };
  }

  private action(ctx: RequestCtx, id: string, action: 'complete' | 'cancel' | 'reschedule'): Reply {
    const s = this.store.liveActivity(id);
    if (!s) return notFound();
    const pre = this.precondition(ctx, s);
    if (pre) return pre;
    const result = this.applyAction(action, s.activity, ctx.body ?? {}, this.now(ctx));
    if ('status' in result) return result;
    const etag = this.store.putActivity(result.activity);
    const messages = { complete: 'Activity completed successfully', cancel: 'Activity cancelled successfully', reschedule: 'Activity rescheduled successfully' };
    const reply = this.activityReply(200, messages[action], result.activity, etag, ctx, undefined);
    if (this.opts.guideWrites) reshapeData(reply, (d) => pick(d, GUIDE_ACTION_FIELDS[action]));
    if (result.created) {
      this.store.putActivity(result.created);
      const body = reply.body as { data: Record<string, unknown> };
      const copy = this.present(result.created, undefined, ctx.nowMs);
      body.data.rescheduled_activity = this.opts.guideWrites ? pick(copy, GUIDE_RESCHEDULED_FIELDS) : copy;
    }
    return reply;
  }

  /** Validate the action's body and apply its rule; a Reply on refusal. */
  private applyAction(
    action: 'complete' | 'cancel' | 'reschedule',
    a: Activity,
    body: unknown,
    now: string,
  ): { activity: Activity; created?: Activity } | Reply {
    if (!knownStatus(a.status)) return unknownStatusReply(a);
    try {
      if (action === 'complete') {
        const v = validate(completeActivitySchema, body);
        return v.ok ? { activity: applyComplete(a, v.value, now) } : invalid(v.errors);
      }
      if (action === 'cancel') {
        const v = validate(cancelActivitySchema, body);
        if (!v.ok) return invalid(v.errors);
        const r = applyCancel(a, v.value, now, v.value.reschedule ? this.opts.newId() : undefined);
        return r.rescheduled ? { activity: r.cancelled, created: r.rescheduled } : { activity: r.cancelled };
      }
      const v = validate(rescheduleActivitySchema, body);
      return v.ok ? { activity: applyReschedule(a, v.value, now) } : invalid(v.errors);
    } catch (e) {
      return domainReply(e);
    }
  }

  private bulk(ctx: RequestCtx): Reply {
    const v = validate(bulkActionSchema, ctx.body);
    if (!v.ok) return invalid(v.errors);
    const { action, activity_ids, parameters } = v.value;
    const now = this.now(ctx);
    const result: BulkResult = { succeeded: [], failed: [] };
    for (const id of new Set(activity_ids)) {
      const s = this.store.liveActivity(id);
      if (!s) {
        result.failed.push({ id, status: 404, message: 'Activity not found.' });
        continue;
      }
      if (action === 'delete') {
        this.store.softDeleteActivity(id, now);
        result.succeeded.push(id);
        continue;
      }
      const r = this.applyAction(action, s.activity, parameters, now);
      if ('status' in r) {
        const body = r.body as { message: string };
        result.failed.push({ id, status: r.status, message: body.message });
        continue;
      }
      this.store.putActivity(r.activity);
      if (r.created) this.store.putActivity(r.created);
      result.succeeded.push(id);
    }
    const message = `Bulk ${action}: ${result.succeeded.length} succeeded, ${result.failed.length} failed`;
    return { status: 200, body: { success: true, message, data: result } };
  }

  /** If-Match (extension): 412 when the client's copy is not the current one. */
  private precondition(ctx: RequestCtx, s: StoredActivity): Reply | undefined {
    if (!this.opts.etag || ctx.ifMatch === undefined) return undefined;
    const tags = ctx.ifMatch.split(',').map((t) => t.trim());
    if (tags.includes('*') || tags.includes(s.etag)) return undefined;
    const r = fail(412, 'This activity changed on the server since you last loaded it.', {
      if_match: ['The activity was changed by someone else; reload it and try again.'],
    });
    return { ...r, headers: { ETag: s.etag } };
  }

  /** 422 "Related entity not found" for an unknown activityable, contact or assignee. */
  private relationErrors(input: {
    activityable_type?: ActivityableType | undefined;
    activityable_id?: string | undefined;
    contact_id?: string | null | undefined;
    assigned_user_id?: string | undefined;
  }): Reply | undefined {
    const errors: FieldErrors = {};
    if (input.activityable_type && input.activityable_id && !this.store.getEntity(input.activityable_type, input.activityable_id)) {
      errors.activityable_id = [`Related entity not found: no ${input.activityable_type} with id ${input.activityable_id}.`];
    }
    if (input.contact_id && !this.store.getEntity('contact', input.contact_id)) {
      errors.contact_id = [`Related entity not found: no contact with id ${input.contact_id}.`];
    }
    if (input.assigned_user_id && !this.store.getEntity('user', input.assigned_user_id)) {
      errors.assigned_user_id = [`Related entity not found: no user with id ${input.assigned_user_id}.`];
    }
    return Object.keys(errors).length ? fail(422, 'Related entity not found', errors) : undefined;
  }

  private activityReply(
    status: number,
    message: string | undefined,
    a: Activity,
    etag: string,
    ctx: RequestCtx,
    includes: Include[] | undefined,
  ): Reply {
    const data = this.present(a, includes, ctx.nowMs);
    return {
      status,
      body: message === undefined ? { success: true, data } : { success: true, message, data },
      headers: this.opts.etag ? { ETag: etag } : {},
    };
  }

  /** The response shape: is_overdue now, and the related records expanded (all unless `includes` narrows). */
  present(a: Activity, includes: Include[] | undefined, nowMs: number, refs: RefCache = new Map()): Record<string, unknown> {
    const cached = <T>(key: string, load: () => T): T => {
      if (!refs.has(key)) refs.set(key, load());
      return refs.get(key) as T;
    };
    const inc = (i: Include) => includes === undefined || includes.includes(i);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) {
      if (k === 'activityable' || k === 'contact' || k === 'assigned_user') continue;
      out[k] = v;
      if (k === 'activityable_id' && inc('activityable')) {
        out.activityable = cached(`${a.activityable_type}|${a.activityable_id}`, () => this.entityRef(a.activityable_type, a.activityable_id));
      }
      if (k === 'contact_id' && inc('contact')) {
        const contactId = a.contact_id;
        out.contact = contactId ? cached(`contact|${contactId}`, () => this.entityRef('contact', contactId)) : null;
      }
      if (k === 'assigned_user_id' && inc('assignedUser')) {
        out.assigned_user = cached(`user|${a.assigned_user_id}`, () => {
          const u = this.store.getEntity('user', a.assigned_user_id);
          return u ? this.userRef(u) : null;
        });
      }
    }
    out.is_overdue = isOverdue(a, nowMs);
    return out;
  }

  private entityRef(type: ActivityableType, id: string): Record<string, unknown> | null {
    const e = this.store.getEntity(type, id);
    if (!e) return null;
    const keys: Record<ActivityableType, string[]> = {
      opportunity: ['value', 'stage', 'customer_id'],
      customer: ['time_zone'],
      lead: ['company', 'time_zone'],
      contact: ['email', 'phone', 'time_zone', 'customer_id'],
    };
    const ref: Record<string, unknown> = { id: e.id, name: e.name };
    for (const k of keys[type]) if (k in e) ref[k] = e[k];
    return ref;
  }

  private userRef(u: EntityRecord): { id: string; name: string; email: string | null } {
    return { id: u.id, name: u.name, email: typeof u.email === 'string' ? u.email : null };
  }

  // --- directory --------------------------------------------------------------------------

  private listEntities(ctx: RequestCtx, type: DirectoryType): Reply {
    const v = validate(pagingSchema, Object.fromEntries(ctx.query));
    if (!v.ok) return invalid(v.errors);
    const perPage = Math.min(v.value.per_page ?? DEFAULT_PER_PAGE, this.opts.perPageCap, MAX_PER_PAGE);
    const page = v.value.page ?? 1;
    const since = this.opts.updatedSince ? v.value.updated_since : undefined;
    const result = this.store.listEntities(
      type,
      { words: v.value.search ? searchWords(v.value.search) : [], updated_since: since, customer_id: v.value.customer_id },
      page,
      perPage,
    );
    const meta: Record<string, unknown> = {
      current_page: page,
      per_page: perPage,
      total: result.total,
      last_page: Math.max(1, Math.ceil(result.total / perPage)),
    };
    if (since) meta.updated_since = since;
    return { status: 200, body: { success: true, data: result.items, meta } };
  }

  private createEntity(ctx: RequestCtx, type: DirectoryType): Reply {
    const v = validate(createEntitySchema(type), ctx.body);
    if (!v.ok) return invalid(v.errors);
    const related = this.entityRelationErrors(v.value);
    if (related) return related;
    const now = this.now(ctx);
    const record: EntityRecord = { ...v.value, id: this.opts.newId(), name: String(v.value.name), created_at: now, updated_at: now };
    this.store.putEntity(type, record, ctx.nowMs);
    return { status: 201, body: { success: true, message: `${TYPE_LABEL[type]} created successfully`, data: record } };
  }

  private patchEntity(ctx: RequestCtx, type: DirectoryType, id: string): Reply {
    const e = this.store.getEntity(type, id);
    if (!e) return notFound(TYPE_LABEL[type]);
    const v = validate(patchEntitySchema(type), ctx.body);
    if (!v.ok) return invalid(v.errors);
    const related = this.entityRelationErrors(v.value);
    if (related) return related;
    const record: EntityRecord = { ...e, ...v.value, id, name: typeof v.value.name === 'string' ? v.value.name : e.name, updated_at: this.now(ctx) };
    this.store.putEntity(type, record, ctx.nowMs);
    return { status: 200, body: { success: true, message: `${TYPE_LABEL[type]} updated successfully`, data: record } };
  }

  private entityRelationErrors(v: Record<string, unknown>): Reply | undefined {
    const cust = v.customer_id;
    if (typeof cust === 'string' && !this.store.getEntity('customer', cust)) {
      return fail(422, 'Related entity not found', { customer_id: [`Related entity not found: no customer with id ${cust}.`] });
    }
    return undefined;
  }
}

function methodNotAllowed(): Reply {
  return fail(405, 'Method not allowed on this route.');
}

function parseIncludes(raw: string | null): Include[] | undefined | Reply {
  if (raw === null) return undefined;
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(INCLUDES as readonly string[]).includes(p));
  if (bad.length) return invalid({ includes: [`Includes are: ${INCLUDES.join(', ')}.`] });
  return parts as Include[];
}

/** Replace `data` of a success reply. */
function reshapeData(reply: Reply, f: (data: Record<string, unknown>) => Record<string, unknown>): void {
  const body = reply.body as { data: Record<string, unknown> };
  body.data = f(body.data);
}

function pick(full: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in full) out[k] = full[k];
  return out;
}

/** The guide's create answer: its fields only, the related records as small as the guide shows them. */
function guideCreateShape(full: Record<string, unknown>): Record<string, unknown> {
  const out = pick(full, GUIDE_CREATE_FIELDS);
  const ref = (v: unknown, keys: string[]) => (v && typeof v === 'object' ? pick(v as Record<string, unknown>, keys) : v);
  if ('activityable' in out) out.activityable = ref(out.activityable, ['id', 'name']);
  if ('contact' in out) out.contact = ref(out.contact, ['id', 'name', 'email']);
  if ('assigned_user' in out) out.assigned_user = ref(out.assigned_user, ['id', 'name', 'email']);
  return out;
}

function listProjection(full: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of LIST_FIELDS) out[k] = full[k];
  const user = full.assigned_user as { id: string; name: string } | null | undefined;
  if (user) out.assigned_user = { id: user.id, name: user.name };
  const ent = full.activityable as { id: string; name: string } | null | undefined;
  if (ent) out.activityable = { id: ent.id, name: ent.name };
  return out;
}
