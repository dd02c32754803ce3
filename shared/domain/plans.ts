/**
 * Activity plans (issue 15): a named list of steps a rep schedules again and again for a record
 * (the guide's Scenario 1 sales-call series, Scenario 3's QBR follow-ups), expanded on the device
 * into ordinary create inputs, so a plan works offline and syncs like any other activity.
 *
 * A step lands a number of days (calendar or business) after the start or after the previous
 * step, at a time of day in the rep's zone or at the same time as what it follows. Days are built
 * from calendar fields in the rep's zone (TZDate), so a step a week later stays at 10:00 across a
 * DST change. Each expanded step carries the warnings the rest of the app gives: outside the rep's
 * working hours, outside the customer's, on a non-working day, and the `dailyLoad` flags
 * (over-booked day, back-to-back) over the rep's calendar with the plan's own steps on it.
 */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { ACTIVITY_TYPE_LABELS, type ActivityableType } from './enums.ts';
import { dailyLoad, type BusyInterval, type LoadItem, type LoadThresholds } from './load.ts';
import { customerLocalTime, isValidTimeZone, type LocalTimePair } from './local-time.ts';
import { activityTypeSchema, createActivitySchema, hasVisibleText, prioritySchema, validate, type CreateActivityInput, type FieldErrors } from './schemas.ts';
import { instantMs, toIsoInstant } from './time.ts';

/** The placeholders a subject or description may use. */
export const PLAN_PLACEHOLDERS = ['record'] as const;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Placeholders in `text` that are not known (e.g. "{recrod}"). */
function unknownPlaceholders(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(PLAN_PLACEHOLDERS as readonly string[]).includes(name)) out.push(`{${name}}`);
  }
  return out;
}
const placeholderRule = {
  error: 'Only {record} can be filled in (the record\'s name); check the braces.',
};

/** Fills "{record}" with the record's name. */
export function fillTemplate(template: string, values: { record: string }): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name === 'record' ? values.record : whole));
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const planStepSchema = z.object({
  type: activityTypeSchema,
  subject: z.string({ error: 'Enter a subject.' }).trim()
    .min(1, { error: 'Enter a subject.' })
    .max(200, { error: 'Keep the subject under 200 characters (the record\'s name is added to it).' })
    .refine(hasVisibleText, { error: 'Enter a subject.' })
    .refine((s) => unknownPlaceholders(s).length === 0, placeholderRule),
  /** What the offset counts from: the plan's start or the step before this one. */
  anchor: z.enum(['start', 'previous'], { error: 'Choose whether the step counts from the start or from the previous step.' }),
  /** Calendar days, or business days (non-working days skipped). */
  unit: z.enum(['days', 'business_days'], { error: 'Choose days or business days.' }),
  offset: z.number({ error: 'Enter the offset as a number of days.' })
    .int({ error: 'Enter whole days.' })
    .min(0, { error: 'The offset cannot be negative: a step comes at or after what it counts from.' })
    .max(366, { error: 'Keep the offset within a year (366 days).' }),
  /** HH:mm in the rep's zone, or null for the same time of day as what the step counts from. */
  time: z.string({ error: 'Enter a time as HH:mm, or choose "same time".' })
    .regex(HHMM, { error: 'Enter a time as HH:mm, e.g. 14:00.' }).nullable(),
  duration_minutes: z.number({ error: 'Enter the duration in minutes.' })
    .int({ error: 'Enter whole minutes.' })
    .min(0, { error: 'Duration cannot be negative.' })
    .max(60 * 24, { error: 'Keep a step within a day (1440 minutes).' }).nullable(),
  priority: prioritySchema,
  description: z.string({ error: 'The description must be text.' })
    .max(20_000, { error: 'Keep the description under 20000 characters.' })
    .refine((s) => unknownPlaceholders(s).length === 0, placeholderRule).nullable(),
  tags: z.array(
    z.string({ error: 'Each tag must be text.' }).trim().min(1, { error: 'Tags cannot be empty.' })
      .max(64, { error: 'Keep each tag under 64 characters.' }).refine(hasVisibleText, { error: 'Tags cannot be empty.' }),
    { error: 'Tags must be a list of words.' },
  ).max(50, { error: 'Use at most 50 tags.' }),
  /** Minutes before the due time the reminder comes; null: the type's default (Settings). */
  reminder_minutes: z.number({ error: 'Enter the reminder lead in minutes.' })
    .int({ error: 'Enter whole minutes.' })
    .min(0, { error: 'The reminder lead cannot be negative.' })
    .max(60 * 24 * 28, { error: 'Keep the reminder lead within four weeks.' }).nullable(),
  /** Logged as already done at its time (Scenario 3's action-items note), not scheduled. */
  completed: z.boolean({ error: 'Logged as done is yes or no.' }),
});
export type PlanStep = z.infer<typeof planStepSchema>;

