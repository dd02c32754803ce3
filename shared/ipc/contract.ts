/**
 * The one typed contract between main, preload and renderer. Every invoke channel has a request
 * schema (main validates each payload against it) and a response schema; every main→renderer
 * event has a payload schema. The TypeScript types are derived from the schemas, and the
 * preload's exposed object `satisfies FieldbookBridge`, so nothing is kept by hand twice.
 */
import { z } from 'zod';
import type { EventChannel, InvokeChannel } from './channels.ts';
import type { CalDavCredentialInfo, HttpRequest, HttpResponse, PlatformEvents, ReminderItem, TransportFailure } from './platform.ts';
import type { DavRequest } from '../caldav/client.ts';
import { isHeaderSafeToken } from '../api/fetch-transport.ts';

export { EVENT_CHANNELS, INVOKE_CHANNELS, eventIpcName, isEventChannel, isInvokeChannel } from './channels.ts';
export type { EventChannel, InvokeChannel } from './channels.ts';

const MAX_BODY_CHARS = 10 * 1024 * 1024;
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'Expected an ISO-8601 instant.');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected a time of day as HH:mm (24-hour).');

export const httpRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  // Relative to the CRM base URL only: an absolute URL here would let the renderer send the token elsewhere.
  path: z.string().min(1).max(8192).regex(/^\/(?!\/)/, 'Path must start with a single "/" (relative to the CRM address).'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().max(MAX_BODY_CHARS).optional(),
  timeoutMs: z.number().int().positive().max(10 * 60_000).optional(),
}) satisfies z.ZodType<HttpRequest>;

export const httpResponseSchema = z.strictObject({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
}) satisfies z.ZodType<HttpResponse>;

export const transportFailureSchema = z.strictObject({
  kind: z.enum(['network', 'timeout']),
  message: z.string(),
}) satisfies z.ZodType<TransportFailure>;

/** Transport failures are data, not thrown errors, because Electron flattens a rejected invoke to a message string. */
export const httpResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), response: httpResponseSchema }),
  z.strictObject({ ok: z.literal(false), failure: transportFailureSchema }),
]);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Longest API token accepted at sign-in (CRM tokens are tens of characters; JWTs a few hundred). */
export const MAX_TOKEN_CHARS = 4096;

/**
 * Sign-in checks shared by the form, web mode and main's IPC validation. The token goes into an
 * Authorization header as is, so only visible ASCII (0x21–0x7E): a line break, NUL or accented
 * letter would make header building fail with the token in the error text. Null when fine.
 */
export function tokenProblem(token: string): string | null {
  if (!token) return 'Enter your API token.';
  if (token.length > MAX_TOKEN_CHARS) return `The token is longer than ${MAX_TOKEN_CHARS} characters: paste only the token.`;
  if (!isHeaderSafeToken(token)) return 'The token can contain only visible ASCII characters (no spaces, line breaks or accented letters): paste it exactly as the CRM issued it.';
  return null;
}

/** The CRM address: an http(s) URL without user name, password, query or fragment. Null when fine. */
export function crmAddressProblem(address: string): string | null {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return 'Enter the CRM address, e.g. https://crm.example.com.';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// address.';
  if (u.username || u.password) return 'Leave the user name and password out of the CRM address: the token signs you in.';
  if (/[?#]/.test(address)) return 'The CRM address cannot have a query (?…) or a fragment (#…): use just the address, e.g. https://crm.example.com.';
  return null;
}

export const signInSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'The CRM address must be an http(s) URL.' })
    .max(2048)
    .check((ctx) => {
      const problem = crmAddressProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
    // The bearer token must not cross a network in clear text; plain http only to this computer.
    .refine((u) => new URL(u).protocol === 'https:' || LOOPBACK_HOSTS.has(new URL(u).hostname), 'Use an https:// address (plain http is allowed only for a CRM on this computer).'),
  // The message never repeats the token.
  token: z.string().check((ctx) => {
    const problem = tokenProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: '' });
  }),
});

export const sessionSchema = z.strictObject({
  baseUrl: z.string(),
  signedIn: z.boolean(),
  /** False when the OS offers no secure storage: the token then lives only until the app quits. */
  tokenPersisted: z.boolean(),
});

export const reminderItemSchema = z.strictObject({
  lid: z.string().min(1).max(200),
  subject: z.string().max(1000),
  reminder_at: instant,
  due_at: instant.nullable(),
  type: z.string().max(100),
  entity_name: z.string().max(1000).nullable(),
  location: z.string().max(1000).nullable(),
  phone: z.string().max(200).nullable(),
  customer_time_zone: z.string().max(100).nullable().optional(),
}) satisfies z.ZodType<ReminderItem>;

export const quietHoursSchema = z.strictObject({ start: hhmm, end: hhmm }).nullable();
export const countsSchema = z.strictObject({ today: z.number().int().nonnegative(), overdue: z.number().int().nonnegative() });
export const externalUrlSchema = z
  .string()
  .max(8192)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Only http(s) links can be opened.');

/** Longest calendar password accepted (app passwords are 16–64 characters). */
export const MAX_CALDAV_PASSWORD_CHARS = 1024;

/**
 * The calendar server's address: http(s), no user name, password, query or fragment; https unless
 * the server is on this computer (the password travels in every request). Null when fine.
 */
