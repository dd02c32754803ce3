/**
 * A scriptable in-memory CRM behind the Transport port, for push/pull unit tests: it applies the
 * domain rules like the stand-in does, records every request, tracks concurrency, and lets a test
 * hold, fail or drop any request. Test support only (imported by *.test.ts and benches).
 */
import {
  applyCancel, applyComplete, applyCreate, applyReschedule, applyUpdate, DomainError,
  type Activity, type CreateActivityInput,
  type RescheduleActivityInput,
} from '../domain/index.ts';
import { API_PREFIX } from '../api/envelope.ts';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../ipc/platform.ts';

export type HookResult = HttpResponse | 'commit-then-drop' | 'drop' | undefined;

export interface FakeCrmOptions {
  idempotency?: boolean;
  userId?: string;
}

const AT = '2030-01-01T00:00:00Z';

export class FakeCrm implements Transport {
  readonly acts = new Map<string, Activity>();
  readonly deleted = new Set<string>();
  readonly log: HttpRequest[] = [];
  private readonly replies = new Map<string, HttpResponse>();
  private n = 0;
  inflight = 0;
  maxInflight = 0;
  /** Requests in flight per activity (server id, or `new:<subject>` for creates). */
  private readonly perActivity = new Map<string, number>();
  maxPerActivity = 0;
  /** Runs before a request is handled; may answer it, hold it (await something), or drop it. */
  hook: ((req: HttpRequest, key: string) => Promise<HookResult> | HookResult) | null = null;

  constructor(readonly opts: FakeCrmOptions = {}) {}

  seed(a: Partial<Activity> & { id: string }): Activity {
    const full = applyCreate(
      { type: 'call', subject: 'Seeded', activityable_type: 'customer', activityable_id: 'c1', ...(a as Partial<CreateActivityInput>) },
      { id: a.id, now: AT, currentUser: { id: this.opts.userId ?? 'me', name: 'Me' } },
    );
    const rec = { ...full, ...a };
    this.acts.set(a.id, rec);
    return rec;
  }

  writes(): HttpRequest[] {
    return this.log.filter((r) => r.method !== 'GET');
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.log.push(req);
    const key = this.activityKey(req);
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    const c = (this.perActivity.get(key) ?? 0) + 1;
    this.perActivity.set(key, c);
    this.maxPerActivity = Math.max(this.maxPerActivity, c);
    try {
      const hooked = this.hook ? await this.hook(req, key) : undefined;
      if (hooked === 'drop') throw new TransportError('network', 'socket hang up');
      if (hooked && hooked !== 'commit-then-drop') return hooked;
      const res = this.handle(req);
      if (hooked === 'commit-then-drop') throw new TransportError('timeout', 'no answer');
      return res;
    } finally {
      this.inflight--;
      this.perActivity.set(key, (this.perActivity.get(key) ?? 1) - 1);
    }
  }

  private activityKey(req: HttpRequest): string {
    const seg = req.path.split('?')[0]!.slice(API_PREFIX.length + 1).split('/');
    if (seg[0] === 'activities' && seg[1] && seg[1] !== 'bulk-actions') return seg[1];
    if (req.method === 'POST' && seg.length === 1) return `new:${(JSON.parse(req.body ?? '{}') as { subject?: string }).subject ?? ''}`;
    return seg.join('/');
  }

