/**
 * The messages between the UI thread and the sync worker, as zod schemas. Both ends parse every
 * message they receive: a malformed one is reported and dropped, never half-applied.
 *
 * UI → worker: init (which store, who the rep is), call (an engine method, with who the rep is
 * now), user (the rep changed between calls), response (the answer to a transport request). Worker → UI: ready / failed (boot), status (every change), result (of
 * a call), request (an HTTP request for the UI thread to make: the token and the desktop bridge
 * stay there), error (something in the worker failed outside any call).
 */
import { z } from 'zod';
// The HTTP request and answer as the desktop's IPC contract checks them: one schema, as strict there as here.
import { httpRequestSchema, httpResponseSchema } from '#shared/ipc/contract';
import type { SyncEngineOptions, SyncEnginePort, SyncStatus } from '#shared/sync/index';

/** What crosses the boundary for a thrown error; rebuilt as an Error with the same name and message. */
export const wireErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  /** TransportError / ApiError kind. */
  kind: z.string().optional(),
  /** ApiError HTTP status. */
  status: z.number().optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

/** Every PullOptions field (checked below: a field the engine grows and this schema lacks fails tsc). */
const pullOptionsSchema = z.object({
  full: z.boolean().optional(),
  followEntities: z.boolean().optional(),
  maxFollowed: z.number().optional(),
  fullEvery: z.number().optional(),
  incrementalOnly: z.boolean().optional(),
  poll: z.boolean().optional(),
  reconcileEveryMs: z.number().optional(),
  windowDays: z.number().optional(),
  refreshPerHour: z.number().optional(),
});

const conflictChoiceSchema = z.union([z.literal('mine'), z.literal('theirs'), z.object({ value: z.unknown() })]);

/** Engine options the UI may set for the worker's engine (the rest are the engine's defaults). */
export const engineOptionsSchema = z.object({
  intervalMs: z.number().optional(),
  debounceMs: z.number().optional(),
  pull: pullOptionsSchema.optional(),
});
export type WorkerEngineOptions = z.infer<typeof engineOptionsSchema>;

const countsSchema = z.record(z.string(), z.number());
// Reports keep fields this file does not name (looseObject): the engine may grow them.
const pushReportSchema = z.looseObject({ requests: z.number(), failed: z.number(), authRequired: z.boolean(), nextRetryAt: z.number().nullable() });
const pullReportSchema = z.looseObject({ full: z.boolean(), pages: z.number(), items: z.number() });
const syncReportSchema = z.object({
  push: pushReportSchema.nullable(),
  pull: pullReportSchema.nullable(),
  error: z.string().nullable(),
  skipped: z.enum(['offline', 'auth', 'stopped']).optional(),
});
const remoteUserSchema = z.looseObject({ id: z.string(), name: z.string() });

/**
 * The engine methods the worker answers: the engine's port (shared/sync SyncEnginePort) without
 * getStatus and subscribe, which the UI thread answers from the status messages.
 */
export type RpcEngine = Omit<SyncEnginePort, 'getStatus' | 'subscribe'>;

/**
 * 'fire': the method returns nothing; the UI thread does not wait, and a failure is reported on
 * the status. 'call': the UI thread awaits the worker's answer.
 */
type ModeOf<F> = F extends (...args: never[]) => Promise<unknown> ? 'call' : 'fire';

/** One entry per engine method: its argument tuple, its result and how the UI thread calls it. */
export type MethodTable = { [K in keyof RpcEngine]: { args: z.ZodType<unknown[]>; result: z.ZodType; mode: ModeOf<RpcEngine[K]> } };

/**
 * Every engine method the UI can call through the worker. `satisfies MethodTable` makes a method
 * missing here (or one the engine no longer has) a compile error, and the checks below make each
 * schema match the method's own parameter and result types.
 */
