/**
 * Typed client of the central CRM over the Transport port. Every endpoint of the guide, envelopes
 * parsed with the shared schemas, failures mapped to one ApiError the sync engine can classify,
 * and the optional extensions (docs/crm-contract.md "Extensions") detected from what the server sends.
 */
import { z } from 'zod';
import {
  remoteActivitySchema, type BulkActionInput, type CancelActivityInput, type CompleteActivityInput,
  type CreateActivityInput, type ListQueryInput, type RemoteActivity, type RescheduleActivityInput, type UpdateActivityInput,
} from '../domain/index.ts';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../ipc/platform.ts';
import {
  bulkResultSchema, errorEnvelopeSchema, HEADERS, pageEnvelope, paths, successEnvelope,
  type BulkResult, type EntityCollection, type PageMeta,
} from './envelope.ts';
import { advertisedExtensions, headerOf } from './extensions.ts';
import { classifyStatus, mayHaveApplied, parseRetryAfter, type ApiErrorKind } from './status.ts';

export { classifyStatus, type ApiErrorKind };

/** Why a request did not succeed, in the terms the engine acts on (docs/crm-contract.md "Envelopes and status codes"). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no response arrived (network, timeout) or the body was unreadable. */
    readonly status: number,
    readonly kind: ApiErrorKind,
    message: string,
    readonly errors: Record<string, string[]> = {},
    /** Server-requested wait (Retry-After), in ms. */
    readonly retryAfterMs: number | null = null,
    /**
     * The request may have been applied although we got no success answer: no response at all
     * (timeout after sending, reset) or a gateway error (502/504) where the origin may have
     * committed. 500 counts too: a server can fail after its write. 429/503/408/425 are refusals.
     */
    readonly maybeApplied = false,
    /** No response arrived at all (network down, timeout): the CRM could not be heard, not one record's fault. */
    readonly noResponse = false,
  ) {
    super(message);
  }
}

/** What the server is seen to support. Each flag turns true only on evidence from a response. */
export interface Extensions {
  /** Idempotency-Key honoured (advertised, or a response said Idempotent-Replayed). */
  idempotency: boolean;
  etag: boolean;
  /** updated_since honoured: advertised, or echoed in meta.updated_since. */
  updatedSince: boolean;
  /** GET /users/me exists (advertised). */
  me: boolean;
  /** At least one response has been seen, so absence of the header means "none". */
  seen: boolean;
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
  /** Items of the page that did not parse (kept out of `items`, reported so nothing is silently lost). */
  invalid: number;
}

export const entitySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  value: z.number().nullish(),
  stage: z.string().nullish(),
  status: z.string().nullish(),
  customer_id: z.string().nullish(),
  time_zone: z.string().nullish(),
});
export type RemoteEntity = z.infer<typeof entitySchema>;

export const userSchema = z.looseObject({ id: z.string(), name: z.string(), email: z.string().nullish() });
export type RemoteUser = z.infer<typeof userSchema>;

/**
 * A write's answer (create, PATCH/PUT, complete, cancel, reschedule): the guide's examples answer
 * a few fields (PATCH: id, some changed fields, updated_at; cancel: id, status, cancelled_at,
 * cancellation_reason, updated_at), so every field but `id` is optional. A 2xx is always
 * "applied" (docs/crm-contract.md "Tolerant client"): what the answer lacks is merged from the request
 * or fetched from the detail endpoint by the push.
 */
export type PartialRemoteActivity = Partial<RemoteActivity> & { id: string };

const activityFields = remoteActivitySchema.shape as Record<string, z.ZodType>;

/**
 * Reads a write answer's record field by field: a field that does not parse (a shape or value this
 * version cannot read) is left out, as if the answer had not sent it, rather than making the whole
 * answer unreadable; fields the guide does not define are dropped. Without a readable `id` the
 * record is `fallbackId`'s (the id the request was sent to), or null when there is none (a create).
 */
