/**
 * The calendar's requests (issue #14), made in main with the app password added here, so the
 * password never enters the renderer. The renderer sends a DavRequest with a path only; the
 * origin is the stored account's, and a path that would leave it is refused.
 *
 * Same rules as the CRM's transport (transport.ts) with two differences a CalDAV client needs:
 * a 3xx is handed back as an answer (the client follows /.well-known/caldav itself, always to a
 * path on this same origin, so the credential never goes elsewhere), and headers such as ETag,
 * Location and DAV come back as they are. Answers are read up to MAX_RESPONSE_BYTES; every
 * failure text is redacted (the password, the Basic credential, any "Basic …" fragment).
 */
import { MAX_RESPONSE_BYTES, RefusedAnswerError, readBodyCapped, redactSecret } from '#shared/api/index';
import type { DavRequest } from '#shared/caldav/client';
import type { HttpResult } from '#shared/ipc/contract';
import type { CalDavCredential } from './caldav-store.ts';
import { FORBIDDEN_REQUEST_HEADERS, type FetchLike } from './transport.ts';

export interface CalDavTransportDeps {
  fetch: FetchLike;
  credential: () => CalDavCredential | null;
  defaultTimeoutMs?: number;
  maxResponseBytes?: number;
}

export class NoCalendarAccountError extends Error {
  override readonly name = 'NoCalendarAccountError';
  constructor() {
    super('No calendar account: connect one in Settings → Calendar.');
  }
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The message with the password, its Basic encoding and any "Basic …" value removed. */
export function redactCalDav(text: string, cred: CalDavCredential): string {
  const encoded = basicAuth(cred.username, cred.password).slice('Basic '.length);
  return redactSecret(redactSecret(text, cred.password), encoded).replace(/(Basic)(\s+|%20|\+)[^\s"',;)}\]]+/gi, '$1 [redacted]');
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`;
  return String(e);
}

export class MainCalDavTransport {
  constructor(private readonly deps: CalDavTransportDeps) {}

  async request(req: DavRequest): Promise<HttpResult> {
    const cred = this.deps.credential();
    if (!cred) throw new NoCalendarAccountError();
    const origin = originOf(cred.serverUrl);
    const url = `${origin ?? ''}${req.path}`;
    // Defence in depth behind the contract's path check: the password goes to the account's origin only.
    if (!origin || originOf(url) !== origin) throw new Error(`Refusing a calendar request outside the account's server: ${redactCalDav(req.path, cred)}`);
    const fail = (message: string): HttpResult => ({ ok: false, failure: { kind: 'network', message: redactCalDav(message, cred) } });

    const controller = new AbortController();
    const timeoutMs = req.timeoutMs ?? this.deps.defaultTimeoutMs ?? 30_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers ?? {})) {
        if (!FORBIDDEN_REQUEST_HEADERS.has(k.toLowerCase())) headers.set(k, v);
      }
      headers.set('Authorization', basicAuth(cred.username, cred.password));
      const res = await this.deps.fetch(url, {
        method: req.method,
        headers,
        body: req.body ?? null,
        signal: controller.signal,
        // Never follow: the client follows discovery redirects itself, to a path on this origin.
        redirect: 'manual',
      });
      const body = await readBodyCapped(res, this.deps.maxResponseBytes ?? MAX_RESPONSE_BYTES);
      const outHeaders: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        if (key.toLowerCase() !== 'set-cookie') outHeaders[key.toLowerCase()] = value;
      });
      return { ok: true, response: { status: res.status, headers: outHeaders, body } };
    } catch (e) {
      if (timedOut) return { ok: false, failure: { kind: 'timeout', message: `No answer from the calendar server within ${Math.round(timeoutMs / 1000)} s.` } };
      if (e instanceof RefusedAnswerError) return fail(`The calendar server's answer is too large to read (${e.message.replace(/^.*larger than ([^;]+);.*$/, '$1')} at most).`);
      return fail(describe(e));
    } finally {
      clearTimeout(timer);
    }
  }
}
