/**
 * Wiring for the pull-cost and pull-robustness suites (and the cost bench): the stand-in CRM in
 * the plain shape (or with its extensions), a transport that counts requests and the bytes the
 * server sent (response body length) and may rewrite an answer the server gave (a server that
 * lies in its meta, repeats an id, or cannot serve one record), and a virtual clock whose timers
 * the engine uses, so the app's own cadence runs for simulated hours without sleeping.
 */
import 'fake-indexeddb/auto';
import { createFetchTransport } from '#shared/api/index';
import {
  createCommands, type Commands, type Timers, createSyncEngine, type SyncEngineInternals, type SyncEngineOptions,
  type FieldbookDB,
} from '#shared/sync/index';
import { freshDb } from '#shared/sync/store.testing';
import type { HttpRequest, HttpResponse, Transport } from '#shared/ipc/platform';
import { GUIDE_IDS, startCrmServer, type CrmServer, type CrmServerOptions } from '../crm-server/index.ts';

export const ME = GUIDE_IDS.jane;

/**
 * The plain central CRM of issue 18 (the stand-in's plain profile): no extensions, per_page capped
 * at 50, list items as the guide's list example plus unknown extra fields, guide-shaped write answers.
 */
export const PLAIN: CrmServerOptions = { plain: true };
/** The stand-in with its extensions on (full list items, updated_since, ETag, Idempotency-Key). */
export const EXTENSIONS: CrmServerOptions = {};

export interface Seen { method: string; path: string; status: number; bytes: number }

/** Rewrites one answer; return undefined to pass it on unchanged. */
export type Rewrite = (req: HttpRequest, res: HttpResponse) => HttpResponse | undefined;

export interface CountingTransport extends Transport {
  requests: number;
  /** Bytes of response bodies the server sent. */
  bytes: number;
  log: Seen[];
  rewrite: Rewrite | null;
  reset(): void;
}

export function counting(inner: Transport): CountingTransport {
  const t: CountingTransport = {
    requests: 0, bytes: 0, log: [], rewrite: null,
    reset() { t.requests = 0; t.bytes = 0; t.log = []; },
    async request(req) {
      t.requests++;
      const res = await inner.request(req);
      const bytes = Buffer.byteLength(res.body);
      t.bytes += bytes;
      t.log.push({ method: req.method, path: req.path, status: res.status, bytes });
      return t.rewrite?.(req, res) ?? res;
    },
  };
  return t;
}

/** Requests in the log whose path matches. */
export const countOf = (t: CountingTransport, re: RegExp) => t.log.filter((s) => re.test(s.path)).length;
export const LIST = /\/activities(\?|$)/;
export const DETAIL = /\/activities\/[0-9a-z]{26}$/;

/**
 * Virtual time for the engine: timers of LONG_MS or more (the poll interval and its backoff) wait
 * on the virtual clock and fire only when `runUntil`/`step` get there, with every run of the
 * engine finished before the clock moves on. Shorter ones (yields, the status refresh, in-run
 * retry waits, the edit debounce) run at once on the real loop and move the clock by their delay.
 */
export const LONG_MS = 50_000;

export class VirtualTime implements Timers {
  now: number;
  private seq = 0;
  private long = new Map<number, { due: number; fn: () => void; ms: number }>();
  constructor(start = Date.now()) { this.now = start; }
  readonly clock = () => this.now;
  setTimeout(fn: () => void, ms: number): unknown {
    if (ms < LONG_MS) return { real: setTimeout(() => { this.now += Math.max(0, ms); fn(); }, 0) };
    const id = ++this.seq;
    this.long.set(id, { due: this.now + ms, fn, ms });
    return { id };
  }
  clearTimeout(handle: unknown): void {
    const h = handle as { real?: ReturnType<typeof setTimeout>; id?: number } | null;
    if (h?.real !== undefined) clearTimeout(h.real);
    if (h?.id !== undefined) this.long.delete(h.id);
  }
  /** Delays (ms from now) of the waiting long timers, soonest first. */
  waiting(): number[] {
    return [...this.long.values()].map((t) => t.due - this.now).sort((a, b) => a - b);
  }
  /** Let the engine run its own cadence until `t` (virtual ms). Returns how many timers fired. */
  async runUntil(t: number, engine: SyncEngineInternals): Promise<number> {
    let fired = 0;
    for (;;) {
      await engine.whenIdle();
      const next = [...this.long.entries()].sort((a, b) => a[1].due - b[1].due)[0];
      if (!next || next[1].due > t) break;
      this.long.delete(next[0]);
      this.now = Math.max(this.now, next[1].due);
      next[1].fn();
      fired++;
    }
    this.now = Math.max(this.now, t);
    return fired;
  }
  /** Fire the next long timer (after the engine is idle); its delay, or null when none waits. */
  async step(engine: SyncEngineInternals): Promise<number | null> {
    await engine.whenIdle();
    const next = [...this.long.entries()].sort((a, b) => a[1].due - b[1].due)[0];
    if (!next) return null;
    this.long.delete(next[0]);
    const delay = next[1].due - this.now;
    this.now = Math.max(this.now, next[1].due);
    next[1].fn();
    await engine.whenIdle();
    return delay;
  }
}

export interface CostRig {
  crm: CrmServer;
  db: FieldbookDB;
  commands: Commands;
  transport: CountingTransport;
  time: VirtualTime;
  engine(extra?: Partial<SyncEngineOptions>): SyncEngineInternals;
  close(): Promise<void>;
}

export async function startCostRig(server: CrmServerOptions, label: string, url?: { url: string; token: string }): Promise<CostRig> {
  const crm = url ? null : await startCrmServer({ port: 0, ...server });
  const base = url ?? { url: (crm as CrmServer).url, token: (crm as CrmServer).token };
  const db = freshDb(label);
  const commands = createCommands(db, { currentUser: () => ({ id: ME, name: 'Jane Manager' }) });
  const transport = counting(createFetchTransport({ baseUrl: base.url, getToken: () => base.token, defaultTimeoutMs: 10_000 }));
  const time = new VirtualTime();
  const engines: SyncEngineInternals[] = [];
  return {
    crm: crm as CrmServer, db, commands, transport, time,
    engine(extra = {}) {
      const e = createSyncEngine({
        db, transport, currentUserId: () => ME, now: time.clock, timers: time, debounceMs: 2_000,
        backoff: { baseMs: 1, maxMs: 4, factor: 2 }, ...extra,
      });
      engines.push(e);
      return e;
    },
    async close() {
      for (const e of engines) await e.stop();
      db.close();
      await crm?.close();
    },
  };
}

/** A list answer with its body's JSON changed by `fn`. */
export function editJson(res: HttpResponse, fn: (body: { data: Record<string, unknown>[]; meta: Record<string, unknown> }) => void): HttpResponse {
  const body = JSON.parse(res.body) as { data: Record<string, unknown>[]; meta: Record<string, unknown> };
  fn(body);
  return { ...res, body: JSON.stringify(body) };
}