export function calDavServerProblem(address: string): string | null {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return 'Enter the calendar server address, e.g. https://caldav.example.com.';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// address for the calendar server.';
  if (u.username || u.password) return 'Leave the user name and password out of the address: they have fields of their own.';
  if (/[?#]/.test(address)) return 'The calendar server address cannot have a query (?…) or a fragment (#…).';
  if (u.protocol === 'http:' && !LOOPBACK_HOSTS.has(u.hostname)) return 'Use an https:// address: plain http would send your calendar password unencrypted (it is allowed only for a server on this computer).';
  return null;
}

/** HTTP Basic auth: the user name cannot hold a colon or control characters. Null when fine. */
export function calDavUsernameProblem(username: string): string | null {
  if (!username) return 'Enter the user name of the calendar account.';
  if (username.length > 256) return 'The user name is longer than 256 characters.';
  // eslint-disable-next-line no-control-regex
  if (/[:\u0000-\u001f\u007f]/.test(username)) return 'The user name cannot contain a colon or line breaks.';
  return null;
}

export function calDavPasswordProblem(password: string): string | null {
  if (!password) return 'Enter the app password of the calendar account.';
  if (password.length > MAX_CALDAV_PASSWORD_CHARS) return `The password is longer than ${MAX_CALDAV_PASSWORD_CHARS} characters: paste only the password.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'The password cannot contain line breaks or control characters: paste it exactly as issued.';
  return null;
}

function checked(problem: (v: string) => string | null, echo: boolean) {
  return z.string().check((ctx) => {
    const p = problem(ctx.value);
    // The password is never repeated in a message.
    if (p) ctx.issues.push({ code: 'custom', message: p, input: echo ? ctx.value : '' });
  });
}

export const calDavCredentialSchema = z.strictObject({
  serverUrl: checked(calDavServerProblem, true).pipe(z.string().max(2048)),
  username: checked(calDavUsernameProblem, true),
  password: checked(calDavPasswordProblem, false),
});

export const calDavCredentialInfoSchema = z.strictObject({
  serverUrl: z.string(),
  username: z.string(),
  persisted: z.boolean(),
}) satisfies z.ZodType<CalDavCredentialInfo>;

export const davRequestSchema = z.strictObject({
  method: z.enum(['GET', 'PUT', 'DELETE', 'PROPFIND', 'REPORT', 'MKCALENDAR']),
  // A path on the calendar server only: an absolute URL would let the renderer send the password elsewhere.
  path: z.string().min(1).max(8192).regex(/^\/(?!\/)/, 'Path must start with a single "/" (on the calendar server).'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().max(MAX_BODY_CHARS).optional(),
  timeoutMs: z.number().int().positive().max(10 * 60_000).optional(),
}) satisfies z.ZodType<DavRequest>;

const none = z.undefined();

export const invokeContract = {
  'http:request': { request: httpRequestSchema, response: httpResultSchema },
  'auth:signIn': { request: signInSchema, response: z.strictObject({ tokenPersisted: z.boolean() }) },
  'auth:signOut': { request: none, response: none },
  'auth:session': { request: none, response: sessionSchema },
  'reminders:set': { request: z.array(reminderItemSchema).max(20_000), response: none },
  'settings:quietHours': { request: quietHoursSchema, response: none },
  'settings:startAtLogin': { request: z.strictObject({ enabled: z.boolean() }), response: z.strictObject({ enabled: z.boolean() }) },
  'tray:counts': { request: countsSchema, response: none },
  /** Resolves with the saved file's path, or null when the rep cancelled. */
  'logs:export': { request: none, response: z.string().nullable() },
  'app:openExternal': { request: externalUrlSchema, response: none },
  /** A reminder shown in the app's reminder centre was snoozed, done or dismissed. */
  'reminders:action': {
    request: z.strictObject({ key: z.string().min(1).max(500), action: z.enum(['5m', '15m', '60m', 'tomorrow9', 'done', 'dismiss']) }),
    response: none,
  },
  /** Keeps the calendar account's credential in main (encrypted); `persisted` false: memory only. */
  'caldav:setCredential': { request: calDavCredentialSchema, response: z.strictObject({ persisted: z.boolean() }) },
  'caldav:clearCredential': { request: none, response: none },
  /** The account's address and user name, never the password; null when none is set. */
  'caldav:credential': { request: none, response: calDavCredentialInfoSchema.nullable() },
  /** One CalDAV request: main adds the stored origin and Basic auth. Failures are data, as for http:request. */
  'caldav:request': { request: davRequestSchema, response: httpResultSchema },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export const eventContract = {
  reminderClicked: z.strictObject({ lid: z.string(), action: z.enum(['open', 'done']) }),
  remindersMissed: z.strictObject({ lids: z.array(z.string()) }),
  resumed: z.strictObject({}),
  online: z.strictObject({ online: z.boolean() }),
  syncNow: z.strictObject({}),
  reminderDue: z.strictObject({ key: z.string(), reminder: reminderItemSchema }),
} as const satisfies Record<EventChannel, z.ZodType>;

export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.infer<(typeof eventContract)[E]>;
export type HttpResult = z.infer<typeof httpResultSchema>;
export type SessionInfo = z.infer<typeof sessionSchema>;

/** Channels whose request is `undefined` can be invoked without a payload argument. */
type InvokeArgs<C extends InvokeChannel> = undefined extends InvokeRequest<C> ? [payload?: InvokeRequest<C>] : [payload: InvokeRequest<C>];

/** The object the preload exposes as `window.fieldbook`. */
export interface FieldbookBridge {
  readonly kind: 'electron';
  invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResponse<C>>;
  /** Subscribes to a main→renderer event; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Compile-time proof that the event schemas and the renderer's PlatformEvents agree both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type EventsAgree = [Same<keyof PlatformEvents, EventChannel>, { [E in EventChannel]: Same<EventPayload<E>, PlatformEvents[E]> }[EventChannel]] extends [true, true]
  ? true
  : false;
export const EVENTS_AGREE_WITH_PLATFORM: EventsAgree = true;