export function readWriteAnswer(raw: unknown, fallbackId?: string): PartialRemoteActivity | null {
  const obj = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const field = activityFields[k];
    if (!field || v === undefined) continue;
    const p = field.safeParse(v);
    if (p.success && p.data !== undefined) out[k] = p.data;
  }
  const id = typeof out.id === 'string' && out.id !== '' ? out.id : fallbackId;
  if (id === undefined) return null;
  return { ...(out as Partial<RemoteActivity>), id };
}

export interface WriteResult<T> {
  data: T;
  status: number;
  /** The server said this answer is a replay of an earlier request with the same key. */
  replayed: boolean;
  etag: string | null;
}

export interface CancelResultRemote {
  cancelled: PartialRemoteActivity;
  /** The copy a cancel with reschedule made, when the answer shows it (the guide's example does not). */
  rescheduled: PartialRemoteActivity | null;
}

export type ActivityListQuery = ListQueryInput & { updated_since?: string };

export interface ClientOptions {
  /** Per-request timeout handed to the transport. */
  timeoutMs?: number;
  now?: () => number;
}

export interface CrmClient {
  extensions(): Extensions;
  listActivities(query?: ActivityListQuery): Promise<Page<RemoteActivity>>;
  overdueActivities(query?: ActivityListQuery): Promise<Page<RemoteActivity>>;
  searchActivities(q: string, query?: { page?: number; per_page?: number }): Promise<Page<RemoteActivity>>;
  getActivity(id: string): Promise<WriteResult<RemoteActivity>>;
  /** Write answers are partial (see PartialRemoteActivity); a 2xx that is not a success envelope throws an unknown-outcome ApiError. */
  createActivity(body: CreateActivityInput, idempotencyKey: string): Promise<WriteResult<PartialRemoteActivity>>;
  updateActivity(id: string, patch: UpdateActivityInput, idempotencyKey: string, opts?: { ifMatch?: string; method?: 'PATCH' | 'PUT' }): Promise<WriteResult<PartialRemoteActivity>>;
  completeActivity(id: string, body: CompleteActivityInput, idempotencyKey: string): Promise<WriteResult<PartialRemoteActivity>>;
  cancelActivity(id: string, body: CancelActivityInput, idempotencyKey: string): Promise<WriteResult<CancelResultRemote>>;
  rescheduleActivity(id: string, body: RescheduleActivityInput, idempotencyKey: string): Promise<WriteResult<PartialRemoteActivity>>;
  deleteActivity(id: string, idempotencyKey: string): Promise<WriteResult<null>>;
  bulkAction(body: BulkActionInput, idempotencyKey: string): Promise<WriteResult<BulkResult>>;
  listEntities(type: EntityCollection, query?: { page?: number; per_page?: number; search?: string; customer_id?: string }): Promise<Page<RemoteEntity>>;
  getEntity(type: EntityCollection, id: string): Promise<RemoteEntity>;
  /** POST /{collection} (the guide's Scenario 3 step 2 creates an opportunity). */
  createEntity(type: EntityCollection, body: Record<string, unknown>, idempotencyKey: string): Promise<WriteResult<RemoteEntity>>;
  /** PATCH /{collection}/{id} (Scenario 1 step 5 an opportunity, Scenario 2 step 5 a customer). */
  updateEntity(type: EntityCollection, id: string, patch: Record<string, unknown>, idempotencyKey: string): Promise<WriteResult<RemoteEntity>>;
  me(): Promise<RemoteUser>;
}

