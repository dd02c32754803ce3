/**
 * Validation of every payload the guide defines, with messages a rep understands.
 * One source for the app (before a change is queued) and the stand-in CRM (before it is stored).
 */
import { z } from 'zod';
import {
  ACTIVITY_STATUSES, ACTIVITY_TYPES, ACTIVITYABLE_TYPES, BULK_ACTIONS, DIRECTORY_TYPES, INCLUDES,
  LIST_STATUS_FILTERS, MAX_PER_PAGE, MIN_SEARCH_LENGTH, PATCHABLE_STATUSES, PRIORITIES, SORT_DIRECTIONS, SORT_FIELDS,
} from './enums.ts';
import { instantMs, isDateOnly } from './time.ts';

const list = (values: readonly string[]) => values.join(', ');

export const activityTypeSchema = z.enum(ACTIVITY_TYPES, { error: `Choose an activity type (${list(ACTIVITY_TYPES)}).` });
export const activityStatusSchema = z.enum(ACTIVITY_STATUSES, { error: `Choose a status (${list(ACTIVITY_STATUSES)}).` });
export const prioritySchema = z.enum(PRIORITIES, { error: `Choose a priority (${list(PRIORITIES)}).` });
export const activityableTypeSchema = z.enum(ACTIVITYABLE_TYPES, {
  error: `Choose what this activity is about: ${list(ACTIVITYABLE_TYPES)}.`,
});
export const directoryTypeSchema = z.enum(DIRECTORY_TYPES);

/**
 * The years a date may fall in. The format alone takes year 0000 or 9999, which no activity has and
 * which other systems read differently (year 0 does not exist in some, 9999 is "never" in others);
 * 1900–2200 holds every real date of a rep's work, past records and long contracts included.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;
const yearInWindow = (year: number) => year >= MIN_YEAR && year <= MAX_YEAR;

/** A date and time with its zone, in any year: for query bounds (updated_since), never for a stored field. */
export const isoInstantFormatSchema = z.iso.datetime({
  offset: true,
  error: 'Enter a date and time with its time zone, e.g. 2025-12-20T14:00:00Z.',
  abort: true,
});

/** A date and time with its zone, e.g. 2025-12-20T14:00:00Z; its UTC year within MIN_YEAR–MAX_YEAR. */
export const isoInstantSchema = isoInstantFormatSchema
  .refine((v) => yearInWindow(new Date(instantMs(v)).getUTCFullYear()), {
    error: `Enter a date and time between the years ${MIN_YEAR} and ${MAX_YEAR}.`,
  });

const DATE_FORMAT_MESSAGE = 'Enter a date as YYYY-MM-DD, e.g. 2025-12-23 (no time).';
/** A calendar date without time, e.g. 2025-12-23 (never shifted by time zones); year within MIN_YEAR–MAX_YEAR. */
export const isoDateSchema = z
  .string({ error: 'Enter a date, e.g. 2025-12-23.' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: DATE_FORMAT_MESSAGE, abort: true })
  .refine((v) => yearInWindow(Number(v.slice(0, 4))), { error: `Enter a date between the years ${MIN_YEAR} and ${MAX_YEAR}.`, abort: true })
  .refine(isDateOnly, { error: DATE_FORMAT_MESSAGE });

/**
 * Characters that show nothing: whitespace, controls, format characters (zero-width space, joiners,
 * word joiner, BOM, bidi marks, soft hyphen) and the blank letters (Hangul fillers, braille blank,
 * combining grapheme joiner). Text of only these looks empty to the rep and to whoever reads the CRM.
 */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\u034F\u115F\u1160\u2800\u3164\uFFA0]/gu;
/** True when the text shows at least one character. */
export function hasVisibleText(s: string): boolean {
  return s.replace(INVISIBLE, '').length > 0;
}

const idSchema = (what: string) =>
  z.string({ error: `Choose ${what}.` }).trim().min(1, { error: `Choose ${what}.` }).max(64, { error: `That ${what} id is too long.` })
    .refine(hasVisibleText, { error: `Choose ${what}.` });

const subjectSchema = z
  .string({ error: 'Enter a subject.' })
  .trim()
  .min(1, { error: 'Enter a subject.' })
  .max(255, { error: 'Keep the subject under 255 characters.' })
  .refine(hasVisibleText, { error: 'Enter a subject.' });

const durationSchema = z
  .number({ error: 'Enter the duration in minutes.' })
  .int({ error: 'Enter whole minutes.' })
  .min(0, { error: 'Duration cannot be negative.' })
  .max(60 * 24 * 31, { error: 'That duration is longer than a month; check the minutes.' });

const rateSchema = z
  .number({ error: 'Enter the hourly rate as a number.' })
  .min(0, { error: 'The billable rate cannot be negative.' })
  .max(1_000_000, { error: 'That rate looks wrong; check it.' });

