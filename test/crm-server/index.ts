/**
 * Stand-in central CRM: the Activity Management Guide's whole API as a real HTTP server over
 * SQLite, with the optional extensions and seeded fault injection. Used by `npm run crm`, web mode,
 * and by other suites (sync soak test, benchmarks) in-process:
 *
 *   const crm = await startCrmServer({ demo: true });          // port 0 → a free port
 *   await fetch(`${crm.url}/api/v1/crm/activities`, { headers: { Authorization: `Bearer ${crm.token}` } });
 *   crm.setFaults({ failRate: 0.2 });                          // seeded: same seed → same faults
 *   crm.mutate.update(id, { subject: 'Changed by someone else' });
 *   await crm.close();
 *
 * startCrmServer(options) — every option is optional:
 *   port (0)          listen port; 0 picks a free one (read `port`/`url` back)
 *   host ('127.0.0.1') listen address
 *   token ('dev-token') bearer token of the signed-in user (Jane Manager, 01hwxyz623abc456def789ghi0)
 *   tokens            extra bearer tokens → user id (another rep; ids from DIRECTORY.users)
 *   dataDir           directory of the SQLite file (crm.sqlite); undefined → in memory
 *   demo (false)      load the guide's records B…N and ~300 activities around now (once per dataDir)
 *   seed (7)          seeds demo data, generated ids and faults
 *   now (Date.now)    clock in epoch ms (tests pin it to the guide's dates)
 *   idempotency (true) honour Idempotency-Key; false = header ignored, not advertised
 *   etag / updatedSince / usersMe (true)  the other extensions, each can be switched off
 *   latencyMs, failRate  shorthands for faults.latencyMs / faults.failRate
 *   faults            FaultPatch: { failRate (0..1), kinds: { error5xx, rateLimit, dropAfterCommit, slow } weights
 *                     (default 1 each; kinds not named keep theirs), slowMs (5000), latencyMs (0), retryAfterSeconds (1) }
 *   perPageCap (100)  lower cap on per_page (a stingier server); meta.per_page says what was used
 *   listOmitsFields (false) list items carry only the guide's list fields
 *   idempotencyTtlMs (30 days) how long replies to Idempotency-Keys are kept
 *   plain (false)     behave like the real, plainer central CRM: changes the defaults below to
 *                     idempotency/etag/updatedSince/usersMe false, advertiseExtensions false, guideWrites
 *                     true, perPageCap 50, listOmitsFields true, listExtraFields true (each still settable)
 *   advertiseExtensions (true; plain: false) send X-CRM-Extensions; false = no such header at all
 *   guideWrites (false; plain: true) writes answer exactly the guide's example shapes: PATCH/PUT
 *                     data {id, <fields of the request body>, updated_at}; complete/cancel/reschedule the
 *                     guide's few fields (cancel's rescheduled_activity only {id, status, due_at}); create
 *                     the guide's create fields (no assigned_user_id, tags, custom_fields, location,
 *                     updated_at); delete {success, message}. Detail GET keeps the full shape.
 *   listExtraFields (false; plain: true) list items also carry fields the guide never names
 *                     (team: "emea", score: 3) that a tolerant client must ignore
 *   unknownValues (false) generated activities (demo and seedActivities) get values the guide does
 *                     not list: in each ten, the 5th status "on_hold", the 10th type "sms". Served raw;
 *                     an unknown status refuses update/complete/cancel/reschedule with 409 (delete works).
 *
 * Returns CrmServer: { url, port, token, userId, extensions, db, store, close(), setFaults(partial), faults(),
 *   stats(), resetStats(), idle(), seedActivities(n, opts?) → ids, mutate: { create, update, complete,
 *   cancel, reschedule, delete, get, rawSet } }. `mutate` applies the same rules as the API (throws
 *   DomainError when not allowed) — it simulates another user editing on the server.
 *   `mutate.rawSet(id, { type: 'sms', status: 'on_hold', … })` writes fields verbatim, unvalidated
 *   (values the guide does not list), and bumps updated_at unless given. `db` is the
 *   better-sqlite3 handle: tables activities (indexed columns, deleted_at) + activity_docs (JSON),
 *   entities, idempotency, meta. stats() counts requests, per-route hits, mutations, replays and
 *   faults (with the per-request faultLog), and the response body bytes the server sent (bytesSent,
 *   bytesByRoute with the keys of byRoute); resetStats() zeroes all of it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monotonicFactory } from 'ulid';
import {
  DomainError, applyCancel, applyComplete, applyCreate, applyReschedule, applyUpdate, createActivitySchema, isOverdue,
  toIsoInstant, updateActivitySchema,
  type Activity, type CompleteActivityInput, type CreateActivityInput, type RescheduleActivityInput,
  type UpdateActivityInput,
} from '#shared/domain/index';
import { API_PREFIX, HEADERS } from '#shared/api/index';
import { CrmApp, fail, knownStatus, type Reply } from './app.ts';
import { DEFAULT_USER_ID, generateActivities, seedDemo, seedDirectory, withUnknownValues, type GenerateOptions } from './demo.ts';
import { FAULT_KINDS, FaultInjector, type FaultConfig, type FaultKind, type FaultPatch } from './faults.ts';
import { buildOpenApi } from './openapi.ts';
import { seededRng } from './prng.ts';
import { CrmStore, openDb, type Db, type EntityRecord, type StoredActivity } from './store.ts';

export type { FaultConfig, FaultKind, FaultPatch } from './faults.ts';
export { DEFAULT_FAULTS, FAULT_KINDS } from './faults.ts';
export { DIRECTORY, GUIDE_IDS, UNKNOWN_STATUS, UNKNOWN_TYPE } from './demo.ts';
export { GUIDE_ACTION_FIELDS, GUIDE_CREATE_FIELDS, GUIDE_RESCHEDULED_FIELDS, LIST_EXTRA_FIELDS } from './app.ts';

export interface CrmServerOptions {
  port?: number;
  host?: string;
  token?: string;
  tokens?: Record<string, string>;
  dataDir?: string;
  demo?: boolean;
  seed?: number;
  now?: () => number;
  idempotency?: boolean;
  etag?: boolean;
  updatedSince?: boolean;
  usersMe?: boolean;
  latencyMs?: number;
  failRate?: number;
  faults?: FaultPatch;
  perPageCap?: number;
  listOmitsFields?: boolean;
  idempotencyTtlMs?: number;
  plain?: boolean;
  advertiseExtensions?: boolean;
  guideWrites?: boolean;
  listExtraFields?: boolean;
  unknownValues?: boolean;
}

export interface CrmStats {
  /** Every HTTP request, including preflight and /openapi.json. */
  requests: number;
  /** Requests to /api routes (the ones faults apply to). */
  apiRequests: number;
  /** Requests per "METHOD /route-pattern", e.g. "POST /activities", "PATCH /activities/:id". */
  byRoute: Record<string, number>;
  /** Non-GET API requests that were handled and committed (excludes replays and injected faults). */
  mutations: number;
  /** Replies served from an Idempotency-Key. */
  replays: number;
  faults: Record<FaultKind, number>;
  /** The fault (or null) of each API request in order; the last 10 000. */
  faultLog: (FaultKind | null)[];
  /** Response body bytes the server sent (every response, including preflight and /openapi.json). */
  bytesSent: number;
  /** Response body bytes per API route (same keys as byRoute). */
  bytesByRoute: Record<string, number>;
}

