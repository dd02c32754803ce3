import { describe, expect, it } from 'vitest';
import {
  QBR_FOLLOW_UP_PLAN, SALES_SERIES_PLAN, SHIPPED_PLANS, blankStep, duplicatePlan, expandPlan, fillTemplate, planListSchema, planProblems,
  type Plan, type PlanStep,
} from './plans.ts';
import { createActivitySchema, validate } from './schemas.ts';

const OPP = { type: 'opportunity' as const, id: '01hwxyz923abc456def789ghi0', name: 'Initech - Workflow Automation Platform' };
const UTC = 'UTC';

const stepOf = (s: Partial<PlanStep>): PlanStep => ({ ...blankStep(), ...s });
const planOf = (...steps: Partial<PlanStep>[]): Plan => ({ id: 'p', name: 'Test plan', steps: steps.map(stepOf) });

describe('shipped plans', () => {
  it('Scenario 1 expands to the guide\'s three POST bodies (start Mon 22 Dec 2025 10:00 UTC)', () => {
    const out = expandPlan(SALES_SERIES_PLAN, { start: '2025-12-22T10:00:00Z', timeZone: UTC, record: OPP });
    expect(out.map((e) => e.input)).toEqual([
      {
        type: 'call', subject: 'Initial Discovery Call - Requirements Gathering', activityable_type: 'opportunity', activityable_id: OPP.id,
        due_at: '2025-12-22T10:00:00Z', duration_minutes: 45, priority: 'high',
        description: 'Understand current challenges, technical environment, stakeholders, decision criteria, timeline, and budget.',
        tags: ['discovery', 'new-opportunity'],
      },
      {
        type: 'demo', subject: 'Product Demo - Platform Capabilities', activityable_type: 'opportunity', activityable_id: OPP.id,
        due_at: '2025-12-29T14:00:00Z', duration_minutes: 60, priority: 'high',
        description: 'Demonstrate key features aligned with requirements from discovery call. Include integration capabilities and customization options.',
        tags: ['demo', 'platform-overview'],
      },
      {
        type: 'call', subject: 'Demo Follow-up - Answer Questions', activityable_type: 'opportunity', activityable_id: OPP.id,
        due_at: '2026-01-05T11:00:00Z', duration_minutes: 30, priority: 'medium',
        description: 'Address questions from demo, discuss next steps, timeline for proposal.',
        tags: ['follow-up', 'demo-questions'],
      },
    ]);
    expect(out.every((e) => e.errors === null)).toBe(true);
    expect(out.flatMap((e) => e.warnings)).toEqual([]);
  });

  it('Scenario 3 expands to the training task, expansion call and the action-items note logged as done', () => {
    const customer = { type: 'customer' as const, id: '01hwxyz523abc456def789ghi0', name: 'Customer 575' };
    const out = expandPlan(QBR_FOLLOW_UP_PLAN, { start: '2025-12-20T16:00:00Z', timeZone: UTC, record: customer });
    const [training, expansion, note] = out.map((e) => e.input);
    expect(training).toMatchObject({
      type: 'task', subject: 'Arrange Advanced Features Training', due_at: '2025-12-23T10:00:00Z', priority: 'medium',
      description: 'Coordinate with training team to schedule advanced features workshop for Customer 575. Focus on reporting and automation features.',
      tags: ['training', 'customer-success'],
    });
    expect(training).not.toHaveProperty('duration_minutes');
    expect(expansion).toMatchObject({
      type: 'call', subject: 'Expansion Discussion - Additional Departments', due_at: '2025-12-27T14:00:00Z', duration_minutes: 45, priority: 'high',
      tags: ['expansion', 'upsell'],
    });
    expect(note).toMatchObject({ type: 'note', subject: 'QBR Action Items - Customer 575', status: 'completed', completed_at: '2025-12-20T16:00:00Z', tags: ['action-items', 'qbr'] });
    expect(note).not.toHaveProperty('due_at');
    expect(note?.description).toContain('5. Next QBR scheduled for March 2026');
    for (const i of [training, expansion, note]) expect(validate(createActivitySchema, i).ok).toBe(true);
    // 27 Dec 2025 is a Saturday (the guide's date): the preview says so; the note logged as done has no warnings.
    expect(out[1]?.warnings).toContain('non_working_day');
    expect(out[2]?.warnings).toEqual([]);
  });

  it('the shipped list is valid with unique names', () => {
    expect(planListSchema.safeParse(SHIPPED_PLANS).success).toBe(true);
  });
});