export const planSchema = z.object({
  id: z.string({ error: 'A plan needs an id.' }).min(1, { error: 'A plan needs an id.' }).max(64, { error: 'That plan id is too long.' }),
  name: z.string({ error: 'Enter a name for the plan.' }).trim()
    .min(1, { error: 'Enter a name for the plan.' })
    .max(100, { error: 'Keep the name under 100 characters.' })
    .refine(hasVisibleText, { error: 'Enter a name for the plan.' }),
  steps: z.array(planStepSchema, { error: 'A plan is a list of steps.' })
    .min(1, { error: 'Add at least one step.' })
    .max(30, { error: 'Use at most 30 steps; split a longer plan in two.' }),
});
export type Plan = z.infer<typeof planSchema>;

/** The plans a device keeps: names unique (case and spacing aside) so the rep can tell them apart. */
export const planListSchema = z.array(planSchema).superRefine((plans, ctx) => {
  const seen = new Map<string, number>();
  plans.forEach((p, i) => {
    const key = p.name.trim().toLowerCase().replace(/\s+/g, ' ');
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'Another plan has that name; choose a different one.' });
    else seen.set(key, i);
  });
});

/** Per-field errors of a plan about to be saved beside `others` (the rest of the list). */
export function planProblems(plan: unknown, others: readonly Plan[] = []): FieldErrors | null {
  const r = validate(planSchema, plan);
  if (!r.ok) return r.errors;
  const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
  if (others.some((o) => o.id !== r.value.id && key(o.name) === key(r.value.name))) {
    return { name: ['Another plan has that name; choose a different one.'] };
  }
  return null;
}

const step = (s: Partial<PlanStep> & Pick<PlanStep, 'type' | 'subject' | 'priority'>): PlanStep => ({
  anchor: 'start', unit: 'days', offset: 0, time: null, duration_minutes: null, description: null, tags: [],
  reminder_minutes: null, completed: false, ...s,
});

/**
 * The guide's Scenario 1 series: discovery call at the start (Mon 10:00), the demo a week later at
 * 14:00, the follow-up call a week after that at 11:00; types, subjects, durations, priorities,
 * descriptions and tags as the guide's three POSTs.
 */
export const SALES_SERIES_PLAN: Plan = {
  id: 'builtin-sales-call-series',
  name: 'Sales call series (new opportunity)',
  steps: [
    step({
      type: 'call', subject: 'Initial Discovery Call - Requirements Gathering', time: '10:00', duration_minutes: 45, priority: 'high',
      description: 'Understand current challenges, technical environment, stakeholders, decision criteria, timeline, and budget.',
      tags: ['discovery', 'new-opportunity'],
    }),
    step({
      type: 'demo', subject: 'Product Demo - Platform Capabilities', offset: 7, time: '14:00', duration_minutes: 60, priority: 'high',
      description: 'Demonstrate key features aligned with requirements from discovery call. Include integration capabilities and customization options.',
      tags: ['demo', 'platform-overview'],
    }),
    step({
      type: 'call', subject: 'Demo Follow-up - Answer Questions', offset: 14, time: '11:00', duration_minutes: 30, priority: 'medium',
      description: 'Address questions from demo, discuss next steps, timeline for proposal.',
      tags: ['follow-up', 'demo-questions'],
    }),
  ],
};

