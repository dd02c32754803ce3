/**
 * Replays every request example of the Activity Management Guide verbatim against --demo, with the
 * server's clock set to the moment the guide's responses show, and compares with the guide.
 */
import { describe, expect, it } from 'vitest';
import { GUIDE_IDS, startCrmServer, type CrmServer } from './index.ts';
import { guideText, parseGuideExamples, type GuideExample } from './guide-examples.ts';
import { client, clock, type CallResult, type Json } from './helpers.testing.ts';

const EXAMPLES = parseGuideExamples(guideText());
const B = GUIDE_IDS.activityB;
const GUIDE_NOW = '2025-12-17T22:00:00Z';

type Body = Json & { data?: unknown; meta?: Json; errors?: Record<string, string[]> };
type Res = CallResult<Body>;

interface Ctx {
  crm: CrmServer;
  call: ReturnType<typeof client>;
}

interface Expectation {
  /** "METHOD path" exactly as in the guide: keeps this table in step with the guide. */
  request: string;
  /** Server clock for this request (the time the guide's response shows). */
  at?: string;
  status: number;
  /** Paths of the guide's response whose values differ by design (key must still be present). */
  differs?: string[];
  check?: (res: Res, ctx: Ctx) => void | Promise<void>;
}

const data = (res: Res) => res.body.data as Json;
const items = (res: Res) => res.body.data as Json[];
const ids = (res: Res) => items(res).map((a) => a.id);

async function allPages(ctx: Ctx, path: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await ctx.call<Body>('GET', `${path}${sep}per_page=100&page=${page}`);
    out.push(...items(res));
    if (page >= ((res.body.meta as { last_page: number }).last_page)) return out;
  }
}