function queryString(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    const value = Array.isArray(v) ? v.map(scalar).join(',') : scalar(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(value)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export function createCrmClient(transport: Transport, options: ClientOptions = {}): CrmClient {
  const now = options.now ?? (() => Date.now());
  const ext: Extensions = { idempotency: false, etag: false, updatedSince: false, me: false, seen: false };

  function noteExtensions(res: HttpResponse): void {
    ext.seen = true;
    const names = advertisedExtensions(res);
    if (names !== undefined) {
      ext.idempotency = names.includes('idempotency') || names.includes('idempotency-key');
      ext.etag = names.includes('etag') || names.includes('if-match');
      ext.updatedSince = names.includes('updated_since') || names.includes('updated-since');
      ext.me = names.includes('users-me') || names.includes('users/me') || names.includes('me');
    }
    if (headerOf(res, HEADERS.idempotentReplay) !== undefined) ext.idempotency = true;
    if (headerOf(res, HEADERS.etag) !== undefined) ext.etag = true;
  }

  async function send(req: HttpRequest, idempotencyKey?: string): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (req.method !== 'GET') {
      if (!idempotencyKey) throw new Error(`${req.method} ${req.path} needs an Idempotency-Key`);
      headers[HEADERS.idempotencyKey] = idempotencyKey;
    }
    let res: HttpResponse;
    try {
      res = await transport.request({ ...req, headers, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const what = e instanceof TransportError && e.kind === 'timeout' ? 'The CRM did not answer in time' : 'Could not reach the CRM';
      // No answer: a write may or may not have been applied.
      throw new ApiError(0, 'transient', `${what}: ${message}`, {}, null, req.method !== 'GET', true);
    }
    noteExtensions(res);
    if (res.status >= 200 && res.status < 300) return res;
    throw toApiError(res, req.method !== 'GET');
  }

  function toApiError(res: HttpResponse, isWrite: boolean): ApiError {
    const kind = classifyStatus(res.status);
    let message = `The CRM answered ${res.status}`;
    let errors: Record<string, string[]> = {};
    const parsed = errorEnvelopeSchema.safeParse(safeJson(res.body));
    if (parsed.success) {
      message = parsed.data.message;
      errors = parsed.data.errors ?? {};
    }
    const retryAfter = parseRetryAfter(headerOf(res, HEADERS.retryAfter), headerOf(res, 'Date'), now());
    return new ApiError(res.status, kind, message, errors, retryAfter, isWrite && mayHaveApplied(res.status));
  }

  function parseBody<T extends z.ZodType>(res: HttpResponse, schema: T, what: string, isWrite = false): z.infer<T> {
    const parsed = schema.safeParse(safeJson(res.body));
    if (!parsed.success) {
      // A 2xx we cannot read (an HTML page from a proxy, a cut body): for a write that is an unknown
      // outcome like a lost answer (maybe applied: the push verifies against the server before any
      // resend); for a read, simply a failed read.
      throw new ApiError(0, 'transient', `The CRM sent an unreadable ${what}: ${parsed.error.issues[0]?.message ?? 'bad JSON'}`, {}, null, isWrite);
    }
    return parsed.data;
  }

  const writeEnvelope = successEnvelope(z.unknown());

  /** A write's 2xx answer: a success envelope (else unknown outcome) whose record is read leniently. */
  function parseWrite(res: HttpResponse, fallbackId: string | undefined): PartialRemoteActivity {
    const env = parseBody(res, writeEnvelope, 'answer', true);
    const data = readWriteAnswer(env.data, fallbackId);
    // A create answered "success" without a readable id: applied, but which record is unknown; the
    // push finds it by its marker (findCreated) as after a lost answer.
    if (!data) throw new ApiError(0, 'transient', 'The CRM confirmed the create without the new record\'s id', {}, null, true);
    return data;
  }

  function write<T>(res: HttpResponse, data: T): WriteResult<T> {
    return { data, status: res.status, replayed: headerOf(res, HEADERS.idempotentReplay) !== undefined, etag: headerOf(res, HEADERS.etag) ?? null };
  }

  const activityEnvelope = successEnvelope(remoteActivitySchema);
  const activityPage = pageEnvelope(z.unknown());

  function parsePage<T extends z.ZodType>(res: HttpResponse, item: T, sentUpdatedSince: boolean): Page<z.infer<T>> {
    const env = parseBody(res, activityPage, 'page');
    const items: z.infer<T>[] = [];
    let invalid = 0;
    // Item by item: one odd record must not hide the rest of the page.
    for (const raw of env.data) {
      const p = item.safeParse(raw);
      if (p.success) items.push(p.data);
      else invalid++;
    }
    if (sentUpdatedSince && env.meta.updated_since !== undefined) ext.updatedSince = true;
    return { items, meta: env.meta, invalid };
  }

  async function activityPageAt(path: string, query: Record<string, unknown>): Promise<Page<RemoteActivity>> {
    const res = await send({ method: 'GET', path: path + queryString(query) });
    return parsePage(res, remoteActivitySchema, query.updated_since !== undefined);
  }

  async function activityWrite(req: HttpRequest, key: string, id?: string): Promise<WriteResult<PartialRemoteActivity>> {
    const res = await send(req, key);
    return write(res, parseWrite(res, id));
  }

  const json = (body: unknown) => JSON.stringify(body);

  return {
    extensions: () => ({ ...ext }),
    listActivities: (query = {}) => activityPageAt(paths.activities, query),
    overdueActivities: (query = {}) => activityPageAt(paths.activityOverdue, query),
    searchActivities: (q, query = {}) => activityPageAt(paths.activitySearch, { q, ...query }),
    async getActivity(id) {
      const res = await send({ method: 'GET', path: paths.activity(id) });
      return write(res, parseBody(res, activityEnvelope, 'activity').data);
    },
    createActivity: (body, key) => activityWrite({ method: 'POST', path: paths.activities, body: json(body) }, key),
    updateActivity: (id, patch, key, opts = {}) =>
      activityWrite({
        method: opts.method ?? 'PATCH', path: paths.activity(id), body: json(patch),
        ...(opts.ifMatch ? { headers: { [HEADERS.ifMatch]: opts.ifMatch } } : {}),
      }, key, id),
    completeActivity: (id, body, key) => activityWrite({ method: 'POST', path: paths.activityAction(id, 'complete'), body: json(body) }, key, id),
    rescheduleActivity: (id, body, key) => activityWrite({ method: 'POST', path: paths.activityAction(id, 'reschedule'), body: json(body) }, key, id),
    async cancelActivity(id, body, key) {
      const res = await send({ method: 'POST', path: paths.activityAction(id, 'cancel'), body: json(body) }, key);
      const cancelled = parseWrite(res, id);
      const raw = (safeJson(res.body) as { data?: { rescheduled_activity?: unknown } } | undefined)?.data?.rescheduled_activity;
      // A copy without a readable id cannot be mapped; the push then looks it up (findChild).
      const rescheduled = raw ? readWriteAnswer(raw) : null;
      return write(res, { cancelled, rescheduled });
    },
    async deleteActivity(id, key) {
      // The guide answers { success, message } (no data); any 2xx is done.
      const res = await send({ method: 'DELETE', path: paths.activity(id) }, key);
      return write(res, null);
    },
    async bulkAction(body, key) {
      const res = await send({ method: 'POST', path: paths.activityBulk, body: json(body) }, key);
      return write(res, parseBody(res, successEnvelope(bulkResultSchema), 'bulk result', true).data);
    },
    async listEntities(type, query = {}) {
      const res = await send({ method: 'GET', path: paths.entities(type) + queryString(query) });
      return parsePage(res, entitySchema, false);
    },
    async getEntity(type, id) {
      const res = await send({ method: 'GET', path: paths.entity(type, id) });
      return parseBody(res, successEnvelope(entitySchema), 'record').data;
    },
    async createEntity(type, body, key) {
      const res = await send({ method: 'POST', path: paths.entities(type), body: json(body) }, key);
      return write(res, parseBody(res, successEnvelope(entitySchema), 'record', true).data);
    },
    async updateEntity(type, id, patch, key) {
      const res = await send({ method: 'PATCH', path: paths.entity(type, id), body: json(patch) }, key);
      return write(res, parseBody(res, successEnvelope(entitySchema), 'record', true).data);
    },
    async me() {
      const res = await send({ method: 'GET', path: paths.me });
      return parseBody(res, successEnvelope(userSchema), 'user').data;
    },
  };
}

function scalar(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function safeJson(body: string): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
