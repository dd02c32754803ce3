/**
 * The guide's own people and records (with the guide's ids and names) so every example request in
 * the guide runs verbatim, plus a deterministic spread of activities around "now".
 */
import { monotonicFactory } from 'ulid';
import {
  applyCancel, applyComplete, applyCreate, defaultReminderAt, toIsoInstant,
  type Activity, type ActivityableType, type ActivityStatus, type ActivityType, type CreateActivityInput, type DirectoryType, type Priority,
} from '#shared/domain/index';
import { pick, randInt, seededRng, weighted, type Rng } from './prng.ts';
import type { CrmStore, EntityRecord } from './store.ts';

export const GUIDE_IDS = {
  jane: '01hwxyz623abc456def789ghi0',
  userH: '01hwxyzH23abc456def789ghi0',
  johnSmith: '01hwxyz123abc456def789ghi0',
  contact223: '01hwxyz223abc456def789ghi0',
  acmeOpportunity: '01hwxyz823abc456def789ghi0',
  newOpportunity: '01hwxyz923abc456def789ghi0',
  expansionOpportunity: '01hwxyzI23abc456def789ghi0',
  customer575: '01hwxyz523abc456def789ghi0',
  customer423: '01hwxyz423abc456def789ghi0',
  /** The guide's troubleshooting section looks up this id as a customer (it is also a contact's id). */
  customer223: '01hwxyz223abc456def789ghi0',
  acmeCustomer: '01hwxyz323abc456def789ghi0',
  activityB: '01hwxyzB23abc456def789ghi0',
  activityC: '01hwxyzC23abc456def789ghi0',
  activityD: '01hwxyzD23abc456def789ghi0',
  activityE: '01hwxyzE23abc456def789ghi0',
  activityF: '01hwxyzF23abc456def789ghi0',
  activityG: '01hwxyzG23abc456def789ghi0',
  activityJ: '01hwxyzJ23abc456def789ghi0',
  activityK: '01hwxyzK23abc456def789ghi0',
  activityL: '01hwxyzL23abc456def789ghi0',
  activityM: '01hwxyzM23abc456def789ghi0',
  activityN: '01hwxyzN23abc456def789ghi0',
} as const;

/** The demo token's user (the guide's Jane Manager). */
export const DEFAULT_USER_ID = GUIDE_IDS.jane;

const DIRECTORY_CREATED = '2025-06-02T09:00:00Z';

/** Ids of the records the guide does not name: stable, ULID-shaped, lower-case. */
const extraId = (() => {
  const next = monotonicFactory(seededRng(20251217));
  return () => next(Date.parse('2025-06-01T00:00:00Z')).toLowerCase();
})();

interface Directory {
  users: EntityRecord[];
  customers: EntityRecord[];
  contacts: EntityRecord[];
  opportunities: EntityRecord[];
  leads: EntityRecord[];
}

