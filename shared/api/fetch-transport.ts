/**
 * Transport over fetch: web mode (window.fetch) and tests in Node (global fetch). The bearer token
 * is read per request so a new sign-in takes effect at once. Failures before a usable response
 * become a TransportError: 'timeout' when our timer aborted, 'network' otherwise.
 *
 * What every transport holds to (the desktop one in electron/main/transport.ts uses the helpers
 * below too):
 * - No redirect is followed. The CRM API does not redirect; a 307/308 would resend the body and
 *   the token to wherever it points, and its answer would be applied as the CRM's. A redirect is
 *   a failure that names where it pointed ("The CRM redirected to another address (…); not
 *   following"). 304 Not Modified is not a redirect and passes through.
 * - At most MAX_RESPONSE_BYTES of an answer are read (Content-Length checked first, then counted
 *   while streaming), so a broken or hostile server cannot make us buffer gigabytes.
 * - Headers are built inside the try, and every message that leaves the transport is redacted:
 *   the token, its escaped forms and any "Bearer …" fragment.
 */
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../ipc/platform.ts';

/**
 * 20 MB. A page of 100 full activities is ~100–300 KB, so this is ~70× the largest answer the
 * app asks for, yet small enough to hold in memory on any laptop.
 */
export const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

export interface FetchTransportOptions {
  baseUrl: string;
  getToken: () => string | null | Promise<string | null>;
  fetch?: typeof fetch;
  /** Used when a request gives no timeoutMs. */
  defaultTimeoutMs?: number;
  /** Largest answer read, in bytes (MAX_RESPONSE_BYTES unless a test says otherwise). */
  maxResponseBytes?: number;
}

/** The CRM answered, but with something we refuse to use (a redirect, an oversized body). */
export class RefusedAnswerError extends Error {
  override readonly name = 'RefusedAnswerError';
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Null when the response is not a redirect; otherwise the failure message. Call with the response
 * of a fetch made with `redirect: 'manual'`. A browser hides a manual redirect's target
 * (an "opaqueredirect" response with status 0), so then the message cannot name it.
 */
export function redirectRefusal(res: Pick<Response, 'status' | 'type' | 'headers'>, requestUrl: string): string | null {
  if (res.type === 'opaqueredirect') return 'The CRM redirected to another address (the browser does not say which); not following.';
  if (!REDIRECT_STATUSES.has(res.status)) return null;
  const location = res.headers.get('location');
  let target: URL | null;
  try {
    target = location ? new URL(location, requestUrl) : null;
  } catch {
    target = null;
  }
  if (!target) return `The CRM answered ${res.status} (a redirect) without a usable address; not following.`;
  // Origin and path only: a query could carry anything, the token included.
  const shown = `${target.origin}${target.pathname}`;
  if (target.origin !== new URL(requestUrl).origin) return `The CRM redirected to another address (${shown}); not following.`;
  return `The CRM answered ${res.status}, a redirect to ${shown}; its API does not redirect, so not following. Check the CRM address in Settings.`;
}

/** The message for an answer over the cap. */
export function tooLargeMessage(maxBytes: number): string {
  return `The CRM's answer is larger than ${formatMB(maxBytes)}; not reading it (a page of activities is well under 1 MB). Check the CRM address in Settings.`;
}

function formatMB(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${bytes} bytes`;
}

/**
 * Reads a body as UTF-8 text, at most maxBytes: refuses at once when Content-Length says more,
 * otherwise counts while streaming and cancels the stream the moment the count goes over.
 */
export async function readBodyCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = res.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new RefusedAnswerError(tooLargeMessage(maxBytes));
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RefusedAnswerError(tooLargeMessage(maxBytes));
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** Only visible ASCII can travel in an Authorization header unchanged (RFC 9110 token68 and then some). */
export function isHeaderSafeToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

export const BAD_TOKEN_MESSAGE =
  'The saved API token contains characters an HTTP header cannot carry (spaces, line breaks or non-ASCII); sign in again with the token exactly as the CRM issued it.';

/**
 * Error texts can echo request details; the token must not travel with them to the renderer, the
 * outbox's last_error or the status bar. Removes the token, its escaped forms, its visible runs
 * (a token with a line break may be echoed in pieces) and any "Bearer …" fragment.
 */
export function redactSecret(text: string, secret: string | null | undefined): string {
  let out = text;
  if (secret) {
    const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
    // Visible runs of 6+ characters between control/space/non-ASCII characters.
    for (const run of secret.split(/[^\x21-\x7e]+/)) if (run.length >= 6) forms.add(run);
    for (const form of [...forms].sort((a, b) => b.length - a.length)) if (form) out = out.split(form).join('[redacted]');
  }
  return out.replace(/(Bearer)(\s+|%20|\+)[^\s"',;)}\]]+/gi, '$1 [redacted]');
}

export function createFetchTransport(opts: FetchTransportOptions): Transport {
  const doFetch = opts.fetch ?? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init));
  const base = opts.baseUrl.replace(/\/+$/, '');
  const maxBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const controller = new AbortController();
      let timedOut = false;
      const timeoutMs = req.timeoutMs ?? opts.defaultTimeoutMs ?? 30_000;
      const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
      let token: string | null = null;
      try {
        token = await opts.getToken();
        if (token && !isHeaderSafeToken(token)) throw new RefusedAnswerError(BAD_TOKEN_MESSAGE);
        const headers = new Headers(req.headers);
        if (token) headers.set('Authorization', `Bearer ${token}`);
        const url = `${base}${req.path}`;
        const res = await doFetch(url, {
          method: req.method, headers, signal: controller.signal, redirect: 'manual', ...(req.body !== undefined ? { body: req.body } : {}),
        });
        const refusal = redirectRefusal(res, url);
        if (refusal) {
          await res.body?.cancel().catch(() => undefined);
          throw new RefusedAnswerError(refusal);
        }
        // The body is part of the answer: a reset while reading it is still "no answer".
        const body = await readBodyCapped(res, maxBytes);
        const out: Record<string, string> = {};
        res.headers.forEach((value, key) => { out[key] = value; });
        return { status: res.status, headers: out, body };
      } catch (e) {
        if (timedOut) throw new TransportError('timeout', `no answer within ${timeoutMs} ms`);
        const message = e instanceof RefusedAnswerError ? e.message : e instanceof Error ? describe(e) : String(e);
        throw new TransportError('network', redactSecret(message, token));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function describe(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}