describe('offsets and business days', () => {
  it('"same time" keeps the time of day of what the step counts from', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: null }, { anchor: 'previous', unit: 'days', offset: 2, time: null });
    const out = expandPlan(plan, { start: '2026-03-02T09:30:00Z', timeZone: UTC, record: OPP });
    expect(out.map((e) => e.at)).toEqual(['2026-03-02T09:30:00Z', '2026-03-04T09:30:00Z']);
  });

  it('N business days after the previous step skips the weekend', () => {
    // Thu 5 Mar 2026 + 2 business days = Mon 9 Mar; + 1 more = Tue 10 Mar.
    const plan = planOf(
      { anchor: 'start', unit: 'days', offset: 0, time: '10:00' },
      { anchor: 'previous', unit: 'business_days', offset: 2, time: '15:00' },
      { anchor: 'previous', unit: 'business_days', offset: 1, time: null },
    );
    const out = expandPlan(plan, { start: '2026-03-05T07:00:00Z', timeZone: UTC, record: OPP });
    expect(out.map((e) => e.at)).toEqual(['2026-03-05T10:00:00Z', '2026-03-09T15:00:00Z', '2026-03-10T15:00:00Z']);
  });

  it('business days from the start follow the rep\'s working days', () => {
    const plan = planOf({ anchor: 'start', unit: 'business_days', offset: 1, time: '10:00' });
    // A Sunday-to-Thursday week: Thu 5 Mar + 1 business day = Sun 8 Mar.
    const out = expandPlan(plan, { start: '2026-03-05T07:00:00Z', timeZone: UTC, record: OPP, workingDays: [0, 1, 2, 3, 4] });
    expect(out[0]?.at).toBe('2026-03-08T10:00:00Z');
    expect(out[0]?.warnings).not.toContain('non_working_day');
  });

  it('a shift moves that step and the steps counting from it, not the ones counting from the start', () => {
    const plan = planOf(
      { anchor: 'start', unit: 'days', offset: 0, time: '10:00' },
      { anchor: 'previous', unit: 'days', offset: 1, time: null },
      { anchor: 'start', unit: 'days', offset: 3, time: '10:00' },
    );
    const out = expandPlan(plan, { start: '2026-03-02T08:00:00Z', timeZone: UTC, record: OPP, shifts: [24 * 60, 0, 0] });
    expect(out.map((e) => e.at)).toEqual(['2026-03-03T10:00:00Z', '2026-03-04T10:00:00Z', '2026-03-05T10:00:00Z']);
  });

  it('a reminder lead sets reminder_at before the due time; null leaves it to the type default', () => {
    const out = expandPlan(planOf({ offset: 0, anchor: 'start', time: '10:00', reminder_minutes: 15 }, { reminder_minutes: null }), {
      start: '2026-03-02T08:00:00Z', timeZone: UTC, record: OPP,
    });
    expect(out[0]?.input.reminder_at).toBe('2026-03-02T09:45:00Z');
    expect(out[1]?.input).not.toHaveProperty('reminder_at');
  });
});