function buildDirectory(): Directory {
  const u = (id: string, name: string, email: string, role: string, time_zone: string): EntityRecord =>
    ({ id, name, email, phone: null, role, time_zone });
  const users = [
    u(GUIDE_IDS.jane, 'Jane Manager', 'jane@yourcompany.com', 'Sales Manager', 'America/New_York'),
    u(GUIDE_IDS.userH, 'Hannah Lee', 'hannah@yourcompany.com', 'Customer Success Manager', 'Europe/Berlin'),
    u(extraId(), 'Marcus Reed', 'marcus@yourcompany.com', 'Account Executive', 'America/Chicago'),
    u(extraId(), 'Priya Shah', 'priya@yourcompany.com', 'Sales Development Rep', 'Europe/London'),
  ];
  const c = (id: string, name: string, industry: string, time_zone: string, status = 'active'): EntityRecord =>
    ({ id, name, status, industry, time_zone, email: null, phone: null, tags: [], notes: null });
  const customers = [
    c(GUIDE_IDS.acmeCustomer, 'Acme Corp', 'Manufacturing', 'America/New_York'),
    c(GUIDE_IDS.customer423, 'Globex Corporation', 'Logistics', 'America/Chicago'),
    c(GUIDE_IDS.customer575, 'Customer 575', 'Healthcare', 'Europe/Berlin'),
    c(GUIDE_IDS.customer223, 'Initech', 'Software', 'America/Los_Angeles', 'prospect'),
    c(extraId(), 'Umbrella Retail', 'Retail', 'Europe/London'),
    c(extraId(), 'Tyrell Systems', 'Electronics', 'Asia/Tokyo'),
    c(extraId(), 'Wayne Logistics', 'Transport', 'Australia/Sydney'),
    c(extraId(), 'Stark Clinics', 'Healthcare', 'America/Denver'),
  ];
  const cust = (i: number) => customers[i]?.id ?? GUIDE_IDS.acmeCustomer;
  const p = (id: string, name: string, customer_id: string, email: string, phone: string, title: string, time_zone: string): EntityRecord =>
    ({ id, name, email, phone, title, customer_id, time_zone });
  const contacts = [
    p(GUIDE_IDS.johnSmith, 'John Smith', GUIDE_IDS.acmeCustomer, 'john@acmecorp.com', '+1-555-0200', 'CTO', 'America/New_York'),
    p(GUIDE_IDS.contact223, 'Maria Keller', GUIDE_IDS.customer575, 'maria.keller@customer575.example', '+49-30-5550175', 'Head of Operations', 'Europe/Berlin'),
    p(extraId(), 'Tom Becker', GUIDE_IDS.customer423, 'tom.becker@globex.example', '+1-312-555-0142', 'VP Operations', 'America/Chicago'),
    p(extraId(), 'Aiko Tanaka', cust(5), 'aiko.tanaka@tyrell.example', '+81-3-5550-0199', 'IT Director', 'Asia/Tokyo'),
    p(extraId(), 'Olivia Brown', cust(4), 'olivia.brown@umbrella.example', '+44-20-5550-0123', 'Procurement Lead', 'Europe/London'),
    p(extraId(), 'Liam Walker', cust(6), 'liam.walker@wayne.example', '+61-2-5550-0177', 'COO', 'Australia/Sydney'),
    p(extraId(), 'Peter Gibbons', GUIDE_IDS.customer223, 'peter.gibbons@initech.example', '+1-415-555-0101', 'Engineering Manager', 'America/Los_Angeles'),
    p(extraId(), 'Rosa Diaz', cust(7), 'rosa.diaz@stark.example', '+1-303-555-0166', 'Clinic Director', 'America/Denver'),
  ];
  const o = (id: string, name: string, customer_id: string, value: number, stage: string, probability: number, expected_close_date: string): EntityRecord =>
    ({ id, name, customer_id, value, stage, probability, expected_close_date, tags: [] });
  const opportunities = [
    o(GUIDE_IDS.acmeOpportunity, 'Acme Corp - Enterprise Platform Implementation', GUIDE_IDS.acmeCustomer, 150000, 'proposal', 60, '2026-01-30'),
    o(GUIDE_IDS.newOpportunity, 'Initech - Workflow Automation Platform', GUIDE_IDS.customer223, 120000, 'discovery', 20, '2026-03-31'),
    o(GUIDE_IDS.expansionOpportunity, 'Customer 575 - Additional Departments', GUIDE_IDS.customer575, 60000, 'qualification', 30, '2026-02-28'),
    o(extraId(), 'Globex - Fleet Tracking Renewal', GUIDE_IDS.customer423, 45000, 'negotiation', 75, '2026-01-15'),
    o(extraId(), 'Tyrell - Analytics Add-on', cust(5), 32000, 'proposal', 50, '2026-02-10'),
    o(extraId(), 'Umbrella - Store Rollout Phase 2', cust(4), 210000, 'qualification', 25, '2026-04-30'),
    o(extraId(), 'Wayne - Warehouse Pilot', cust(6), 18000, 'prospecting', 10, '2026-05-15'),
  ];
  const l = (name: string, company: string, email: string, status: string, time_zone: string): EntityRecord =>
    ({ id: extraId(), name, company, email, phone: null, status, time_zone });
  const leads = [
    l('Sofia Rossi', 'Rossi Foods', 'sofia@rossifoods.example', 'new', 'Europe/Rome'),
    l('Daniel Kim', 'Kim & Partners', 'daniel@kimpartners.example', 'contacted', 'Asia/Seoul'),
    l('Emma Dubois', 'Dubois Transport', 'emma@duboistransport.example', 'qualified', 'Europe/Paris'),
    l('Noah Williams', 'Williams Dental', 'noah@williamsdental.example', 'new', 'America/Phoenix'),
  ];
  return { users, customers, contacts, opportunities, leads };
}

