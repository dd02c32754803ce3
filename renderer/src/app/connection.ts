/**
 * Where the rep stands with the CRM: the sign-in check (is anything there, is it a CRM, does it
 * take this token) and whether the CRM answered the last request the app made (so the status
 * bar can tell "offline" from "CRM unreachable").
 */
import { useSyncExternalStore } from 'react';
import type { Transport } from '#shared/ipc/platform';
import { TransportError } from '#shared/ipc/platform';
import { API_PREFIX } from '#shared/api/index';

export type ProbeResult =
  | { ok: true }
  | { ok: false; reason: 'unreachable' | 'not-crm' | 'refused' | 'error'; message: string };

/** The guide's cheapest read: one activity. Any CRM that speaks the guide answers it. */
export const PROBE_PATH = `${API_PREFIX}/activities?per_page=1`;

function looksLikeEnvelope(body: string): boolean {
  try {
    const json = JSON.parse(body) as unknown;
    return typeof json === 'object' && json !== null && (json as { success?: unknown }).success === true && Array.isArray((json as { data?: unknown }).data);
  } catch {
    return false;
  }
}

/** Asks the CRM at baseUrl (through the platform's transport, already given the address and token). */
export async function probeCrm(transport: Transport, baseUrl: string): Promise<ProbeResult> {
  let res;
  try {
    res = await transport.request({ method: 'GET', path: PROBE_PATH, headers: { Accept: 'application/json' }, timeoutMs: 10_000 });
  } catch (e) {
    if (e instanceof TransportError || (e instanceof Error && e.name === 'TransportError')) {
      return { ok: false, reason: 'unreachable', message: `Nothing answers at ${baseUrl}. Check the address (and that the CRM is running), then try again.` };
    }
    return { ok: false, reason: 'unreachable', message: `Nothing answers at ${baseUrl}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (res.status === 401 || res.status === 403) {
    return { ok: false, reason: 'refused', message: `The CRM at ${baseUrl} refused this token (${res.status}). Check it, or ask your CRM administrator for a new one.` };
  }
  if (res.status >= 200 && res.status < 300 && looksLikeEnvelope(res.body)) return { ok: true };
  if (res.status === 429 || res.status >= 500) {
    return { ok: false, reason: 'error', message: `The CRM at ${baseUrl} is having trouble (it answered ${res.status}). Try again in a moment.` };
  }
  return {
    ok: false,
    reason: 'not-crm',
    message: `Something answers at ${baseUrl}, but not as a CRM does (no activity list at ${API_PREFIX}/activities; it answered ${res.status}). Check the address.`,
  };
}

export type Reach = 'unknown' | 'reachable' | 'unreachable';

export interface Reachability {
  get: () => Reach;
  set: (r: Reach) => void;
  subscribe: (cb: () => void) => () => void;
}

export function createReachability(): Reachability {
  let state: Reach = 'unknown';
  const subs = new Set<() => void>();
  return {
    get: () => state,
    set(r) {
      if (r === state) return;
      state = r;
      for (const s of [...subs]) s();
    },
    subscribe(cb) {
      subs.add(cb);
      return () => { subs.delete(cb); };
    },
  };
}

/** The same transport, noting whether the CRM answered (any status) or nothing did. */
export function watchTransport(transport: Transport, reach: Reachability): Transport {
  return {
    async request(req) {
      try {
        const res = await transport.request(req);
        reach.set('reachable');
        return res;
      } catch (e) {
        if (typeof navigator === 'undefined' || navigator.onLine) reach.set('unreachable');
        throw e;
      }
    },
  };
}

/** The origin (scheme, host, port) a CRM address stands for: queued changes belong to one. */
export function crmOrigin(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}

/** A sign-in the app refused, with the field the rep should fix ('form' = neither alone). */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(readonly field: 'url' | 'token' | 'form', message: string) {
    super(message);
  }
}

/** The one reachability the status bar shows (the transport every sync request goes through feeds it). */
export const crmReach = createReachability();

/** Which CRM the local store's queued changes were made for (sync_meta). */
export const STORE_ORIGIN_KEY = 'store.crm_origin';

/** Where the dev/preview server of `npm run web` / `npm start` says a demo CRM runs beside it. */
export const DEMO_CRM_PATH = '/__fieldbook/demo-crm.json';

export interface DemoCrm {
  url: string;
  token: string;
}

/** The demo CRM beside the app, when the server that served the app offers one (web mode only). */
export async function findDemoCrm(fetchImpl: typeof fetch = fetch): Promise<DemoCrm | null> {
  try {
    const res = await fetchImpl(DEMO_CRM_PATH, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
    const json = (await res.json()) as Partial<DemoCrm>;
    return typeof json.url === 'string' && typeof json.token === 'string' && json.url && json.token ? { url: json.url, token: json.token } : null;
  } catch {
    return null;
  }
}

export function useCrmReach(): Reach {
  return useSyncExternalStore(crmReach.subscribe, crmReach.get);
}