export interface MutateApi {
  create(input: CreateActivityInput, asUserId?: string): Activity;
  update(id: string, patch: UpdateActivityInput): Activity;
  complete(id: string, input?: CompleteActivityInput): Activity;
  cancel(id: string, reason?: string): Activity;
  reschedule(id: string, input: RescheduleActivityInput): Activity;
  delete(id: string): void;
  /** The stored record (also when soft-deleted, see deleted_at), is_overdue as of now. */
  get(id: string): (Activity & { deleted_at: string | null }) | undefined;
  /**
   * Write fields verbatim, without validation or rules (e.g. `{ type: 'sms' }`, `{ status: 'on_hold' }`:
   * values the guide does not list); updated_at becomes now unless given. Throws when not live.
   */
  rawSet(id: string, fields: Record<string, unknown>): Activity;
}

export interface CrmServer {
  url: string;
  port: number;
  token: string;
  userId: string;
  /** The extensions switched on, e.g. "idempotency, etag" ('' when none; sent only when advertised). */
  extensions: string;
  db: Db;
  store: CrmStore;
  close(): Promise<void>;
  setFaults(partial: FaultPatch): void;
  faults(): FaultConfig;
  stats(): CrmStats;
  resetStats(): void;
  /** Resolves when no request is being handled (including slow replies in their wait). */
  idle(): Promise<void>;
  /** Insert n generated activities in one transaction; returns their ids. */
  seedActivities(n: number, opts?: Partial<Omit<GenerateOptions, 'nowMs'>>): string[];
  mutate: MutateApi;
}