/**
 * The guide's Scenario 3 follow-ups of a QBR (start: the QBR's end, Sat 20 Dec 16:00 there): the
 * action-items note logged as done at the start, the training task three days later at 10:00, the
 * expansion call a week later at 14:00. The guide's note names the customer ("QBR Action Items -
 * Customer 575"): here "{record}".
 */
export const QBR_FOLLOW_UP_PLAN: Plan = {
  id: 'builtin-qbr-follow-up',
  name: 'QBR follow-up',
  steps: [
    step({
      type: 'task', subject: 'Arrange Advanced Features Training', offset: 3, time: '10:00', priority: 'medium',
      description: 'Coordinate with training team to schedule advanced features workshop for {record}. Focus on reporting and automation features.',
      tags: ['training', 'customer-success'],
    }),
    step({
      type: 'call', subject: 'Expansion Discussion - Additional Departments', offset: 7, time: '14:00', duration_minutes: 45, priority: 'high',
      description: 'Discuss expansion plan, user requirements for new departments, timeline, and premium support benefits.',
      tags: ['expansion', 'upsell'],
    }),
    step({
      type: 'note', subject: 'QBR Action Items - {record}', priority: 'medium', completed: true,
      description: 'Action items from QBR:\n1. Arrange advanced features training (Owner: Customer Success)\n2. Discuss expansion to 3 additional departments (Owner: Sales)\n3. Send premium support tier information (Owner: Sales)\n4. Follow up on API integration questions (Owner: Technical Support)\n5. Next QBR scheduled for March 2026',
      tags: ['action-items', 'qbr'],
    }),
  ],
};

/** What a device starts with before the rep changes anything. */
export const SHIPPED_PLANS: readonly Plan[] = [SALES_SERIES_PLAN, QBR_FOLLOW_UP_PLAN];

/** A copy under a new id and a name not yet taken ("… (copy)", "… (copy 2)"). */
export function duplicatePlan(plan: Plan, id: string, taken: readonly Plan[]): Plan {
  const names = new Set(taken.map((p) => p.name.trim().toLowerCase()));
  let name = `${plan.name} (copy)`;
  for (let n = 2; names.has(name.toLowerCase()); n++) name = `${plan.name} (copy ${n})`;
  return { id, name: name.slice(0, 100), steps: plan.steps.map((s) => ({ ...s, tags: [...s.tags] })) };
}

/** A new step for the editor: a call the next business day at 10:00. */
export function blankStep(): PlanStep {
  return step({ type: 'call', subject: 'Call - {record}', anchor: 'previous', unit: 'business_days', offset: 1, time: '10:00', duration_minutes: 30, priority: 'medium' });
}

// ---------------------------------------------------------------------------------------------
// Expansion

export interface PlanRecord {
  type: ActivityableType;
  id: string;
  name: string;
  /** The customer's IANA zone where known (the record's or its contact's). */
  time_zone?: string | null;
}

export interface RepHours {
  /** HH:mm in the rep's zone (Settings → Working hours). */
  start: string;
  end: string;
}

export interface ExpandOptions {
  /** The instant the plan starts from (its first "day 0"). */
  start: string;
  /** The rep's IANA zone: days and times of day are counted there. */
  timeZone: string;
  record: PlanRecord;
  /** Per step, minutes to move it by (the rep's shift in the preview); later steps that count from it follow. */
  shifts?: readonly number[];
  workingHours?: RepHours;
  /** Working weekdays, 0 = Sunday … 6 = Saturday; default Monday to Friday (the calendar's business hours). */
  workingDays?: readonly number[];
  /** The rep's calendar around the plan (cancelled and undated rows are ignored by dailyLoad). */
  booked?: readonly LoadItem[];
  /** The rep's other calendar events (issue #14): booked time, and no step over or right next to one. */
  busy?: readonly BusyInterval[];
  thresholds?: Partial<LoadThresholds>;
}