  private handle(req: HttpRequest): HttpResponse {
    const idem = req.headers?.['Idempotency-Key'];
    if (this.opts.idempotency !== false && idem && req.method !== 'GET') {
      const stored = this.replies.get(idem);
      if (stored) return { ...stored, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' } };
      const res = this.route(req);
      this.replies.set(idem, res);
      return res;
    }
    return this.route(req);
  }

  private route(req: HttpRequest): HttpResponse {
    const ext = this.opts.idempotency === false ? '' : 'idempotency';
    const ok = (status: number, body: unknown): HttpResponse => ({ status, headers: { 'x-crm-extensions': ext }, body: JSON.stringify(body) });
    const fail = (status: number, message: string) => ok(status, { success: false, message });
    const [pathPart, qs] = req.path.split('?') as [string, string | undefined];
    const seg = pathPart.slice(API_PREFIX.length + 1).split('/').map(decodeURIComponent);
    const body = (req.body ? JSON.parse(req.body) : {}) as Record<string, unknown>;
    const live = (id: string) => (this.deleted.has(id) ? undefined : this.acts.get(id));
    try {
      if (seg[0] !== 'activities') return fail(404, 'Route not found.');
      if (seg.length === 1 && req.method === 'GET') {
        const q = new URLSearchParams(qs ?? '');
        const all = [...this.acts.values()].filter((a) => !this.deleted.has(a.id)).filter((a) =>
          (['activityable_type', 'activityable_id', 'type', 'assigned_user_id'] as const).every((f) => !q.has(f) || a[f] === q.get(f)));
        const per = Number(q.get('per_page') ?? 25);
        const page = Number(q.get('page') ?? 1);
        return ok(200, {
          success: true, data: all.slice((page - 1) * per, page * per),
          meta: { current_page: page, per_page: per, total: all.length, last_page: Math.max(1, Math.ceil(all.length / per)) },
        });
      }
      if (seg.length === 1 && req.method === 'POST') {
        const id = `s${++this.n}`;
        const a = applyCreate(body as CreateActivityInput, { id, now: AT, currentUser: { id: this.opts.userId ?? 'me', name: 'Me' } });
        this.acts.set(id, a);
        return ok(201, { success: true, data: a });
      }
      if (seg[1] === 'bulk-actions') {
        const ids = body.activity_ids as string[];
        const succeeded: string[] = [];
        const failed: { id: string; status: number; message: string }[] = [];
        for (const id of ids) {
          const a = live(id);
          if (!a) { failed.push({ id, status: 404, message: 'Activity not found.' }); continue; }
          try {
            this.apply(a, body.action as string, (body.parameters ?? {}) as Record<string, unknown>);
            succeeded.push(id);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            failed.push({ id, status: 409, message: e.message });
          }
        }
        return ok(200, { success: true, data: { succeeded, failed } });
      }
      const id = seg[1]!;
      const a = live(id);
      if (!a) return fail(404, 'Activity not found.');
      if (seg.length === 2 && req.method === 'GET') return ok(200, { success: true, data: a });
      if (seg.length === 2 && req.method === 'DELETE') { this.deleted.add(id); return ok(200, { success: true, message: 'Activity deleted successfully' }); }
      if (seg.length === 2) return ok(200, { success: true, data: this.apply(a, 'update', body) });
      const out = this.apply(a, seg[2]!, body);
      return ok(200, { success: true, data: out });
    } catch (e) {
      if (e instanceof DomainError) return fail(e.code === 'validation' ? 422 : 409, e.message);
      throw e;
    }
  }

  private apply(a: Activity, action: string, p: Record<string, unknown>): Activity & { rescheduled_activity?: Activity } {
    let next: Activity;
    let child: Activity | null = null;
    if (action === 'update') next = applyUpdate(a, p, AT);
    else if (action === 'complete') next = applyComplete(a, p, AT);
    else if (action === 'reschedule') next = applyReschedule(a, p as RescheduleActivityInput, AT);
    else if (action === 'cancel') {
      const r = applyCancel(a, p, AT, `s${++this.n}`);
      next = r.cancelled;
      child = r.rescheduled;
      if (child) this.acts.set(child.id, child);
    } else if (action === 'delete') {
      this.deleted.add(a.id);
      return a;
    } else throw new DomainError('validation', `unknown action ${action}`);
    this.acts.set(a.id, next);
    return child ? { ...next, rescheduled_activity: child } : next;
  }
}