describe('DST', () => {
  it('a step a week later stays at 10:00 in the rep\'s zone across the spring change (America/New_York)', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: '10:00' }, { anchor: 'previous', unit: 'days', offset: 7, time: null });
    // 2026-03-08: New York moves from EST (-5) to EDT (-4).
    const out = expandPlan(plan, { start: '2026-03-06T15:00:00Z', timeZone: 'America/New_York', record: OPP });
    expect(out.map((e) => e.at)).toEqual(['2026-03-06T15:00:00Z', '2026-03-13T14:00:00Z']);
    expect(out.map((e) => e.local.rep.time)).toEqual(['10:00', '10:00']);
  });

  it('across the autumn change in Europe/Berlin, business days count wall-clock days', () => {
    // Fri 23 Oct 2026 10:00 CEST; Berlin leaves summer time on Sun 25 Oct. +1 business day = Mon 26 Oct 10:00 CET.
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: '10:00' }, { anchor: 'previous', unit: 'business_days', offset: 1, time: null });
    const out = expandPlan(plan, { start: '2026-10-23T06:00:00Z', timeZone: 'Europe/Berlin', record: OPP });
    expect(out.map((e) => e.at)).toEqual(['2026-10-23T08:00:00Z', '2026-10-26T09:00:00Z']);
  });

  it('a time of day that does not exist that day (the spring gap) moves on by the gap, 02:30 → 03:30 CEST', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 2, time: '02:30' });
    const out = expandPlan(plan, { start: '2026-03-27T08:00:00Z', timeZone: 'Europe/Berlin', record: OPP });
    expect(out[0]?.at).toBe('2026-03-29T01:30:00Z');
    expect(out[0]?.local.rep.time).toBe('03:30');
  });

  it('the customer\'s local time follows their own DST (Berlin rep, New York customer in the weeks the changes differ)', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: '15:00' }, { anchor: 'previous', unit: 'days', offset: 7, time: null });
    // Mon 9 Mar 2026 15:00 CET = 10:00 EDT (New York changed on the 8th); Mon 16 Mar 15:00 CET = 10:00 EDT still;
    // after Berlin changes (29 Mar) the gap is 6 h again. Use 23 Mar → 30 Mar to see both.
    const out = expandPlan(plan, { start: '2026-03-23T08:00:00Z', timeZone: 'Europe/Berlin', record: { ...OPP, time_zone: 'America/New_York' } });
    expect(out.map((e) => e.local.customer?.time)).toEqual(['10:00', '09:00']);
    expect(out.map((e) => e.local.customer?.abbreviation)).toEqual(['EDT', 'EDT']);
    expect(out.map((e) => e.local.rep.time)).toEqual(['15:00', '15:00']);
  });
});

describe('working hours and load', () => {
  it('flags a step outside the rep\'s working hours (its end too) and on a non-working day', () => {
    const plan = planOf(
      { anchor: 'start', unit: 'days', offset: 0, time: '07:30', duration_minutes: 30 },
      { anchor: 'start', unit: 'days', offset: 0, time: '17:45', duration_minutes: 30 },
      { anchor: 'start', unit: 'days', offset: 5, time: '10:00' },
    );
    const out = expandPlan(plan, { start: '2026-03-02T00:00:00Z', timeZone: UTC, record: OPP, workingHours: { start: '08:00', end: '18:00' } });
    expect(out[0]?.warnings).toContain('outside_hours');
    expect(out[1]?.warnings).toContain('outside_hours');
    expect(out[2]?.warnings).toEqual(['non_working_day']);
  });

  it('flags a step outside the customer\'s working hours', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: '09:00' });
    const out = expandPlan(plan, { start: '2026-03-02T00:00:00Z', timeZone: 'Europe/Berlin', record: { ...OPP, time_zone: 'America/Los_Angeles' } });
    expect(out[0]?.local.label).toBe('Customer: 00:00 PST');
    expect(out[0]?.warnings).toEqual(['customer_outside_hours']);
  });

  it('an over-booked day and back-to-back by the dailyLoad rules, counting the plan\'s own steps', () => {
    const busy = Array.from({ length: 6 }, (_, i) => ({ status: 'pending' as const, due_at: `2026-03-03T${String(8 + i).padStart(2, '0')}:00:00Z`, duration_minutes: 30 }));
    const plan = planOf(
      { anchor: 'start', unit: 'days', offset: 0, time: '10:00', duration_minutes: 45 },
      { anchor: 'start', unit: 'days', offset: 0, time: '10:50', duration_minutes: 30 },
      { anchor: 'start', unit: 'days', offset: 1, time: '16:00', duration_minutes: 30 },
    );
    const out = expandPlan(plan, { start: '2026-03-02T00:00:00Z', timeZone: UTC, record: OPP, booked: busy });
    expect(out[0]?.warnings).toEqual(['back_to_back']);
    expect(out[1]?.warnings).toEqual(['back_to_back']);
    expect(out[2]?.warnings).toEqual(['over_booked']);
    // Moved a day on, the third step lands on a free day.
    const moved = expandPlan(plan, { start: '2026-03-02T00:00:00Z', timeZone: UTC, record: OPP, booked: busy, shifts: [0, 0, 24 * 60] });
    expect(moved[2]?.warnings).toEqual([]);
    // A cancelled activity does not load a day.
    const cancelled = busy.map((b) => ({ ...b, status: 'cancelled' as const }));
    expect(expandPlan(plan, { start: '2026-03-02T00:00:00Z', timeZone: UTC, record: OPP, booked: cancelled })[2]?.warnings).toEqual([]);
  });

  it('overlap with a booked activity is its own flag', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: '10:00', duration_minutes: 30 });
    const out = expandPlan(plan, {
      start: '2026-03-02T00:00:00Z', timeZone: UTC, record: OPP, booked: [{ status: 'pending', due_at: '2026-03-02T10:15:00Z', duration_minutes: 30 }],
    });
    expect(out[0]?.warnings).toEqual(['overlap']);
  });

  it('counts the rep\'s busy calendar time: a step over it overlaps, one just after it is back-to-back, a full day is over-booked', () => {
    const plan = planOf({ anchor: 'start', unit: 'days', offset: 0, time: '10:00', duration_minutes: 30 });
    const at = (busy: { startMs: number; endMs: number }[]) => expandPlan(plan, { start: '2026-03-02T00:00:00Z', timeZone: UTC, record: OPP, busy })[0]?.warnings;
    expect(at([])).toEqual([]);
    expect(at([{ startMs: Date.parse('2026-03-02T09:30:00Z'), endMs: Date.parse('2026-03-02T10:15:00Z') }])).toEqual(['overlap']);
    expect(at([{ startMs: Date.parse('2026-03-02T09:00:00Z'), endMs: Date.parse('2026-03-02T09:55:00Z') }])).toEqual(['back_to_back']);
    expect(at([{ startMs: Date.parse('2026-03-02T11:00:00Z'), endMs: Date.parse('2026-03-02T18:00:00Z') }])).toEqual(['over_booked']);
  });
});