export const DIRECTORY = buildDirectory();

/** Seed the directory (idempotent: existing records are kept as they are). */
export function seedDirectory(store: CrmStore): void {
  const created = Date.parse(DIRECTORY_CREATED);
  const put = (type: DirectoryType, list: EntityRecord[]) => {
    for (const e of list) {
      if (!store.getEntity(type, e.id)) store.putEntity(type, { ...e, created_at: DIRECTORY_CREATED, updated_at: DIRECTORY_CREATED }, created);
    }
  };
  store.transaction(() => {
    put('user', DIRECTORY.users);
    put('customer', DIRECTORY.customers);
    put('contact', DIRECTORY.contacts);
    put('opportunity', DIRECTORY.opportunities);
    put('lead', DIRECTORY.leads);
  });
}

const JANE = { id: GUIDE_IDS.jane, name: 'Jane Manager', email: 'jane@yourcompany.com' };

function guideActivity(id: string, createdAt: string, input: CreateActivityInput, overrides: Partial<Activity> = {}): Activity {
  return { ...applyCreate(input, { id, now: createdAt, currentUser: JANE, reminderDefaults: false }), ...overrides };
}

/** The guide's activities B…N, in the states its examples need. */
export function guideActivities(): Activity[] {
  const opp = (id: string) => ({ activityable_type: 'opportunity' as const, activityable_id: id });
  const customer = (id: string) => ({ activityable_type: 'customer' as const, activityable_id: id });
  return [
    guideActivity(GUIDE_IDS.activityB, '2025-12-17T22:00:00Z', {
      type: 'call',
      subject: 'Follow-up Call - Proposal Discussion',
      description: 'Discuss proposal feedback, answer questions about pricing and implementation timeline. Focus on addressing concerns about legacy system integration.',
      ...opp(GUIDE_IDS.acmeOpportunity),
      contact_id: GUIDE_IDS.johnSmith,
      assigned_user_id: GUIDE_IDS.jane,
      due_at: '2025-12-20T14:00:00Z',
      duration_minutes: 30,
      priority: 'high',
      location: 'Phone: +1-555-0200',
      reminder_at: '2025-12-20T13:45:00Z',
      follow_up_required: true,
      follow_up_date: '2025-12-23',
      is_billable: true,
      billable_rate: 150,
      tags: ['proposal-discussion', 'pricing-questions'],
      custom_fields: { call_purpose: 'proposal_follow_up', expected_outcome: 'address_concerns' },
    }),
    guideActivity(GUIDE_IDS.activityC, '2025-12-15T09:00:00Z', {
      type: 'call', subject: 'Initial Discovery Call - Requirements Gathering', ...opp(GUIDE_IDS.newOpportunity),
      assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-22T10:00:00Z', duration_minutes: 45, priority: 'high',
      reminder_at: '2025-12-22T09:45:00Z',
      description: 'Understand current challenges, technical environment, stakeholders, decision criteria, timeline, and budget.',
      tags: ['discovery', 'new-opportunity'],
    }),
    guideActivity(GUIDE_IDS.activityD, '2025-12-08T11:00:00Z', {
      type: 'call', subject: 'Pricing Review Call - Enterprise Platform', ...opp(GUIDE_IDS.acmeOpportunity),
      contact_id: GUIDE_IDS.johnSmith, assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-15T16:00:00Z', duration_minutes: 30,
      priority: 'medium', reminder_at: '2025-12-15T15:45:00Z', description: 'Walk John through the revised pricing tiers.',
    }),
    guideActivity(GUIDE_IDS.activityE, '2025-12-05T10:00:00Z', {
      type: 'task', subject: 'Update Customer Documentation - Contact Changes', ...customer(GUIDE_IDS.customer575),
      assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-12T17:00:00Z', priority: 'low',
      description: 'Record the new billing contact and office address in the account documentation.',
    }),
    guideActivity(GUIDE_IDS.activityF, '2025-12-01T10:00:00Z', {
      type: 'call', subject: 'Check-in Call - Renewal Status', ...customer(GUIDE_IDS.customer423),
      assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-10T15:00:00Z', duration_minutes: 30, priority: 'medium',
      description: 'Third attempt to reach Globex about the renewal.', tags: ['renewal'],
    }),
    guideActivity(GUIDE_IDS.activityG, '2025-11-28T09:00:00Z', {
      type: 'meeting', subject: 'QBR - Q4 2025 Performance Review', ...customer(GUIDE_IDS.customer575),
      contact_id: GUIDE_IDS.contact223, assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-20T14:00:00Z', duration_minutes: 90,
      priority: 'medium', location: 'Customer 575 HQ, Berlin', reminder_at: '2025-12-20T13:00:00Z',
      description: 'Quarterly business review: usage metrics, satisfaction, roadmap, expansion.', tags: ['qbr'],
    }),
    guideActivity(GUIDE_IDS.activityJ, '2025-11-10T10:00:00Z', {
      type: 'follow_up', subject: 'Follow up on brochure request', ...customer(GUIDE_IDS.customer223),
      assigned_user_id: GUIDE_IDS.jane, due_at: '2025-11-20T10:00:00Z', priority: 'low',
    }),
    guideActivity(GUIDE_IDS.activityK, '2025-11-12T10:00:00Z', {
      type: 'email', subject: 'Send logistics case study', ...customer(GUIDE_IDS.customer423),
      assigned_user_id: GUIDE_IDS.jane, due_at: '2025-11-25T10:00:00Z', priority: 'low',
    }),
    guideActivity(GUIDE_IDS.activityL, '2025-11-14T10:00:00Z', {
      type: 'research', subject: 'Research competitor pricing for Acme', ...opp(GUIDE_IDS.acmeOpportunity),
      assigned_user_id: GUIDE_IDS.userH, due_at: '2025-12-01T10:00:00Z', priority: 'low',
    }, { status: 'deferred' }),
    guideActivity(GUIDE_IDS.activityM, '2025-12-09T10:00:00Z', {
      type: 'demo', subject: 'Technical Deep-Dive Demo - Integration Architecture', ...opp(GUIDE_IDS.acmeOpportunity),
      contact_id: GUIDE_IDS.johnSmith, assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-16T15:00:00Z', duration_minutes: 60,
      priority: 'urgent', location: 'Zoom', reminder_at: '2025-12-15T15:00:00Z', tags: ['demo', 'technical'],
    }),
    guideActivity(GUIDE_IDS.activityN, '2025-12-11T10:00:00Z', {
      type: 'task', subject: 'Send Updated Pricing Sheet', ...opp(GUIDE_IDS.acmeOpportunity),
      assigned_user_id: GUIDE_IDS.jane, due_at: '2025-12-16T09:00:00Z', priority: 'medium',
    }, { status: 'in_progress' }),
  ];
}