export const METHODS = {
  start: { args: z.tuple([]), result: z.undefined(), mode: 'fire' },
  stop: { args: z.tuple([]), result: z.undefined(), mode: 'call' },
  syncNow: { args: z.tuple([]), result: syncReportSchema, mode: 'call' },
  push: { args: z.tuple([]), result: syncReportSchema, mode: 'call' },
  pull: { args: z.tuple([pullOptionsSchema.optional()]), result: syncReportSchema, mode: 'call' },
  notifyLocalChange: { args: z.tuple([]), result: z.undefined(), mode: 'fire' },
  setOnline: { args: z.tuple([z.boolean()]), result: z.undefined(), mode: 'fire' },
  resume: { args: z.tuple([]), result: z.undefined(), mode: 'fire' },
  setVisible: { args: z.tuple([z.boolean()]), result: z.undefined(), mode: 'fire' },
  refreshActivity: { args: z.tuple([z.string()]), result: z.enum(['refreshed', 'unchanged', 'gone', 'skipped']), mode: 'call' },
  authRestored: { args: z.tuple([]), result: z.undefined(), mode: 'fire' },
  retryOp: { args: z.tuple([z.string(), z.record(z.string(), z.unknown()).optional()]), result: z.undefined(), mode: 'call' },
  discardOp: { args: z.tuple([z.string()]), result: z.undefined(), mode: 'call' },
  resolveConflict: { args: z.tuple([z.string(), conflictChoiceSchema]), result: z.undefined(), mode: 'call' },
  pullDirectory: { args: z.tuple([]), result: countsSchema, mode: 'call' },
  whoAmI: { args: z.tuple([]), result: remoteUserSchema.nullable(), mode: 'call' },
} as const satisfies MethodTable;

export type MethodName = keyof typeof METHODS;
export const METHOD_NAMES = Object.keys(METHODS) as [MethodName, ...MethodName[]];

// ---- Compile-time checks: the schemas say exactly what the engine's types say. ----

/**
 * A type with optional marks, `undefined` and index signatures taken out, all the way down, so two
 * shapes compare field by field: a field one side lacks is a difference even where it is optional.
 */
export type Strict<T> = T extends readonly unknown[]
  ? { -readonly [K in keyof T]-?: Strict<Exclude<T[K], undefined>> }
  : T extends object
    ? { [K in keyof T as string extends K ? never : number extends K ? never : K]-?: Strict<Exclude<T[K], undefined>> }
    : T;
/** true when A and B have the same fields with the same types (see Strict). */
export type SameShape<A, B> = [Strict<A>] extends [Strict<B>] ? ([Strict<B>] extends [Strict<A>] ? true : false) : false;
/** void (a method that returns nothing) crosses as undefined. */
type Crossed<T> = [T] extends [void] ? undefined : T;

/** Methods whose argument schema differs from the engine's parameters (never when all match). */
export type ArgsMismatch = {
  [K in MethodName]: SameShape<z.output<(typeof METHODS)[K]['args']>, Parameters<RpcEngine[K]>> extends true ? never : K
}[MethodName];
/** Methods whose result the schema would not accept as the engine's type says it is (never when all do). */
export type ResultMismatch = {
  [K in MethodName]: [Strict<Crossed<Awaited<ReturnType<RpcEngine[K]>>>>] extends [Strict<z.output<(typeof METHODS)[K]['result']>>] ? never : K
}[MethodName];
/** The worker's engine options: each one the schema names has the engine's own type. */
type OptionsMismatch = SameShape<WorkerEngineOptions, Pick<SyncEngineOptions, keyof WorkerEngineOptions>> extends true ? never : 'engineOptionsSchema';

type Check<Mismatch> = [Mismatch] extends [never] ? true : Mismatch;
/** A compile error here names the method (or schema) whose schema and engine type disagree. */
export const SCHEMAS_MATCH_ENGINE: { args: Check<ArgsMismatch>; result: Check<ResultMismatch>; options: Check<OptionsMismatch> } = {
  args: true, result: true, options: true,
};