const tagsSchema = z
  .array(z.string({ error: 'Each tag must be text.' }).trim().min(1, { error: 'Tags cannot be empty.' }).max(64, { error: 'Keep each tag under 64 characters.' })
    .refine(hasVisibleText, { error: 'Tags cannot be empty.' }), {
    error: 'Tags must be a list of words.',
  })
  .max(50, { error: 'Use at most 50 tags.' });

/**
 * Bounds of custom_fields, so one activity can never make every later push fail (a CRM refuses a
 * large body with 413 for ever) or a deep one overflow the stack of whatever serialises it (JSON,
 * structured clone, IndexedDB). Generous for real use: a few dozen named values, some nested.
 */
export const CUSTOM_FIELDS_LIMITS = {
  /** Nested objects and arrays, custom_fields itself being level 1. */
  maxDepth: 8,
  /** Named fields in all, nested ones included. */
  maxKeys: 200,
  /** Size as compact JSON, in UTF-8 bytes. */
  maxBytes: 64 * 1024,
} as const;

function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; } else n += 3;
  }
  return n;
}

/**
 * Bytes of a string as JSON (quotes and escapes included); JSON.stringify of a string does not
 * recurse. A string longer than the whole bound is over it already: its length is enough.
 */
const jsonBytes = (s: string) => (s.length > CUSTOM_FIELDS_LIMITS.maxBytes ? s.length : utf8Bytes(JSON.stringify(s)));

/**
 * Why a custom_fields value is out of bounds, or null. Iterative (an explicit stack, never
 * recursion) and stops at the first bound crossed, so a 5 000-deep or 2 MB value costs about as
 * much as the bound itself; a cycle is too deep by definition. Only JSON values are accepted.
 */
export function customFieldsProblem(root: Record<string, unknown>): string | null {
  const { maxDepth, maxKeys, maxBytes } = CUSTOM_FIELDS_LIMITS;
  const stack: { v: unknown; depth: number }[] = [{ v: root, depth: 1 }];
  let bytes = 0;
  let keys = 0;
  const tooBig = `Custom fields are too large: keep them under ${maxBytes / 1024} KB.`;
  while (stack.length) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (v === null || typeof v === 'boolean') bytes += v === false ? 5 : 4;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'Custom field numbers must be finite.';
      bytes += String(v).length;
    } else if (typeof v === 'string') bytes += jsonBytes(v);
    else if (typeof v === 'object') {
      if (depth > maxDepth) return `Custom fields are nested too deeply: at most ${maxDepth} levels.`;
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(v.length - 1, 0);
        if (bytes > maxBytes) return tooBig;
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i] as unknown, depth: depth + 1 });
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) return 'Custom field values must be text, numbers, yes/no, lists or named fields.';
        // Key by key, stopping at the bound: a 100 000-key object costs no more than a 201-key one.
        const o = v as Record<string, unknown>;
        let n = 0;
        bytes += 2;
        for (const k in o) {
          if (!Object.hasOwn(o, k)) continue;
          if (++keys > maxKeys) return `Use at most ${maxKeys} custom fields (nested ones count).`;
          bytes += jsonBytes(k) + 1 + (n++ > 0 ? 1 : 0);
          if (bytes > maxBytes) return tooBig;
          stack.push({ v: o[k], depth: depth + 1 });
        }
      }
    } else return 'Custom field values must be text, numbers, yes/no, lists or named fields.';
    if (bytes > maxBytes) return tooBig;
  }
  return null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