export type StepWarning = 'outside_hours' | 'customer_outside_hours' | 'non_working_day' | 'over_booked' | 'back_to_back' | 'overlap';

export const STEP_WARNING_TEXT: Record<StepWarning, string> = {
  outside_hours: 'Outside your working hours',
  customer_outside_hours: 'Outside the customer\'s working hours',
  non_working_day: 'On a non-working day',
  over_booked: 'Over-booked day',
  back_to_back: 'Back-to-back: no time to prepare',
  overlap: 'Overlaps another activity or busy time',
};

export interface ExpandedStep {
  index: number;
  step: PlanStep;
  /** The step's time (due_at, or completed_at of a step logged as done). */
  at: string;
  local: LocalTimePair;
  warnings: StepWarning[];
  /** What commands.create receives. */
  input: CreateActivityInput;
  /** Problems the create validation finds in `input` (e.g. a filled-in subject too long); null when fine. */
  errors: FieldErrors | null;
}

const DEFAULT_WORKING_DAYS = [1, 2, 3, 4, 5] as const;

function hm(v: string): [number, number] {
  const [h = 0, m = 0] = v.split(':').map(Number);
  return [h, m];
}

/** `count` business days after the day of `d` (count 0: that day), skipping non-working weekdays. */
function addBusinessDays(d: TZDate, count: number, workingDays: readonly number[], zone: string): TZDate {
  let day = new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), zone);
  if (workingDays.length === 0) return day;
  let left = count;
  while (left > 0) {
    day = new TZDate(day.getFullYear(), day.getMonth(), day.getDate() + 1, day.getHours(), day.getMinutes(), zone);
    if (workingDays.includes(day.getDay())) left--;
  }
  return day;
}

/** When a step lands, from what it counts from (`from`, an instant) and its own rule. */
function stepTime(s: PlanStep, fromMs: number, zone: string, workingDays: readonly number[]): number {
  const from = new TZDate(fromMs, zone);
  const [h, m] = s.time ? hm(s.time) : [from.getHours(), from.getMinutes()];
  const base = new TZDate(from.getFullYear(), from.getMonth(), from.getDate(), h, m, zone);
  const day = s.unit === 'business_days'
    ? addBusinessDays(base, s.offset, workingDays, zone)
    : new TZDate(base.getFullYear(), base.getMonth(), base.getDate() + s.offset, h, m, zone);
  // Rebuild at the wall-clock time (a calendar-day step over a DST change keeps 10:00).
  return new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), h, m, zone).getTime();
}

/**
 * Every step of `plan` applied to a record from `start`: times, the customer's local time, the
 * create input (subject and description filled in) and the warnings. Pure: the caller passes the
 * rep's calendar in `booked`.
 */