// --- generated activities -----------------------------------------------------------------

const SUBJECTS: Partial<Record<ActivityType, string[]>> = {
  call: ['Follow-up Call - Pricing Discussion with CFO', 'Check-in Call - Onboarding Progress', 'Discovery Call - Requirements', 'Renewal Call - Contract Terms'],
  email: ['Send Revised SOW', 'Email Proposal Summary', 'Share Implementation Timeline'],
  meeting: ['QBR - Quarterly Performance Review', 'Kickoff Meeting - Implementation', 'Stakeholder Alignment Meeting'],
  task: ['Prepare Pricing Proposal', 'Update Account Plan', 'Review Contract Redlines'],
  demo: ['Demo - Integration Capabilities for SAP Environment', 'Product Demo - Mobile Access', 'Demo - Reporting and Automation'],
  visit: ['Site Visit - Warehouse Walkthrough', 'Customer Site Visit - Facility Tour'],
  presentation: ['Executive Briefing - Roadmap 2026'],
  proposal: ['Deliver Proposal - Premium Support Tier'],
  follow_up: ['Post-Demo Follow-up - Open Questions'],
  training: ['Advanced Features Training Session'],
  support: ['Support Call - API Integration Issue'],
};
const TYPE_WEIGHTS: Partial<Record<ActivityType, number>> = {
  call: 8, email: 4, meeting: 4, task: 5, demo: 2, visit: 2, presentation: 1, proposal: 1, follow_up: 2, training: 1, support: 1,
};
const TAGS = ['pricing', 'renewal', 'discovery', 'demo', 'technical', 'executive', 'high-value', 'onboarding', 'expansion'];
const OUTCOMES = [
  'Positive call. Customer agreed to the revised timeline; sending SOW next.',
  'Covered integration questions; follow-up demo requested by IT.',
  'Customer raised budget concerns; revisit after their planning cycle.',
];