/** Bounds first, on the value as given (before zod copies it key by key), then the shape. */
const customFieldsSchema = z
  .unknown()
  .superRefine((v, ctx) => {
    const problem = isPlainObject(v) ? customFieldsProblem(v) : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .pipe(z.record(z.string(), z.unknown(), { error: 'Custom fields must be an object of name → value.' }));

const optionalText = (max: number, label: string) =>
  z.string({ error: `${label} must be text.` }).max(max, { error: `Keep ${label.toLowerCase()} under ${max} characters.` });

/** Fields shared by create and update; every one optional here. */
const activityFieldShape = {
  description: optionalText(20_000, 'The description').nullable(),
  contact_id: idSchema('a contact').nullable(),
  assigned_user_id: idSchema('a user'),
  due_at: isoInstantSchema.nullable(),
  duration_minutes: durationSchema.nullable(),
  priority: prioritySchema,
  location: optionalText(500, 'The location').nullable(),
  reminder_at: isoInstantSchema.nullable(),
  follow_up_required: z.boolean({ error: 'Follow-up required is yes or no.' }),
  follow_up_date: isoDateSchema.nullable(),
  tags: tagsSchema,
  custom_fields: customFieldsSchema,
  is_billable: z.boolean({ error: 'Billable is yes or no.' }),
  billable_rate: rateSchema.nullable(),
};

type ReminderCheck = { due_at?: string | null | undefined; reminder_at?: string | null | undefined };
function reminderNotAfterDue(v: ReminderCheck): boolean {
  if (!v.due_at || !v.reminder_at) return true;
  return instantMs(v.reminder_at) <= instantMs(v.due_at);
}
const reminderRule = { error: 'The reminder must be at or before the due time.', path: ['reminder_at'] };

export const createActivitySchema = z
  .object({
    type: activityTypeSchema,
    subject: subjectSchema,
    activityable_type: activityableTypeSchema,
    activityable_id: idSchema('the related record'),
    ...partialShape(activityFieldShape),
    /** Allowed at create time (the guide's scenario 3 logs a completed note). */
    status: activityStatusSchema.optional(),
    completed_at: isoInstantSchema.optional(),
    outcome: optionalText(20_000, 'The outcome').nullable().optional(),
  })
  .refine(reminderNotAfterDue, reminderRule)
  .refine((v) => v.status !== 'cancelled', { error: 'A new activity cannot start cancelled.', path: ['status'] })
  .refine((v) => !v.completed_at || v.status === 'completed', {
    error: 'Only an activity created as completed can have a completion time.',
    path: ['completed_at'],
  });
export type CreateActivityInput = z.infer<typeof createActivitySchema>;

export const updateActivitySchema = z
  .object({
    type: activityTypeSchema.optional(),
    subject: subjectSchema.optional(),
    activityable_type: activityableTypeSchema.optional(),
    activityable_id: idSchema('the related record').optional(),
    status: z.enum(PATCHABLE_STATUSES, {
      error: 'Status can only be changed among pending, in progress, deferred and waiting; use Complete or Cancel for the others.',
    }).optional(),
    outcome: optionalText(20_000, 'The outcome').nullable().optional(),
    ...partialShape(activityFieldShape),
  })
  .refine(reminderNotAfterDue, reminderRule)
  .refine((v) => (v.activityable_type === undefined) === (v.activityable_id === undefined), {
    error: 'Change the related record type and id together.',
    path: ['activityable_id'],
  })
  .refine((v) => Object.keys(v).length > 0, { error: 'Nothing to update.', path: ['_'] });
export type UpdateActivityInput = z.infer<typeof updateActivitySchema>;

export const completeActivitySchema = z.object({
  outcome: optionalText(20_000, 'The outcome').optional(),
  duration_minutes: durationSchema.optional(),
  follow_up_required: z.boolean({ error: 'Follow-up required is yes or no.' }).optional(),
  follow_up_date: isoDateSchema.nullable().optional(),
  tags: tagsSchema.optional(),
});
export type CompleteActivityInput = z.infer<typeof completeActivitySchema>;

export const cancelActivitySchema = z
  .object({
    reason: optionalText(2_000, 'The reason').optional(),
    reschedule: z.boolean({ error: 'Reschedule is yes or no.' }).optional(),
    reschedule_date: isoInstantSchema.optional(),
  })
  .refine((v) => !v.reschedule || !!v.reschedule_date, {
    error: 'Pick the new date and time to reschedule to.',
    path: ['reschedule_date'],
  });
export type CancelActivityInput = z.infer<typeof cancelActivitySchema>;

export const rescheduleActivitySchema = z.object({
  new_due_at: isoInstantSchema,
  reason: optionalText(2_000, 'The reason').optional(),
  update_reminder: z.boolean({ error: 'Update reminder is yes or no.' }).optional(),
  priority: prioritySchema.optional(),
});
export type RescheduleActivityInput = z.infer<typeof rescheduleActivitySchema>;

const activityIdsSchema = z
  .array(idSchema('an activity'), { error: 'Pick the activities.' })
  .min(1, { error: 'Pick at least one activity.' })
  .max(500, { error: 'Pick at most 500 activities at once.' });

export const bulkActionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('cancel'), activity_ids: activityIdsSchema, parameters: cancelActivitySchema.default({}) }),
    z.object({ action: z.literal('complete'), activity_ids: activityIdsSchema, parameters: completeActivitySchema.default({}) }),
    z.object({ action: z.literal('reschedule'), activity_ids: activityIdsSchema, parameters: rescheduleActivitySchema }),
    z.object({ action: z.literal('delete'), activity_ids: activityIdsSchema, parameters: z.object({}).loose().default({}) }),
  ],
  { error: `Choose a bulk action (${list(BULK_ACTIONS)}).` },
);
export type BulkActionInput = z.infer<typeof bulkActionSchema>;

export const searchQuerySchema = z
  .string({ error: `Type at least ${MIN_SEARCH_LENGTH} characters to search.` })
  .trim()
  .min(MIN_SEARCH_LENGTH, { error: `Type at least ${MIN_SEARCH_LENGTH} characters to search.` })
  .max(200, { error: 'Keep the search under 200 characters.' });

