/**
 * Outcome entry as pure functions: the guide's "Always include" template, turning the form into
 * a validated complete body (per-field errors from the shared schema), the early-completion
 * check, and the prefilled follow-up a "Complete & schedule follow-up" opens.
 */
import { tz } from '@date-fns/tz';
import {
  completeActivitySchema, toIsoInstant, validate,
  isKnownPriority, type ActivityTypeValue, type CompleteActivityInput, type CreateActivityInput, type FieldErrors, type PriorityValue,
} from '#shared/domain/index';

/** Best practice 3, "Document outcomes — Always include". */
export const OUTCOME_SECTIONS = [
  { key: 'discussed', heading: 'What was discussed' },
  { key: 'decisions', heading: 'Decisions made' },
  { key: 'actions', heading: 'Action items' },
  { key: 'next', heading: 'Next steps' },
  { key: 'sentiment', heading: 'Customer sentiment/feedback' },
] as const;
export type OutcomeSectionKey = (typeof OUTCOME_SECTIONS)[number]['key'];
export type OutcomeSections = Record<OutcomeSectionKey, string>;

export const EMPTY_SECTIONS: OutcomeSections = { discussed: '', decisions: '', actions: '', next: '', sentiment: '' };

/** One text with a heading per filled section; empty sections are left out. */
export function composeOutcome(s: OutcomeSections): string {
  return OUTCOME_SECTIONS.filter(({ key }) => s[key].trim() !== '')
    .map(({ key, heading }) => `${heading}:\n${s[key].trim()}`)
    .join('\n\n');
}

/**
 * Split a stored outcome back into sections (for editing an existing one). Text without our
 * headings goes to "What was discussed" so nothing is lost.
 */
export function parseOutcome(text: string | null | undefined): OutcomeSections {
  const out: OutcomeSections = { ...EMPTY_SECTIONS };
  if (!text) return out;
  const headings = new Map<string, OutcomeSectionKey>(OUTCOME_SECTIONS.map(({ key, heading }) => [`${heading.toLowerCase()}:`, key]));
  let current: OutcomeSectionKey | null = null;
  const loose: string[] = [];
  for (const line of text.split('\n')) {
    const k = headings.get(line.trim().toLowerCase());
    if (k) {
      current = k;
      continue;
    }
    if (current) out[current] = out[current] ? `${out[current]}\n${line}` : line;
    else loose.push(line);
  }
  for (const key of Object.keys(out) as OutcomeSectionKey[]) out[key] = out[key].trim();
  const before = loose.join('\n').trim();
  if (before) out.discussed = out.discussed ? `${before}\n${out.discussed}` : before;
  return out;
}

/** Headings the rep left empty (a nudge, never a block: the guide says "strongly recommended"). */
export function missingSections(s: OutcomeSections): string[] {
  return OUTCOME_SECTIONS.filter(({ key }) => s[key].trim() === '').map(({ heading }) => heading);
}

export interface OutcomeForm {
  sections: OutcomeSections;
  /** Minutes as typed; empty = keep the planned duration. */
  duration: string;
  /** Comma-separated. */
  tags: string;
  followUpRequired: boolean;
  /** YYYY-MM-DD from a date input, kept as text so it never shifts by a day. */
  followUpDate: string;
}

export type Built<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

/**
 * The complete body, validated by the shared schema; errors keyed by the API's field names.
 * `followUp`: the rep asked to schedule the follow-up now, so a follow-up is required whatever the
 * box said (the dialog ticks it) and the message asks for the date alone.
 */
export function buildCompleteInput(f: OutcomeForm, followUp = false): Built<CompleteActivityInput> {
  if (followUp) f = { ...f, followUpRequired: true };
  const errors: FieldErrors = {};
  const body: Record<string, unknown> = {};
  const outcome = composeOutcome(f.sections);
  if (outcome) body.outcome = outcome;
  const d = f.duration.trim();
  if (d !== '') {
    // Number('') is 0 and Number('1e2') is 100: only plain digits count as minutes.
    if (!/^\d+$/.test(d)) errors.duration_minutes = ['Enter the actual duration in whole minutes, e.g. 45.'];
    else body.duration_minutes = Number(d);
  }
  const tags = parseTags(f.tags);
  if (tags.length) body.tags = tags;
  body.follow_up_required = f.followUpRequired;
  if (f.followUpRequired) {
    if (!f.followUpDate) {
      errors.follow_up_date = [followUp
        ? 'Pick the follow-up date: the follow-up activity is due that day.'
        : 'Pick the follow-up date, or untick "Follow-up required".'];
    }
    else body.follow_up_date = f.followUpDate;
  } else if (f.followUpDate) {
    body.follow_up_date = f.followUpDate;
  }
  const v = validate(completeActivitySchema, body);
  if (!v.ok) return { ok: false, errors: { ...v.errors, ...errors } };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: v.value };
}

/** Completing before the due time asks to confirm (it may be the wrong activity). */
export function isEarly(dueAt: string | null | undefined, nowMs: number): boolean {
  return !!dueAt && Date.parse(dueAt) > nowMs;
}

export interface FollowUpSource {
  type: ActivityTypeValue;
  subject: string;
  priority: PriorityValue;
  activityable_type: CreateActivityInput['activityable_type'];
  activityable_id: string;
  contact_id: string | null;
  assigned_user_id?: string | null;
}

/** `date` (YYYY-MM-DD) at `hh:mm` in the rep's zone, as an ISO instant. */
export function dateAtLocalTime(date: string, hm: string, zone: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = hm.split(':').map(Number);
  const local = tz(zone)(Date.UTC(2000, 0, 1));
  local.setFullYear(y ?? 2000, (mo ?? 1) - 1, d ?? 1);
  local.setHours(h ?? 9, mi ?? 0, 0, 0);
  return toIsoInstant(local.getTime());
}

/** What the follow-up carries over from the outcome: its next steps and action items, as its description. */
export function followUpDescription(sections: OutcomeSections | null | undefined): string | null {
  if (!sections) return null;
  const parts = [
    sections.next.trim() && `Next steps:\n${sections.next.trim()}`,
    sections.actions.trim() && `Action items:\n${sections.actions.trim()}`,
  ].filter(Boolean);
  return parts.length ? parts.join('\n\n') : null;
}

/**
 * The follow-up activity "Complete & schedule follow-up" opens: same entity and contact, 9:00 on
 * the date, with the outcome's next steps and action items in its description.
 */
export function followUpPrefill(
  src: FollowUpSource, followUpDate: string | null, zone: string, sections?: OutcomeSections | null,
): Partial<CreateActivityInput> {
  const base = src.subject.replace(/^(follow-?up( call)?\s*[-–:]\s*)+/i, '');
  const prefill: Partial<CreateActivityInput> = {
    type: src.type === 'call' ? 'call' : 'follow_up',
    subject: `Follow-up - ${base}`,
    activityable_type: src.activityable_type,
    activityable_id: src.activityable_id,
    contact_id: src.contact_id,
    // A priority this version does not know can't be sent back on a create: the default then.
    priority: isKnownPriority(src.priority) ? src.priority : 'medium',
    duration_minutes: 30,
  };
  if (src.assigned_user_id) prefill.assigned_user_id = src.assigned_user_id;
  const description = followUpDescription(sections);
  if (description) prefill.description = description;
  if (followUpDate) prefill.due_at = dateAtLocalTime(followUpDate, '09:00', zone);
  return prefill;
}
