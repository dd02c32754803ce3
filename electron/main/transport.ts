/**
 * The engine's HTTP requests, made in main with net.fetch (system proxy settings, no CORS) and
 * the bearer token added here, so the token never enters the renderer. Failures before a usable
 * response are returned as data ({kind:'network'|'timeout'}) for the sync engine to classify.
 * Same rules as the fetch transport (shared/api/fetch-transport.ts): no redirect is followed,
 * answers are read up to 20 MB (MAX_RESPONSE_BYTES), headers are built inside the try, and every
 * message is redacted (the token, its escaped forms, any "Bearer …" fragment).
 */
import {
  BAD_TOKEN_MESSAGE, MAX_RESPONSE_BYTES, RefusedAnswerError, isHeaderSafeToken, readBodyCapped, redactSecret, redirectRefusal,
} from '#shared/api/index';
import type { HttpRequest } from '#shared/ipc/platform';
import type { HttpResult } from '#shared/ipc/contract';
import type { Credentials } from './token-store.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TransportDeps {
  fetch: FetchLike;
  /** net.isOnline(): false is trustworthy (no interface up); true only means "maybe". */
  isOnline: () => boolean;
  credentials: () => Credentials | null;
  onOnlineChange?: (online: boolean) => void;
  defaultTimeoutMs?: number;
  /** Largest answer read, in bytes (MAX_RESPONSE_BYTES, 20 MB, unless a test says otherwise). */
  maxResponseBytes?: number;
}

export class NotSignedInError extends Error {
  override readonly name = 'NotSignedInError';
  constructor() {
    super('Not signed in: add the CRM address and token in Settings.');
  }
}

/** Headers the renderer may not set: credentials are main's business (the calendar's transport too). */
export const FORBIDDEN_REQUEST_HEADERS = new Set(['authorization', 'cookie', 'host', 'proxy-authorization']);

export class MainTransport {
  private online: boolean | null = null;

  constructor(private readonly deps: TransportDeps) {}

  /** Last known connectivity from real request outcomes; null until the first request. */
  isOnline(): boolean | null {
    return this.online;
  }

  /** Called on a tick: a cheap negative signal from the OS without waiting for a request to fail. */
  checkOs(): void {
    if (!this.deps.isOnline()) this.setOnline(false);
  }

  async request(req: HttpRequest): Promise<HttpResult> {
    const creds = this.deps.credentials();
    if (!creds) throw new NotSignedInError();
    if (!this.deps.isOnline()) {
      this.setOnline(false);
      return { ok: false, failure: { kind: 'network', message: 'No network connection.' } };
    }
    const url = creds.baseUrl + req.path;
    // Defence in depth behind the contract's path check: the token goes to the CRM's origin only.
    if (originOf(url) !== originOf(creds.baseUrl)) throw new Error(`Refusing a request outside the CRM: ${redactSecret(req.path, creds.token)}`);
    const fail = (message: string): HttpResult => ({ ok: false, failure: { kind: 'network', message: redactSecret(message, creds.token) } });

    const controller = new AbortController();
    const timeoutMs = req.timeoutMs ?? this.deps.defaultTimeoutMs ?? 30_000;
    const maxBytes = this.deps.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    let timedOut = false;
    let sent = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      // A token with a line break or non-ASCII makes Headers throw with the value in the message:
      // refuse it here, in words that do not repeat it (sign-in refuses such tokens too).
      if (!isHeaderSafeToken(creds.token)) return fail(BAD_TOKEN_MESSAGE);
      // Built inside the try: a header value the renderer sent that cannot be built is a failure, redacted.
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers ?? {})) {
        if (!FORBIDDEN_REQUEST_HEADERS.has(k.toLowerCase())) headers.set(k, v);
      }
      headers.set('Authorization', `Bearer ${creds.token}`);
      if (!headers.has('Accept')) headers.set('Accept', 'application/json');
      if (req.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');

      sent = true;
      const res = await this.deps.fetch(url, {
        method: req.method,
        headers,
        body: req.body ?? null,
        signal: controller.signal,
        // Never follow: a 307/308 would resend the body and the token wherever it points.
        // (net.fetch rejects a manual redirect; Node's fetch returns the 3xx: both are refused.)
        redirect: 'manual',
      });
      const refusal = redirectRefusal(res, url);
      if (refusal) {
        await res.body?.cancel().catch(() => undefined);
        this.setOnline(true);
        return fail(refusal);
      }
      // The timeout also covers reading the body: a stalled stream is as unknown as no answer.
      const body = await readBodyCapped(res, maxBytes);
      const outHeaders: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        if (key.toLowerCase() !== 'set-cookie') outHeaders[key.toLowerCase()] = value;
      });
      this.setOnline(true);
      return { ok: true, response: { status: res.status, headers: outHeaders, body } };
    } catch (e) {
      if (timedOut) {
        return { ok: false, failure: { kind: 'timeout', message: `No answer from the CRM within ${Math.round(timeoutMs / 1000)} s.` } };
      }
      // The CRM answered, but with something we will not use: it is reachable.
      if (e instanceof RefusedAnswerError) {
        this.setOnline(true);
        return fail(e.message);
      }
      if (isElectronRedirectRefusal(e)) {
        this.setOnline(true);
        return fail('The CRM redirected to another address; not following. Check the CRM address in Settings.');
      }
      // Nothing left this computer: says nothing about connectivity.
      if (!sent) return fail(`Could not build the request: ${describe(e)}`);
      this.setOnline(false);
      return fail(describe(e));
    } finally {
      clearTimeout(timer);
    }
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.deps.onOnlineChange?.(online);
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
    return `${e.message}${cause}`;
  }
  return String(e);
}

/** What net.fetch rejects with when the server redirects and the request said 'manual' or 'error'. */
function isElectronRedirectRefusal(e: unknown): boolean {
  return e instanceof Error && /^Redirect was cancelled|redirect policy was 'error'/.test(e.message);
}