export interface GenerateOptions {
  seed: number;
  nowMs: number;
  /** Due dates fall within ± this many days of now. */
  spreadDays?: number;
  /** Share of activities assigned to this user (the rest spread over the directory's users). */
  assignedUserId?: string;
  assignedShare?: number;
  /** Never generate an activity for which this returns true (it is demoted to medium priority). */
  avoid?: (a: Activity) => boolean;
}

/** Deterministic activities around now: past ones mostly completed, some still open (overdue). */
export function generateActivities(n: number, opts: GenerateOptions, newId: (ms: number) => string): Activity[] {
  const rng = seededRng(opts.seed);
  const spread = opts.spreadDays ?? 45;
  const dayStart = Math.floor(opts.nowMs / 86_400_000) * 86_400_000;
  const users = DIRECTORY.users.map((u) => ({ id: u.id, name: u.name }));
  const owner = opts.assignedUserId ?? GUIDE_IDS.jane;
  const out: Activity[] = [];
  for (let i = 0; i < n; i++) {
    const type = (weighted(rng, TYPE_WEIGHTS) ?? 'call');
    const [etype, entity] = pickEntity(rng);
    const dueMs = rng() < 0.05 ? null : dayStart + randInt(rng, -spread, spread) * 86_400_000 + randInt(rng, 8 * 4, 17 * 4) * 900_000;
    const createdMs = Math.min(opts.nowMs, (dueMs ?? opts.nowMs) - randInt(rng, 1, 21) * 86_400_000) - randInt(rng, 0, 600) * 60_000;
    const assignee = rng() < (opts.assignedShare ?? 0.6) ? owner : pick(rng, users).id;
    const creator = users.find((u) => u.id === assignee) ?? { id: assignee, name: 'Unknown' };
    const dueAt = dueMs === null ? null : toIsoInstant(dueMs);
    const contact = (etype === 'opportunity' || etype === 'customer') && rng() < 0.5 ? contactOf(entity) : null;
    const input: CreateActivityInput = {
      type,
      subject: `${pick(rng, SUBJECTS[type] ?? ['Account Review'])} - ${entity.name}`,
      description: rng() < 0.7 ? `Notes for ${entity.name}: ${pick(rng, ['budget', 'timeline', 'integration', 'training', 'renewal', 'expansion'])} topics.` : null,
      activityable_type: etype,
      activityable_id: entity.id,
      contact_id: contact,
      assigned_user_id: assignee,
      due_at: dueAt,
      duration_minutes: pick(rng, [15, 30, 30, 45, 60, 90]),
      priority: weighted<Priority>(rng, { low: 3, medium: 5, high: 3, urgent: 1, critical: 0.3 }) ?? 'medium',
      reminder_at: defaultReminderAt(type, dueAt),
      tags: rng() < 0.5 ? [pick(rng, TAGS)] : [],
      location: type === 'visit' || type === 'meeting' ? `${entity.name} office` : type === 'call' ? 'Phone' : null,
    };
    let a = applyCreate(input, { id: newId(createdMs), now: toIsoInstant(createdMs), currentUser: creator, reminderDefaults: false });
    const past = dueMs !== null && dueMs < opts.nowMs;
    const status: ActivityStatus = past
      ? (weighted<ActivityStatus>(rng, { completed: 60, cancelled: 10, pending: 22, in_progress: 4, waiting: 2, deferred: 2 }) ?? 'completed')
      : (weighted<ActivityStatus>(rng, { pending: 80, in_progress: 8, deferred: 6, waiting: 6 }) ?? 'pending');
    if (status === 'completed' && dueMs !== null) {
      const at = toIsoInstant(Math.min(opts.nowMs, dueMs + (a.duration_minutes ?? 30) * 60_000));
      a = applyComplete(a, { outcome: pick(rng, OUTCOMES) }, at);
    } else if (status === 'cancelled') {
      const at = toIsoInstant(Math.min(opts.nowMs, dueMs ?? opts.nowMs));
      a = applyCancel(a, { reason: 'Customer asked to postpone.' }, at).cancelled;
    } else {
      a = { ...a, status };
    }
    if (opts.avoid?.(a)) a = { ...a, priority: 'medium' };
    out.push(a);
  }
  return out;
}

