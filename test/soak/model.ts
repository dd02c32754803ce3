/**
 * The soak test's model: the same intents applied to plain records with the domain rules, with no
 * sync at all. What the server ends with must equal what this predicts.
 */
import {
  applyCancel, applyComplete, applyCreate, applyReschedule, applyUpdate, toIsoInstant,
  type Activity, type CancelActivityInput, type CompleteActivityInput, type CreateActivityInput,
  type RescheduleActivityInput, type UpdateActivityInput,
} from '#shared/domain/index';

export interface ModelEntry {
  lid: string;
  act: Activity;
  deleted: boolean;
}

/** Fields compared with the server (timestamps are the server's own and are left out). */
export const COMPARED = [
  'type', 'status', 'priority', 'subject', 'description', 'activityable_type', 'activityable_id', 'assigned_user_id',
  'due_at', 'duration_minutes', 'location', 'reminder_at', 'follow_up_required', 'follow_up_date', 'tags', 'outcome',
  'cancellation_reason', 'previous_due_at', 'rescheduled_count',
] as const satisfies readonly (keyof Activity)[];

export class Model {
  readonly entries = new Map<string, ModelEntry>();
  private readonly at = toIsoInstant(Date.parse('2030-01-01T00:00:00Z'));

  constructor(private readonly user: { id: string; name: string }) {}

  create(lid: string, input: CreateActivityInput): void {
    this.entries.set(lid, { lid, act: applyCreate(input, { id: lid, now: this.at, currentUser: this.user, reminderDefaults: {} }), deleted: false });
  }
  update(lid: string, patch: UpdateActivityInput): void { this.set(lid, (a) => applyUpdate(a, patch, this.at)); }
  complete(lid: string, input: CompleteActivityInput): void { this.set(lid, (a) => applyComplete(a, input, this.at)); }
  reschedule(lid: string, input: RescheduleActivityInput): void { this.set(lid, (a) => applyReschedule(a, input, this.at)); }
  cancel(lid: string, input: CancelActivityInput, childLid?: string): void {
    const e = this.get(lid);
    const r = applyCancel(e.act, input, this.at, childLid);
    e.act = r.cancelled;
    if (r.rescheduled && childLid) this.entries.set(childLid, { lid: childLid, act: r.rescheduled, deleted: false });
  }
  delete(lid: string): void { this.get(lid).deleted = true; }

  live(): ModelEntry[] { return [...this.entries.values()].filter((e) => !e.deleted); }

  /** A copy of every entry: the model before an action that may be undone. */
  snapshot(): Map<string, ModelEntry> {
    return new Map([...this.entries].map(([lid, e]) => [lid, { ...e, act: structuredClone(e.act) }]));
  }
  /** An undo the CRM never saw: the entry as it was in `snap` (gone if it was not there yet). */
  restore(lid: string, snap: ReadonlyMap<string, ModelEntry>): void {
    const e = snap.get(lid);
    if (e) this.entries.set(lid, { ...e, act: structuredClone(e.act) });
    else this.entries.delete(lid);
  }

  private get(lid: string): ModelEntry {
    const e = this.entries.get(lid);
    if (!e) throw new Error(`model: unknown ${lid}`);
    return e;
  }
  private set(lid: string, f: (a: Activity) => Activity): void {
    const e = this.get(lid);
    e.act = f(e.act);
  }
}

/** The compared fields of a record, canonical (tags sorted) for exact equality. */
export function comparable(a: Activity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of COMPARED) out[f] = f === 'tags' ? [...a.tags].sort() : a[f];
  return out;
}
