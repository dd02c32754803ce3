/** Small fetch wrapper for the stand-in CRM's tests. */
import type { CrmServer } from './index.ts';

export interface CallResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export type Json = Record<string, unknown>;

export interface CallOptions {
  headers?: Record<string, string>;
  token?: string | null;
  /** Raw body text (sent as is, e.g. malformed JSON). */
  raw?: string;
}

export function client(crm: Pick<CrmServer, 'url' | 'token'>) {
  return async function call<T = Json>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<CallResult<T>> {
    const token = opts.token === undefined ? crm.token : opts.token;
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let payload: string | undefined = opts.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${crm.url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/** A controllable clock for the server's `now` option. */
export function clock(startIso: string) {
  let ms = Date.parse(startIso);
  return {
    now: () => ms,
    set(iso: string) {
      ms = Date.parse(iso);
    },
  };
}