const MAX_BODY_BYTES = 1_000_000;
const DAY_MS = 86_400_000;
const LOCAL_ORIGIN = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const EXPOSED = [HEADERS.etag, HEADERS.extensions, HEADERS.retryAfter, HEADERS.idempotentReplay].join(', ');
const EXPOSED_PLAIN = [HEADERS.etag, HEADERS.retryAfter].join(', ');
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', HEADERS.idempotencyKey, HEADERS.ifMatch].join(', ');

class BadJson extends Error {}
class BodyTooLarge extends Error {}

export async function startCrmServer(options: CrmServerOptions = {}): Promise<CrmServer> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 7;
  const token = options.token ?? 'dev-token';
  const tokens = new Map<string, string>([[token, DEFAULT_USER_ID], ...Object.entries(options.tokens ?? {})]);
  const plain = options.plain ?? false;
  const idempotency = options.idempotency ?? !plain;
  const ext = { etag: options.etag ?? !plain, updatedSince: options.updatedSince ?? !plain, usersMe: options.usersMe ?? !plain };
  const advertise = options.advertiseExtensions ?? !plain;
  const unknownValues = options.unknownValues ?? false;
  const extensions = [
    idempotency && 'idempotency', ext.etag && 'etag', ext.updatedSince && 'updated-since', ext.usersMe && 'users-me',
  ].filter(Boolean).join(', ');
  const ttlMs = options.idempotencyTtlMs ?? 30 * DAY_MS;

  const db = openDb(options.dataDir);
  const store = new CrmStore(db);
  // Demo ids are reproducible from the seed; ids made at run time use crypto randomness, so a
  // restarted server (same seed, maybe a pinned clock) never hands out an id it already used.
  const demoUlid = monotonicFactory(seededRng(seed));
  const runtimeUlid = monotonicFactory();
  const newId = (ms: number = now()) => {
    for (;;) {
      const id = runtimeUlid(ms).toLowerCase();
      if (!store.getActivity(id)) return id;
    }
  };
  const app = new CrmApp(store, {
    perPageCap: options.perPageCap ?? (plain ? 50 : 100),
    listOmitsFields: options.listOmitsFields ?? plain,
    listExtraFields: options.listExtraFields ?? plain,
    guideWrites: options.guideWrites ?? plain,
    ...ext,
    newId: () => newId(),
  });
  seedDirectory(store);
  if (options.demo) seedDemo(store, seed, now(), (ms) => demoUlid(ms).toLowerCase(), unknownValues);
  store.purgeReplies(now() - ttlMs);

  const injector = new FaultInjector(seed, {
    ...options.faults,
    ...(options.failRate !== undefined ? { failRate: options.failRate } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  });

  const emptyStats = (): CrmStats => ({
    requests: 0, apiRequests: 0, byRoute: {}, mutations: 0, replays: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>, faultLog: [],
    bytesSent: 0, bytesByRoute: {},
  });
  let stats = emptyStats();
  /** Idempotency keys whose first request is still being handled: scope|key → fingerprint. */
  const running = new Map<string, string>();
  let closed = false;
  /** Wake-ups of pending sleeps, so close() ends slow replies at once. */
  const sleepers = new Set<() => void>();
  let inflight = 0;
  let idleWaiters: (() => void)[] = [];
  let lastPurge = now();
  let seedCalls = 0;
  let closing: Promise<void> | undefined;
  const idle = () => (inflight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)));

  const sleep = (ms: number) =>
    ms <= 0 || closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            sleepers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          sleepers.add(wake);
        });

  /** `route` (an API route's byRoute key) also counts the bytes per route. */
  function send(res: ServerResponse, reply: Reply, cors: Record<string, string>, route?: string): void {
    if (res.destroyed || closed) {
      res.destroy();
      return;
    }
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...cors,
      // A plain CRM never heard of the header: absent, not empty.
      ...(advertise ? { [HEADERS.extensions]: extensions } : {}),
      ...(body ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...reply.headers,
    });
    res.end(body);
    const bytes = Buffer.byteLength(body);
    stats.bytesSent += bytes;
    if (route !== undefined) stats.bytesByRoute[route] = (stats.bytesByRoute[route] ?? 0) + bytes;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin && LOCAL_ORIGIN.test(origin)
        ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': advertise ? EXPOSED : EXPOSED_PLAIN }
        : {};
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      send(res, {
        status: 204,
        headers: {
          'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        },
      }, cors);
      return;
    }
    if (url.pathname === '/openapi.json' || url.pathname === '/') {
      if (url.pathname === '/') send(res, { status: 200, body: { success: true, message: 'Stand-in CRM', data: { api: API_PREFIX, openapi: '/openapi.json', extensions } } }, cors);
      else send(res, { status: 200, body: buildOpenApi(extensions) }, cors);
      return;
    }
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      send(res, fail(404, 'Route not found.'), cors);
      return;
    }

    // Faults apply to API routes only; the draw happens first so the sequence depends on request order alone.
    stats.apiRequests++;
    const segments = url.pathname.slice(API_PREFIX.length + 1).split('/').map(decodeURIComponent).filter((s) => s !== '');
    const route = `${method} /${routePattern(segments)}`;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    const fault = injector.next();
    stats.faultLog.push(fault.kind);
    if (stats.faultLog.length > 10_000) stats.faultLog.splice(0, stats.faultLog.length - 10_000);
    if (fault.kind) stats.faults[fault.kind]++;

    let raw: string;
    try {
      raw = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) send(res, fail(413, 'The request body is too large.'), cors, route);
      else res.destroy();
      return;
    }
    if (closed) {
      res.destroy();
      return;
    }
    // Admission (auth, Idempotency-Key) is synchronous and happens on arrival, before the added
    // latency: a duplicate sent while the first is still waiting or running sees it (409).
    const admitted = admit(req, method, url, raw);
    try {
      await sleep(injector.config.latencyMs);
      if (closed) {
        res.destroy();
        return;
      }
      if ('reply' in admitted) {
        send(res, admitted.reply, cors, route);
        return;
      }
      if (fault.kind === 'error5xx') {
        send(res, fail(fault.status, 'The CRM is temporarily unavailable (injected fault). Nothing was changed.'), cors, route);
        return;
      }
      if (fault.kind === 'rateLimit') {
        const retry = String(injector.config.retryAfterSeconds);
        send(res, { ...fail(429, 'Too many requests. Try again later.'), headers: { [HEADERS.retryAfter]: retry } }, cors, route);
        return;
      }
      const { user, key, fingerprint } = admitted;
      const nowMs = now();
      if (nowMs - lastPurge > 3_600_000) {
        store.purgeReplies(nowMs - ttlMs);
        lastPurge = nowMs;
      }
      let reply: Reply;
      try {
        const body = parseBody(raw);
        const ifMatch = req.headers[HEADERS.ifMatch.toLowerCase()];
        reply = store.transaction(() => {
          const r = app.handle({ method, segments, query: url.searchParams, body, user, nowMs, ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined });
          // Stored in the same transaction as the change: a crash never leaves one without the other.
          if (key !== undefined) {
            store.putReply(user.id, key, { fingerprint, status: r.status, body: JSON.stringify(r.body ?? null), headers: r.headers ?? {}, created_ms: nowMs });
          }
          return r;
        });
        if (method !== 'GET' && reply.status < 400) stats.mutations++;
      } catch (e) {
        reply = e instanceof BadJson ? fail(400, `Malformed JSON: ${e.message}`, { body: ['The request body is not valid JSON.'] }) : internalError(e);
      }
      // Released once committed: a retry during a slow reply gets the stored reply, not 409.
      if (admitted.runningKey) running.delete(admitted.runningKey);

      if (fault.kind === 'dropAfterCommit') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'slow') await sleep(injector.config.slowMs);
      send(res, reply, cors, route);
    } finally {
      if (!('reply' in admitted) && admitted.runningKey) running.delete(admitted.runningKey);
    }
  }

  type Admission =
    | { reply: Reply }
    | { user: EntityRecord; key: string | undefined; runningKey: string | undefined; fingerprint: string };

  function admit(req: IncomingMessage, method: string, url: URL, raw: string): Admission {
    const auth = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(auth);
    const userId = match?.[1] ? tokens.get(match[1].trim()) : undefined;
    const user = userId ? store.getEntity('user', userId) : undefined;
    if (!user) {
      return { reply: { ...fail(401, auth ? 'Invalid or expired token.' : 'Unauthenticated: send Authorization: Bearer <token>.'), headers: { 'WWW-Authenticate': 'Bearer' } } };
    }
    const keyHeader = req.headers[HEADERS.idempotencyKey.toLowerCase()];
    const key = idempotency && method !== 'GET' && typeof keyHeader === 'string' ? keyHeader.trim() : undefined;
    const fingerprint = createHash('sha256').update(`${method} ${url.pathname}${url.search}\n${raw}`).digest('hex');
    if (key === undefined) return { user, key, runningKey: undefined, fingerprint };
    if (key.length === 0 || key.length > 255) {
      return { reply: fail(400, 'Idempotency-Key must be 1 to 255 characters.', { idempotency_key: ['Send 1 to 255 characters.'] }) };
    }
    const runningKey = `${user.id}|${key}`;
    const found = store.getReply(user.id, key);
    // Kept at least ttlMs (30 days); older ones are purged hourly and ignored until then.
    const stored = found && found.created_ms >= now() - ttlMs ? found : undefined;
    const inFlight = running.get(runningKey);
    if ((stored && stored.fingerprint !== fingerprint) || (inFlight !== undefined && inFlight !== fingerprint)) {
      return { reply: fail(422, 'This Idempotency-Key was already used for a different request.', { idempotency_key: ['Use a new key for a different request.'] }) };
    }
    if (stored) {
      stats.replays++;
      return { reply: { status: stored.status, body: JSON.parse(stored.body) as unknown, headers: { ...stored.headers, [HEADERS.idempotentReplay]: 'true' } } };
    }
    if (inFlight !== undefined) {
      return { reply: fail(409, 'A request with this Idempotency-Key is still being processed. Retry later.') };
    }
    running.set(runningKey, fingerprint);
    return { user, key, runningKey, fingerprint };
  }

  const server = createServer((req, res) => {
    inflight++;
    handle(req, res)
      .catch((e: unknown) => send(res, internalError(e), {}))
      .finally(() => {
        inflight--;
        if (inflight === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const w of waiters) w();
        }
      });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const live = (id: string): StoredActivity => {
    const s = store.liveActivity(id);
    if (!s) throw new DomainError('not_found', `Activity ${id} not found.`);
    return s;
  };
  /** Live, and in a status the action table knows (an unknown one allows only delete). */
  const actionable = (id: string): Activity => {
    const a = live(id).activity;
    if (!knownStatus(a.status)) throw new DomainError('action_not_allowed', `The activity's status "${a.status}" does not allow this action.`);
    return a;
  };
  const put = (a: Activity): Activity => {
    store.putActivity(a);
    return { ...a, is_overdue: isOverdue(a, now()) };
  };
  const iso = () => toIsoInstant(now());
  const userRef = (id: string): { id: string; name: string } => {
    const u: EntityRecord | undefined = store.getEntity('user', id);
    return { id, name: u?.name ?? id };
  };

  const mutate: MutateApi = {
    create(input, asUserId = DEFAULT_USER_ID) {
      const v = createActivitySchema.parse(input);
      return put(applyCreate(v, { id: newId(), now: iso(), currentUser: userRef(asUserId), reminderDefaults: false }));
    },
    update: (id, patch) => put(applyUpdate(actionable(id), updateActivitySchema.parse(patch), iso())),
    complete: (id, input = {}) => put(applyComplete(actionable(id), input, iso())),
    cancel: (id, reason) => put(applyCancel(actionable(id), reason === undefined ? {} : { reason }, iso()).cancelled),
    reschedule: (id, input) => put(applyReschedule(actionable(id), input, iso())),
    delete(id) {
      live(id);
      store.softDeleteActivity(id, iso());
    },
    get(id) {
      const s = store.getActivity(id);
      return s ? { ...s.activity, is_overdue: isOverdue(s.activity, now()), deleted_at: s.deleted_at } : undefined;
    },
    rawSet(id, fields) {
      const next = { ...live(id).activity, updated_at: iso(), ...fields };
      return put(next);
    },
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    userId: DEFAULT_USER_ID,
    extensions,
    db,
    store,
    close() {
      closing ??= (async () => {
        closed = true;
        for (const wake of [...sleepers]) wake();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Handlers woken above finish without touching the database; then it can close.
        await idle();
        db.close();
      })();
      return closing;
    },
    setFaults: (partial) => injector.set(partial),
    faults: () => injector.config,
    stats: () => ({
      ...stats, byRoute: { ...stats.byRoute }, faults: { ...stats.faults }, faultLog: [...stats.faultLog], bytesByRoute: { ...stats.bytesByRoute },
    }),
    resetStats() {
      stats = emptyStats();
    },
    idle,
    seedActivities(n, opts = {}) {
      // Each call without a seed draws a different (still reproducible) set.
      const generated = generateActivities(n, { ...opts, seed: opts.seed ?? seed + 1000 * ++seedCalls, nowMs: now() }, newId);
      const list = unknownValues ? withUnknownValues(generated) : generated;
      store.transaction(() => {
        for (const a of list) store.putActivity(a);
      });
      return list.map((a) => a.id);
    },
    mutate,
  };
}

function routePattern(segments: string[]): string {
  const [head, id, action] = segments;
  if (head === undefined) return '';
  if (id === undefined) return head;
  const fixed = head === 'activities' ? ['search', 'overdue', 'bulk-actions'] : head === 'users' ? ['me'] : [];
  const idPart = fixed.includes(id) ? id : ':id';
  return action === undefined ? `${head}/${idPart}` : `${head}/${idPart}/${action}`;
}

/** The body as text; past MAX_BODY_BYTES the rest is drained and discarded so a 413 can still be sent. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function parseBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw new BadJson(e instanceof Error ? e.message : String(e));
  }
}

function internalError(e: unknown): Reply {
  console.error('[crm] internal error', e);
  return fail(500, 'Internal server error.');
}