const failedOpSchema = z.looseObject({
  op_id: z.string(), lid: z.string(), kind: z.enum(['create', 'update', 'complete', 'cancel', 'reschedule', 'delete']), state: z.enum(['failed', 'blocked']),
  message: z.string().nullable(), status: z.number().nullable(), attempts: z.number(), stuck: z.boolean(),
});
const conflictSchema = z.looseObject({
  id: z.string(), lid: z.string(), kind: z.enum(['field', 'deleted_remote', 'status']), field: z.string(),
  base: z.unknown(), local: z.unknown(), remote: z.unknown(), created_at: z.number(),
});
export const syncStatusSchema = z.looseObject({
  online: z.boolean(),
  syncing: z.boolean(),
  lastSyncedAt: z.number().nullable(),
  pending: z.number(),
  failed: z.array(failedOpSchema),
  conflicts: z.array(conflictSchema),
  authRequired: z.boolean(),
  lastError: z.string().nullable(),
});

const userSchema = z.string().nullable();

export const toWorkerSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('init'), dbName: z.string().min(1), user: userSchema, options: engineOptionsSchema }),
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.enum(METHOD_NAMES), args: z.array(z.unknown()), user: userSchema }),
  /** The rep changed (Settings) between calls: the worker's timer-started runs use the new scope. */
  z.object({ t: z.literal('user'), user: userSchema }),
  z.discriminatedUnion('ok', [
    z.object({ t: z.literal('response'), id: z.number().int(), ok: z.literal(true), res: httpResponseSchema }),
    z.object({ t: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: wireErrorSchema }),
  ]),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

export const fromWorkerSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('failed'), error: wireErrorSchema }),
  z.object({ t: z.literal('status'), status: syncStatusSchema }),
  z.discriminatedUnion('ok', [
    z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown().optional() }),
    z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: wireErrorSchema }),
  ]),
  z.object({ t: z.literal('request'), id: z.number().int(), req: httpRequestSchema }),
  z.object({ t: z.literal('error'), error: wireErrorSchema }),
]);
/** As parsed on the UI thread. */
export type FromWorkerParsed = z.infer<typeof fromWorkerSchema>;
/** As sent by the worker: the status is the engine's own SyncStatus (the schema checks it on arrival). */
export type FromWorker = Exclude<FromWorkerParsed, { t: 'status' }> | { t: 'status'; status: SyncStatus };

/**
 * A status that passed syncStatusSchema. The schema names every SyncStatus field with its type (the
 * compiler checks they line up here) and keeps fields it does not know: the engine may add some.
 */
export function statusFromWire(s: z.infer<typeof syncStatusSchema>): SyncStatus {
  return s;
}

/** Either end of the channel: a Worker, the worker's global scope, or a MessagePort (tests). */
export interface Endpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

/** Parse an incoming message; a bad one becomes a readable Error naming what was wrong. */
export function parseMessage<T>(schema: z.ZodType<T>, data: unknown, from: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new Error(`Malformed message from ${from}${where}: ${issue?.message ?? 'invalid'}`);
}

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const extra = e as Error & { kind?: unknown; status?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof extra.kind === 'string' ? { kind: extra.kind } : {}),
      ...(typeof extra.status === 'number' ? { status: extra.status } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

/** An error thrown on the other side of the channel: same name, message, kind and status. */
export class RemoteError extends Error {
  override name: string;
  readonly kind: string | undefined;
  readonly status: number | undefined;
  constructor(w: WireError) {
    super(w.message);
    this.name = w.name;
    this.kind = w.kind;
    this.status = w.status;
  }
}

/** Check a call's arguments against its method's schema. */
export function parseArgs(method: MethodName, args: unknown[]): unknown[] {
  return parseMessage(METHODS[method].args as z.ZodType<unknown[]>, args, `call ${method}`);
}

/** Check a call's result against its method's schema (the casts are safe: the schemas mirror the port's types). */
export function parseResult(method: MethodName, value: unknown): unknown {
  return parseMessage(METHODS[method].result as z.ZodType<unknown>, value, `result of ${method}`);
}
