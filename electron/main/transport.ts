/**
 * The engine's HTTP requests, made in main with net.fetch (system proxy settings, no CORS) and
 * the bearer token added here, so the token never enters the renderer. Failures before a
 * response are returned as data ({kind:'network'|'timeout'}) for the sync engine to classify.
 */
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
}

export class NotSignedInError extends Error {
  override readonly name = 'NotSignedInError';
  constructor() {
    super('Not signed in: add the CRM address and token in Settings.');
  }
}

/** Headers the renderer may not set: credentials are main's business. */
const FORBIDDEN_REQUEST_HEADERS = new Set(['authorization', 'cookie', 'host', 'proxy-authorization']);

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
    if (originOf(url) !== originOf(creds.baseUrl)) throw new Error(`Refusing a request outside the CRM: ${req.path}`);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (!FORBIDDEN_REQUEST_HEADERS.has(k.toLowerCase())) headers.set(k, v);
    }
    headers.set('Authorization', `Bearer ${creds.token}`);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    if (req.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');

    const controller = new AbortController();
    const timeoutMs = req.timeoutMs ?? this.deps.defaultTimeoutMs ?? 30_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await this.deps.fetch(url, {
        method: req.method,
        headers,
        body: req.body ?? null,
        signal: controller.signal,
      });
      // The timeout also covers reading the body: a stalled stream is as unknown as no answer.
      const body = await res.text();
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
      this.setOnline(false);
      return { ok: false, failure: { kind: 'network', message: redact(describe(e), creds.token) } };
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

/** Error texts can echo request details; the token must not travel with them to the renderer. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