const positiveInt = (label: string) =>
  z.coerce.number({ error: `${label} must be a number.` }).int({ error: `${label} must be a whole number.` }).min(1, { error: `${label} must be at least 1.` });

/** GET /activities query, as strings from a URL or typed values from the app. */
export const listQuerySchema = z
  .object({
    type: activityTypeSchema.optional(),
    status: z.enum(LIST_STATUS_FILTERS, { error: `Choose a status (${list(LIST_STATUS_FILTERS)}).` }).optional(),
    priority: prioritySchema.optional(),
    assigned_user_id: z.string().min(1).optional(),
    activityable_type: activityableTypeSchema.optional(),
    activityable_id: z.string().min(1).optional(),
    due_date_from: isoDateSchema.optional(),
    due_date_to: isoDateSchema.optional(),
    search: searchQuerySchema.optional(),
    per_page: positiveInt('Per page').transform((n) => Math.min(n, MAX_PER_PAGE)).optional(),
    page: positiveInt('Page').optional(),
    sort_by: z.enum(SORT_FIELDS, { error: `Sort by one of: ${list(SORT_FIELDS)}.` }).optional(),
    sort_direction: z.enum(SORT_DIRECTIONS, { error: 'Sort direction is asc or desc.' }).optional(),
    includes: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.enum(INCLUDES, { error: `Includes are: ${list(INCLUDES)}.` })))
      .optional(),
    // A bound, not a stored date: any year (a far-future one simply matches nothing).
    updated_since: isoInstantFormatSchema.optional(),
  })
  .refine((v) => !v.due_date_from || !v.due_date_to || v.due_date_from <= v.due_date_to, {
    error: 'The start date must be on or before the end date.',
    path: ['due_date_to'],
  });
export type ListQuery = z.infer<typeof listQuerySchema>;
export type ListQueryInput = z.input<typeof listQuerySchema>;

/** Per-field errors as the API and the forms show them. */
export type FieldErrors = Record<string, string[]>;

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Validate and turn zod issues into `{ field: [message] }` (the CRM's error envelope shape). */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.infer<S>> {
  // reportInput lets friendlyMessage tell a missing field from a wrong value.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toFieldErrors(result.error) };
}

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    const message = friendlyMessage(issue);
    const list = (errors[key] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return errors;
}

/** zod's built-in messages ("Invalid input: expected object, received null") are for developers, not reps. */
const ZOD_DEFAULT = /^(Invalid|Too small|Too big)\b/;

function friendlyMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `Unknown field: ${issue.keys.join(', ')}.`;
  // Only trust `input` when the parse reported it; otherwise every issue would look like a missing field.
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && 'input' in issue && issue.input === undefined;
  if (missing) {
    const field = issue.path.at(-1);
    return typeof field === 'string' ? `${humanField(field)} is required.` : 'This is required.';
  }
  if (ZOD_DEFAULT.test(issue.message)) return genericMessage(issue);
  return issue.message;
}

function genericMessage(issue: z.core.$ZodIssue): string {
  const last = issue.path.at(-1);
  if (issue.path.length === 0) return issue.code === 'invalid_type' ? 'Send the fields as an object (JSON).' : 'This request is not valid.';
  const field = typeof last === 'string' ? humanField(last) : `Item ${String(last)}`;
  if (issue.code === 'invalid_type') {
    const kinds: Record<string, string> = {
      object: `${field} must be a set of named fields.`,
      array: `${field} must be a list.`,
      string: `${field} must be text.`,
      number: `${field} must be a number.`,
      int: `${field} must be a whole number.`,
      boolean: `${field} is yes or no.`,
    };
    return kinds[issue.expected] ?? `${field} has the wrong kind of value.`;
  }
  if (issue.code === 'too_small') return issue.origin === 'string' ? `${field} cannot be empty.` : `${field} is too small.`;
  if (issue.code === 'too_big') return issue.origin === 'string' ? `${field} is too long.` : `${field} is too big.`;
  return `${field} is not valid.`;
}

const FIELD_NAMES: Record<string, string> = {
  type: 'Type', subject: 'Subject', activityable_type: 'Related record type', activityable_id: 'Related record',
  new_due_at: 'New due time', action: 'Action', activity_ids: 'Activities',
};
function humanField(field: string): string {
  return FIELD_NAMES[field] ?? field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

type Optionalize<T extends Record<string, z.ZodType>> = { [K in keyof T]: z.ZodOptional<T[K]> };
function partialShape<T extends Record<string, z.ZodType>>(shape: T): Optionalize<T> {
  const out: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = v.optional();
  return out as Optionalize<T>;
}