describe('templates and validation', () => {
  it('fills {record} in subject and description, and leaves other text alone', () => {
    expect(fillTemplate('Initial Discovery Call - {record}', { record: 'Initech' })).toBe('Initial Discovery Call - Initech');
    const out = expandPlan(planOf({ subject: 'Call {record}', description: 'About {record}: {record}' }), { start: '2026-03-02T08:00:00Z', timeZone: UTC, record: OPP });
    expect(out[0]?.input.subject).toBe(`Call ${OPP.name}`);
    expect(out[0]?.input.description).toBe(`About ${OPP.name}: ${OPP.name}`);
  });

  it('a filled-in subject over the create limit is reported on the step, not written', () => {
    const out = expandPlan(planOf({ subject: `${'x'.repeat(190)} {record}` }), { start: '2026-03-02T08:00:00Z', timeZone: UTC, record: { ...OPP, name: 'y'.repeat(80) } });
    expect(out[0]?.errors?.subject?.[0]).toMatch(/255/);
  });

  it('gives per-field messages for a bad plan', () => {
    const errors = planProblems({
      id: 'p', name: '  ',
      steps: [{ ...blankStep(), subject: 'Call {recrod}', offset: -1, time: '25:00', duration_minutes: 1.5, priority: 'soon' }],
    });
    expect(errors).toMatchObject({
      name: ['Enter a name for the plan.'],
      'steps.0.subject': ["Only {record} can be filled in (the record's name); check the braces."],
      'steps.0.offset': ['The offset cannot be negative: a step comes at or after what it counts from.'],
      'steps.0.time': ['Enter a time as HH:mm, e.g. 14:00.'],
      'steps.0.duration_minutes': ['Enter whole minutes.'],
    });
    expect(errors?.['steps.0.priority']?.[0]).toMatch(/Choose a priority/);
    expect(planProblems({ id: 'p', name: 'x', steps: [] })).toEqual({ steps: ['Add at least one step.'] });
  });

  it('names are unique across the list; a duplicate gets a free name and its own id', () => {
    expect(planProblems({ ...SALES_SERIES_PLAN, id: 'other', name: ' sales call SERIES (new opportunity) ' }, SHIPPED_PLANS))
      .toEqual({ name: ['Another plan has that name; choose a different one.'] });
    expect(planProblems(SALES_SERIES_PLAN, SHIPPED_PLANS)).toBeNull();
    const copy = duplicatePlan(SALES_SERIES_PLAN, 'c1', SHIPPED_PLANS);
    const again = duplicatePlan(SALES_SERIES_PLAN, 'c2', [...SHIPPED_PLANS, copy]);
    expect([copy.name, again.name]).toEqual(['Sales call series (new opportunity) (copy)', 'Sales call series (new opportunity) (copy 2)']);
    expect(copy.steps).toEqual(SALES_SERIES_PLAN.steps);
    expect(copy.steps[0]).not.toBe(SALES_SERIES_PLAN.steps[0]);
  });
});