const EXPECTATIONS: Expectation[] = [
  // --- endpoint examples (each on a fresh demo) -------------------------------------------
  {
    request: 'POST /api/v1/crm/activities', at: GUIDE_NOW, status: 201,
    // The guide shows the server's own id for the new record and a shortened description.
    differs: ['data.id', 'data.description'],
    check: (res) => {
      expect(data(res).id).not.toBe(B);
      expect(data(res).description).toContain('legacy system integration');
    },
  },
  {
    request: 'GET /api/v1/crm/activities?status=pending&priority=high&assigned_user_id=01hwxyz623abc456def789ghi0&sort_by=due_at&sort_direction=asc',
    at: GUIDE_NOW, status: 200,
    check: (res) => {
      for (const a of items(res)) expect(a).toMatchObject({ status: 'pending', priority: 'high', assigned_user_id: GUIDE_IDS.jane });
      const due = items(res).map((a) => a.due_at as string);
      expect(due).toEqual([...due].sort());
    },
  },
  {
    request: 'GET /api/v1/crm/activities/search?q=proposal+discussion', at: GUIDE_NOW, status: 200,
    check: (res) => {
      expect(ids(res)).toContain(B);
      for (const a of items(res)) expect(`${String(a.subject)} ${String(a.description)}`.toLowerCase()).toMatch(/proposal[\s\S]*discussion|discussion[\s\S]*proposal/);
    },
  },
  { request: 'GET /api/v1/crm/activities/{id}', at: GUIDE_NOW, status: 200 },
  { request: 'PUT /api/v1/crm/activities/{id}', at: '2025-12-18T10:00:00Z', status: 200, check: (res) => expect(data(res).tags).toContain('technical-review') },
  { request: 'PATCH /api/v1/crm/activities/{id}', at: '2025-12-18T10:00:00Z', status: 200, check: (res) => expect(data(res).tags).toContain('technical-review') },
  {
    request: 'POST /api/v1/crm/activities/{activityId}/complete', at: '2025-12-20T15:42:00Z', status: 200,
    // The guide abbreviates the outcome it was sent.
    differs: ['data.outcome'],
    check: (res) => {
      expect(data(res).outcome).toMatch(/^Successful call\. .*revised timeline proposal\.$/);
      // Tags given on completion are added to the existing ones (docs/crm-contract.md "Fields and rules").
      expect(data(res).tags).toEqual(['proposal-discussion', 'pricing-questions', 'completed', 'positive-outcome']);
    },
  },
  {
    request: 'POST /api/v1/crm/activities/{activityId}/cancel', at: '2025-12-19T10:00:00Z', status: 200,
    check: (res) => {
      const copy = data(res).rescheduled_activity as Json;
      expect(copy).toMatchObject({
        status: 'pending', due_at: '2025-12-27T14:00:00Z', reminder_at: '2025-12-27T13:45:00Z', subject: 'Follow-up Call - Proposal Discussion',
        activityable_id: GUIDE_IDS.acmeOpportunity, contact_id: GUIDE_IDS.johnSmith, assigned_user_id: GUIDE_IDS.jane, priority: 'high',
      });
      expect(copy.id).not.toBe(B);
    },
  },
  { request: 'POST /api/v1/crm/activities/{activityId}/reschedule', at: '2025-12-19T10:15:00Z', status: 200 },
  {
    request: 'DELETE /api/v1/crm/activities/{id}', at: GUIDE_NOW, status: 200,
    check: async (_res, ctx) => {
      expect((await ctx.call('GET', `/api/v1/crm/activities/${B}`)).status).toBe(404);
      expect(ctx.crm.mutate.get(B)?.deleted_at).toBe(GUIDE_NOW);
    },
  },

  // --- Scenario 1 -----------------------------------------------------------------------------
  ...['Initial Discovery Call - Requirements Gathering', 'Product Demo - Platform Capabilities', 'Demo Follow-up - Answer Questions'].map(
    (subject): Expectation => ({
      request: 'POST /api/v1/crm/activities', at: GUIDE_NOW, status: 201,
      check: (res) => expect(data(res)).toMatchObject({
        subject, status: 'pending', activityable_id: GUIDE_IDS.newOpportunity, assigned_user: { name: 'Jane Manager' },
        activityable: { name: 'Initech - Workflow Automation Platform' }, is_overdue: false,
      }),
    }),
  ),
  {
    request: 'POST /api/v1/crm/activities/01hwxyzC23abc456def789ghi0/complete', at: '2025-12-22T11:00:00Z', status: 200,
    check: (res) => expect(data(res)).toMatchObject({ status: 'completed', duration_minutes: 52, completed_at: '2025-12-22T11:00:00Z', tags: ['discovery', 'new-opportunity', 'completed', 'positive'] }),
  },
  {
    request: 'PATCH /api/v1/crm/opportunities/01hwxyz923abc456def789ghi0', at: '2025-12-22T11:05:00Z', status: 200,
    check: async (res, ctx) => {
      expect(data(res)).toMatchObject({ id: GUIDE_IDS.newOpportunity, value: 175000, probability: 40, budget_confirmed: true, next_step: 'Prepare demo focusing on integration capabilities' });
      // The activity's expanded opportunity shows the new value.
      const c = await ctx.call<Body>('GET', `/api/v1/crm/activities/${GUIDE_IDS.activityC}`);
      expect((data(c).activityable as Json).value).toBe(175000);
    },
  },

  // --- Scenario 2 -----------------------------------------------------------------------------
  {
    request: 'GET /api/v1/crm/activities/overdue?assigned_user_id=01hwxyz623abc456def789ghi0', at: GUIDE_NOW, status: 200,
    check: async (res, ctx) => {
      for (const a of items(res)) expect(a).toMatchObject({ is_overdue: true, assigned_user_id: GUIDE_IDS.jane });
      const all = (await allPages(ctx, '/api/v1/crm/activities/overdue?assigned_user_id=01hwxyz623abc456def789ghi0')).map((a) => a.id);
      expect(all).toEqual(expect.arrayContaining([GUIDE_IDS.activityD, GUIDE_IDS.activityE, GUIDE_IDS.activityF, GUIDE_IDS.activityM, GUIDE_IDS.activityN, GUIDE_IDS.activityJ, GUIDE_IDS.activityK]));
      expect(all).not.toContain(GUIDE_IDS.activityL);
      expect(all).toHaveLength((res.body.meta as { total: number }).total);
    },
  },
  {
    request: 'POST /api/v1/crm/activities/01hwxyzD23abc456def789ghi0/reschedule', at: GUIDE_NOW, status: 200,
    check: (res) => expect(data(res)).toMatchObject({
      due_at: '2025-12-19T09:00:00Z', priority: 'high', previous_due_at: '2025-12-15T16:00:00Z', rescheduled_count: 1, is_overdue: false,
      // update_reminder was not sent: the reminder stays where it was.
      reminder_at: '2025-12-15T15:45:00Z',
    }),
  },
  {
    request: 'POST /api/v1/crm/activities/01hwxyzE23abc456def789ghi0/complete', at: GUIDE_NOW, status: 200,
    check: (res) => expect(data(res)).toMatchObject({ status: 'completed', duration_minutes: 15, outcome: 'Task completed. Documentation updated with new customer information.', is_overdue: false }),
  },
  {
    request: 'POST /api/v1/crm/activities/01hwxyzF23abc456def789ghi0/cancel', at: GUIDE_NOW, status: 200,
    check: async (res, ctx) => {
      expect(data(res)).toMatchObject({ status: 'cancelled', cancelled_at: GUIDE_NOW, cancellation_reason: 'Customer unresponsive to 3 contact attempts. Will re-engage next month.' });
      expect(data(res)).not.toHaveProperty('rescheduled_activity');
      const overdue = await allPages(ctx, '/api/v1/crm/activities/overdue');
      expect(overdue.map((a) => a.id)).not.toContain(GUIDE_IDS.activityF);
    },
  },
  {
    request: 'PATCH /api/v1/crm/customers/01hwxyz423abc456def789ghi0', at: GUIDE_NOW, status: 200,
    check: (res) => expect(data(res)).toMatchObject({ id: GUIDE_IDS.customer423, name: 'Globex Corporation', status: 'at_risk', tags: ['at-risk', 'unresponsive'], updated_at: GUIDE_NOW }),
  },

  // --- Scenario 3 -----------------------------------------------------------------------------
  {
    request: 'POST /api/v1/crm/activities/01hwxyzG23abc456def789ghi0/complete', at: '2025-12-20T15:35:00Z', status: 200,
    check: (res) => expect(data(res)).toMatchObject({ type: 'meeting', status: 'completed', duration_minutes: 90, follow_up_required: true, follow_up_date: '2025-12-27', tags: ['qbr', 'completed', 'expansion-opportunity'] }),
  },
  {
    request: 'POST /api/v1/crm/opportunities', at: '2025-12-20T15:40:00Z', status: 201,
    check: async (res, ctx) => {
      expect(data(res)).toMatchObject({ name: 'Customer 575 - Department Expansion + Premium Support', customer_id: GUIDE_IDS.customer575, value: 85000, stage: 'qualification', source: 'qbr_meeting' });
      const again = await ctx.call<Body>('GET', `/api/v1/crm/opportunities/${String(data(res).id)}`);
      expect(data(again).name).toBe('Customer 575 - Department Expansion + Premium Support');
    },
  },
  {
    request: 'POST /api/v1/crm/activities', at: '2025-12-20T15:45:00Z', status: 201,
    check: (res) => expect(data(res)).toMatchObject({ type: 'task', assigned_user: { id: GUIDE_IDS.userH, name: 'Hannah Lee' }, activityable: { name: 'Customer 575' }, reminder_at: null }),
  },
  {
    request: 'POST /api/v1/crm/activities', at: '2025-12-20T15:50:00Z', status: 201,
    check: (res) => expect(data(res)).toMatchObject({ activityable_id: GUIDE_IDS.expansionOpportunity, contact: { id: GUIDE_IDS.contact223, name: 'Maria Keller' } }),
  },
  {
    request: 'POST /api/v1/crm/activities', at: '2025-12-20T16:05:00Z', status: 201,
    check: (res) => {
      expect(data(res)).toMatchObject({ type: 'note', status: 'completed', completed_at: '2025-12-20T16:00:00Z', is_overdue: false });
      expect(data(res).description).toContain('\n2. Discuss expansion');
    },
  },

  // --- Troubleshooting: Cannot Create Activity ------------------------------------------------
  {
    request: 'GET /api/v1/crm/opportunities/01hwxyz823abc456def789ghi0', at: GUIDE_NOW, status: 200,
    check: (res) => expect(data(res)).toMatchObject({ name: 'Acme Corp - Enterprise Platform Implementation', value: 150000, stage: 'proposal' }),
  },
  { request: 'GET /api/v1/crm/customers/01hwxyz223abc456def789ghi0', at: GUIDE_NOW, status: 200, check: (res) => expect(data(res)).toMatchObject({ id: GUIDE_IDS.customer223, time_zone: 'America/Los_Angeles' }) },
  {
    // Verbatim, the guide's body has "..." where the other fields go: not JSON, so 400.
    request: 'POST /api/v1/crm/activities', at: GUIDE_NOW, status: 400,
    check: async (res, ctx) => {
      expect(res.body).toMatchObject({ success: false, errors: { body: [expect.any(String)] } });
      const filled = await ctx.call('POST', '/api/v1/crm/activities', { type: 'call', subject: 'Pricing call', activityable_type: 'opportunity', activityable_id: GUIDE_IDS.acmeOpportunity });
      expect(filled.status).toBe(201);
      const wrong = await ctx.call<Body>('POST', '/api/v1/crm/activities', { type: 'call', subject: 'Pricing call', activityable_type: 'customer', activityable_id: GUIDE_IDS.acmeOpportunity });
      expect(wrong.status).toBe(422);
      expect(wrong.body).toMatchObject({ success: false, message: 'Related entity not found', errors: { activityable_id: [expect.stringContaining('Related entity not found')] } });
    },
  },

  // --- Troubleshooting: Activity Not Appearing in Lists ---------------------------------------
  {
    request: 'GET /api/v1/crm/activities?search={subject}', at: GUIDE_NOW, status: 200,
    check: async (res, ctx) => {
      // Verbatim the placeholder is searched for literally and matches nothing; with a real subject it finds it.
      expect(res.body.meta).toMatchObject({ total: 0 });
      const found = await ctx.call<Body>('GET', `/api/v1/crm/activities?search=${encodeURIComponent('Follow-up Call - Proposal Discussion')}`);
      expect(ids(found)).toContain(B);
    },
  },
  {
    request: 'GET /api/v1/crm/activities/{id}', at: GUIDE_NOW, status: 404,
    check: async (res, ctx) => {
      expect(res.body).toMatchObject({ success: false, message: 'Activity not found.' });
      expect((await ctx.call('GET', `/api/v1/crm/activities/${B}`)).status).toBe(200);
    },
  },

  // --- Troubleshooting: Too Many Overdue Activities -------------------------------------------
  {
    request: 'GET /api/v1/crm/activities/overdue', at: GUIDE_NOW, status: 200,
    check: async (_res, ctx) => {
      const all = (await allPages(ctx, '/api/v1/crm/activities/overdue')).map((a) => a.id);
      expect(all).toEqual(expect.arrayContaining([GUIDE_IDS.activityJ, GUIDE_IDS.activityK, GUIDE_IDS.activityL, GUIDE_IDS.activityM, GUIDE_IDS.activityN]));
    },
  },
  {
    request: 'POST /api/v1/crm/activities/bulk-actions', at: GUIDE_NOW, status: 200,
    check: (res) => expect(res.body.data).toEqual({ succeeded: [GUIDE_IDS.activityJ, GUIDE_IDS.activityK, GUIDE_IDS.activityL], failed: [] }),
  },
  {
    request: 'POST /api/v1/crm/activities/01hwxyzM23abc456def789ghi0/reschedule', at: GUIDE_NOW, status: 200,
    check: (res) => expect(data(res)).toMatchObject({ due_at: '2025-12-19T10:00:00Z', previous_due_at: '2025-12-16T15:00:00Z', is_overdue: false, priority: 'urgent' }),
  },
  {
    request: 'POST /api/v1/crm/activities/01hwxyzN23abc456def789ghi0/complete', at: GUIDE_NOW, status: 200,
    check: (res) => expect(data(res)).toMatchObject({ status: 'completed', outcome: 'Task completed' }),
  },
];

