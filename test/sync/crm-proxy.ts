/**
 * A real HTTP proxy on 127.0.0.1 in front of the stand-in CRM, for answers the stand-in does not
 * give by itself: the answer of one chosen request lost after the CRM committed it, a 200 whose
 * body is an HTML page, write answers reshaped as the guide's examples. Every request reaches the
 * CRM unchanged; only what comes back is changed, by the test's `answer` hook.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  /** Path without the query string, e.g. /api/v1/crm/activities/01h…/cancel. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body (undefined for none). */
  body: unknown;
}

export interface UpstreamAnswer {
  status: number;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
}

/** What the client gets: the upstream answer (undefined), another one, or no answer at all (the connection is cut). */
export type ProxyAction = undefined | 'drop' | { status: number; body: string; contentType?: string };

export type AnswerHook = (req: SeenRequest, res: UpstreamAnswer) => ProxyAction;

export interface CrmProxy {
  url: string;
  /** Every request forwarded, in arrival order, with the status the client got ('drop' = none). */
  log: (SeenRequest & { answered: number | 'drop' })[];
  answer: AnswerHook;
  close(): Promise<void>;
}

const PASSED_HEADERS = ['content-type', 'x-crm-extensions', 'retry-after', 'etag', 'idempotent-replayed'];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function startCrmProxy(target: string, answer: AnswerHook = () => undefined): Promise<CrmProxy> {
  const log: CrmProxy['log'] = [];
  const proxy: CrmProxy = { url: '', log, answer, close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      }
      const method = req.method ?? 'GET';
      const up = await fetch(target + url.pathname + url.search, { method, headers, ...(raw ? { body: raw } : {}) });
      const text = await up.text();
      const seen: SeenRequest = { method, path: url.pathname, query: url.searchParams, body: parse(raw) };
      const action = proxy.answer(seen, { status: up.status, body: parse(text) });
      if (action === 'drop') {
        log.push({ ...seen, answered: 'drop' });
        req.socket.destroy();
        return;
      }
      const out: Record<string, string> = {};
      for (const h of PASSED_HEADERS) {
        const v = up.headers.get(h);
        if (v !== null) out[h] = v;
      }
      if (action) out['content-type'] = action.contentType ?? 'application/json';
      log.push({ ...seen, answered: action?.status ?? up.status });
      res.writeHead(action?.status ?? up.status, out);
      res.end(action ? action.body : text);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return proxy;
}

type Json = Record<string, unknown>;

function pick(o: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (k in o) out[k] = o[k];
  return out;
}

const ACTIVITY = /^\/api\/v1\/crm\/activities\/[^/]+$/;
const ACTION = /^\/api\/v1\/crm\/activities\/[^/]+\/(complete|cancel|reschedule)$/;

/**
 * The guide's write answers (its "Response (200 OK)" / "(201 Created)" examples): create without
 * assigned_user_id, tags, custom_fields, location, billing or updated_at; PATCH/PUT with id, the
 * changed scheduling fields (the example leaves out description and tags though it sent them) and
 * updated_at; complete, cancel and reschedule with a few fields; cancel without the copy it made.
 */
export function guideWriteShape(req: SeenRequest, res: UpstreamAnswer): ProxyAction {
  if (res.status >= 300 || typeof res.body !== 'object' || res.body === null) return undefined;
  const env = res.body as { success: boolean; message?: string; data?: Json };
  const d = env.data;
  if (!d || typeof d !== 'object') return undefined;
  let data: Json | null = null;
  if (req.method === 'POST' && req.path === '/api/v1/crm/activities') {
    data = pick(d, [
      'id', 'type', 'status', 'priority', 'subject', 'description', 'activityable_type', 'activityable_id', 'activityable',
      'contact_id', 'contact', 'due_at', 'duration_minutes', 'reminder_at', 'follow_up_required', 'follow_up_date',
      'is_overdue', 'created_at',
    ]);
    const user = d.assigned_user as Json | null | undefined;
    if (user) data.assigned_user = pick(user, ['id', 'name', 'email']);
  } else if ((req.method === 'PATCH' || req.method === 'PUT') && ACTIVITY.test(req.path)) {
    const sent = Object.keys((req.body ?? {}) as Json).filter((k) => !['description', 'tags', 'custom_fields'].includes(k));
    data = pick(d, ['id', ...sent, 'updated_at']);
  } else if (req.method === 'POST') {
    const action = ACTION.exec(req.path)?.[1];
    if (action === 'complete') {
      data = pick(d, ['id', 'type', 'status', 'subject', 'outcome', 'completed_at', 'duration_minutes', 'follow_up_required', 'follow_up_date', 'updated_at']);
    } else if (action === 'cancel') {
      data = pick(d, ['id', 'status', 'cancelled_at', 'cancellation_reason', 'updated_at']);
    } else if (action === 'reschedule') {
      data = pick(d, ['id', 'due_at', 'reminder_at', 'previous_due_at', 'rescheduled_count', 'updated_at']);
    }
  }
  if (!data) return undefined;
  return { status: res.status, body: JSON.stringify({ success: true, message: env.message, data }) };
}