export function expandPlan(plan: Plan, opts: ExpandOptions): ExpandedStep[] {
  const zone = opts.timeZone;
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`);
  const startMs = instantMs(opts.start);
  if (Number.isNaN(startMs)) throw new RangeError(`Not a date and time: ${opts.start}`);
  const workingDays = opts.workingDays ?? DEFAULT_WORKING_DAYS;
  const hours = opts.workingHours ?? { start: '08:00', end: '18:00' };
  const values = { record: opts.record.name };

  const times: number[] = [];
  let previous = startMs;
  plan.steps.forEach((s, i) => {
    const t = stepTime(s, s.anchor === 'previous' ? previous : startMs, zone, workingDays) + (opts.shifts?.[i] ?? 0) * 60_000;
    times.push(t);
    previous = t;
  });

  const steps: ExpandedStep[] = plan.steps.map((s, i) => {
    const at = toIsoInstant(times[i] ?? startMs);
    const input: CreateActivityInput = {
      type: s.type,
      subject: fillTemplate(s.subject, values),
      activityable_type: opts.record.type,
      activityable_id: opts.record.id,
      priority: s.priority,
      tags: [...s.tags],
      ...(s.description !== null ? { description: fillTemplate(s.description, values) } : {}),
      ...(s.duration_minutes !== null ? { duration_minutes: s.duration_minutes } : {}),
    };
    if (s.completed) {
      input.status = 'completed';
      input.completed_at = at;
    } else {
      input.due_at = at;
      if (s.reminder_minutes !== null) input.reminder_at = toIsoInstant(instantMs(at) - s.reminder_minutes * 60_000);
    }
    const checked = validate(createActivitySchema, input);
    // The customer's working day is the app's default (08:00–18:00), as everywhere: theirs is not known.
    const local = customerLocalTime(at, zone, opts.record.time_zone ?? null);
    return { index: i, step: s, at, input, local, warnings: [], errors: checked.ok ? null : checked.errors };
  });

  // The rep's own hours and days.
  const [sh, sm] = hm(hours.start);
  const [eh, em] = hm(hours.end);
  for (const e of steps) {
    if (e.step.completed) continue;
    const d = new TZDate(instantMs(e.at), zone);
    const startMin = d.getHours() * 60 + d.getMinutes();
    const length = e.step.duration_minutes ?? 0;
    if (startMin < sh * 60 + sm || startMin + length > eh * 60 + em) e.warnings.unshift('outside_hours');
    if (!workingDays.includes(d.getDay())) e.warnings.push('non_working_day');
    if (e.local.outsideCustomerHours) e.warnings.push('customer_outside_hours');
  }

  // The load rules of the calendar and weekly review, over the rep's calendar plus the plan itself.
  type Item = LoadItem & { step: number | null };
  const scheduled = steps.filter((e) => !e.step.completed);
  if (scheduled.length > 0) {
    const items: Item[] = [
      ...(opts.booked ?? []).map((b) => ({ status: b.status, due_at: b.due_at, duration_minutes: b.duration_minutes, step: null })),
      ...scheduled.map((e) => ({ status: 'pending' as const, due_at: e.at, duration_minutes: e.step.duration_minutes, step: e.index })),
    ];
    const first = Math.min(...scheduled.map((e) => instantMs(e.at)));
    const last = Math.max(...scheduled.map((e) => instantMs(e.at)));
    const days = Math.ceil((last - first) / 86_400_000) + 2;
    const load = dailyLoad(items, { from: toIsoInstant(first), days, timeZone: zone, busy: opts.busy, ...(opts.thresholds ? { thresholds: opts.thresholds } : {}) });
    for (const day of load) {
      for (const item of day.items) {
        if (item.step === null) continue;
        const e = steps[item.step];
        if (!e) continue;
        if (day.overScheduled) e.warnings.push('over_booked');
        const pairs = [
          ...day.backToBack.filter((p) => p.first === item || p.second === item),
          ...day.busyClashes.filter((c) => c.activity === item),
        ];
        if (pairs.some((p) => p.gapMinutes < 0)) e.warnings.push('overlap');
        else if (pairs.length > 0) e.warnings.push('back_to_back');
      }
    }
  }
  return steps;
}

/** One line per step for lists and screen readers: "Call, Mon 22 Dec 10:00". */
export function stepSummary(s: PlanStep): string {
  const type = ACTIVITY_TYPE_LABELS[s.type];
  const when = s.anchor === 'start' && s.offset === 0 ? 'at the start'
    : `${s.offset} ${s.unit === 'business_days' ? 'business ' : ''}day${s.offset === 1 ? '' : 's'} after ${s.anchor === 'start' ? 'the start' : 'the previous step'}`;
  return `${type} ${when}, ${s.time ?? 'same time'}${s.completed ? ' (logged as done)' : ''}`;
}