/** Every key the guide shows is present; values equal unless listed in `differs`. */
function expectLikeGuide(actual: unknown, guide: unknown, differs: string[], path = ''): void {
  if (guide !== null && typeof guide === 'object' && !Array.isArray(guide)) {
    expect(actual, `${path} should be an object`).toBeTypeOf('object');
    for (const [k, v] of Object.entries(guide)) {
      const p = path ? `${path}.${k}` : k;
      expect(actual as Json, `missing ${p}`).toHaveProperty([k]);
      if (differs.includes(p)) continue;
      expectLikeGuide((actual as Json)[k], v, differs, p);
    }
    return;
  }
  if (Array.isArray(guide) && guide.some((g) => g !== null && typeof g === 'object')) {
    // Lists of records: the guide's first items, in order.
    guide.forEach((g, i) => expectLikeGuide((actual as unknown[])[i], g, differs, `${path}[${i}]`));
    return;
  }
  expect(actual, path).toEqual(guide);
}

/** Placeholders of the endpoint sections stand for the guide's activity B. */
function resolvePath(ex: GuideExample): string {
  return ex.group.startsWith(`${ex.method} /api`) ? ex.path.replace(/\{(id|activityId)\}/g, B) : ex.path;
}

describe('guide examples replayed against --demo', () => {
  it('has one expectation per request example in the guide, in order', () => {
    expect(EXAMPLES.map((e) => `${e.method} ${e.path}`)).toEqual(EXPECTATIONS.map((e) => e.request));
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(30);
  });

  const groups = [...new Set(EXAMPLES.map((e) => e.group))];
  for (const group of groups) {
    it(group, async () => {
      const time = clock(GUIDE_NOW);
      const crm = await startCrmServer({ demo: true, now: time.now });
      const ctx: Ctx = { crm, call: client(crm) };
      try {
        for (const [i, ex] of EXAMPLES.entries()) {
          if (ex.group !== group) continue;
          const want = EXPECTATIONS[i];
          if (!want) throw new Error(`no expectation for ${ex.method} ${ex.path}`);
          if (want.at) time.set(want.at);
          const res = await ctx.call<Body>(ex.method, resolvePath(ex), undefined, ex.body === undefined ? {} : { raw: ex.body, headers: { 'Content-Type': 'application/json' } });
          expect(res.status, `${ex.method} ${ex.path} (guide line ${ex.line}): ${JSON.stringify(res.body).slice(0, 300)}`).toBe(want.status);
          if (res.status < 400) expect(res.body.success).toBe(true);
          if (ex.response) {
            expect(res.status).toBe(ex.response.status);
            expectLikeGuide(res.body, ex.response.json, want.differs ?? []);
          }
          await want.check?.(res, ctx);
        }
      } finally {
        await crm.close();
      }
    });
  }
});