function pickEntity(rng: Rng): [ActivityableType, EntityRecord] {
  const etype = weighted<ActivityableType>(rng, { opportunity: 5, customer: 4, lead: 2, contact: 1 }) ?? 'customer';
  const lists: Record<ActivityableType, EntityRecord[]> = {
    opportunity: DIRECTORY.opportunities, customer: DIRECTORY.customers, lead: DIRECTORY.leads, contact: DIRECTORY.contacts,
  };
  return [etype, pick(rng, lists[etype])];
}

function contactOf(entity: EntityRecord): string | null {
  const customerId = typeof entity.customer_id === 'string' ? entity.customer_id : entity.id;
  return DIRECTORY.contacts.find((c) => c.customer_id === customerId)?.id ?? null;
}

/** Jane's pending high-priority activities in the demo: the guide's list example shows total 47. */
const GUIDE_LIST_TOTAL = 47;

/**
 * The --demo data set: the guide's activities plus `spread` generated ones around now. The guide's
 * list example (Jane, pending, high, by due date) then answers exactly as the guide shows: 47
 * results with the guide's activity B first.
 */
export function demoActivities(seed: number, nowMs: number, newId: (ms: number) => string, spread = 300): Activity[] {
  const guide = guideActivities();
  const isJaneHighPending = (a: Activity) => a.assigned_user_id === GUIDE_IDS.jane && a.status === 'pending' && a.priority === 'high';
  const fixed = guide.filter(isJaneHighPending).length;
  const generated = generateActivities(spread, { seed, nowMs, avoid: isJaneHighPending }, newId);
  // Upcoming ones (4+ days out, after B's due time when "now" is the guide's own date).
  const rng = seededRng(seed ^ 0x5eed);
  const dayStart = Math.floor(nowMs / 86_400_000) * 86_400_000;
  for (let i = 0; i < GUIDE_LIST_TOTAL - fixed; i++) {
    const a = generated[i];
    if (!a) break;
    const dueMs = dayStart + randInt(rng, 4, 60) * 86_400_000 + randInt(rng, 32, 68) * 900_000;
    generated[i] = {
      ...a,
      status: 'pending', priority: 'high', assigned_user_id: GUIDE_IDS.jane,
      due_at: toIsoInstant(dueMs), reminder_at: defaultReminderAt(a.type, toIsoInstant(dueMs)),
      outcome: null, completed_at: null, cancelled_at: null, cancellation_reason: null,
    };
  }
  return [...guide, ...generated];
}

export function seedDemo(store: CrmStore, seed: number, nowMs: number, newId: (ms: number) => string, unknownValues = false): void {
  if (store.getMeta('demo_seeded')) return;
  const demo = demoActivities(seed, nowMs, newId);
  // The guide's own records stay as the guide shows them; only generated ones get unknown values.
  const guideCount = guideActivities().length;
  const all = unknownValues ? [...demo.slice(0, guideCount), ...withUnknownValues(demo.slice(guideCount))] : demo;
  store.transaction(() => {
    for (const a of all) store.putActivity(a);
    store.setMeta('demo_seeded', toIsoInstant(nowMs));
  });
}

/** A type and a status the guide does not list (a real CRM may add its own): see `unknownValues`. */
export const UNKNOWN_TYPE = 'sms';
export const UNKNOWN_STATUS = 'on_hold';

/**
 * Deterministic unknown values for `unknownValues`: in each run of ten, the 5th gets status
 * on_hold and the 10th type sms (indexes 4, 14, … and 9, 19, …). Stored and served raw.
 */
export function withUnknownValues(list: Activity[]): Activity[] {
  return list.map((a, i) => {
    if (i % 10 === 4) return { ...a, status: UNKNOWN_STATUS as unknown as Activity['status'] };
    if (i % 10 === 9) return { ...a, type: UNKNOWN_TYPE as unknown as Activity['type'] };
    return a;
  });
}
