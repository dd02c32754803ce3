/**
 * Transport over fetch: web mode (window.fetch) and tests in Node (global fetch). The bearer token
 * is read per request so a new sign-in takes effect at once. Failures before a response become a
 * TransportError: 'timeout' when our timer aborted, 'network' otherwise.
 */
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../ipc/platform.ts';

export interface FetchTransportOptions {
  baseUrl: string;
  getToken: () => string | null | Promise<string | null>;
  fetch?: typeof fetch;
  /** Used when a request gives no timeoutMs. */
  defaultTimeoutMs?: number;
}

export function createFetchTransport(opts: FetchTransportOptions): Transport {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = opts.baseUrl.replace(/\/+$/, '');
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const controller = new AbortController();
      let timedOut = false;
      const timeoutMs = req.timeoutMs ?? opts.defaultTimeoutMs ?? 30_000;
      const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
      try {
        const token = await opts.getToken();
        const headers: Record<string, string> = { ...req.headers };
        if (token) headers.Authorization = `Bearer ${token}`;
        const res = await doFetch(`${base}${req.path}`, {
          method: req.method, headers, signal: controller.signal, ...(req.body !== undefined ? { body: req.body } : {}),
        });
        // The body is part of the answer: a reset while reading it is still "no answer".
        const body = await res.text();
        const out: Record<string, string> = {};
        res.headers.forEach((value, key) => { out[key] = value; });
        return { status: res.status, headers: out, body };
      } catch (e) {
        if (timedOut) throw new TransportError('timeout', `no answer within ${timeoutMs} ms`);
        throw new TransportError('network', e instanceof Error ? describe(e) : String(e));
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
