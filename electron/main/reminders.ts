/**
 * The reminder scheduler. Plain TypeScript with the clock, notifier and storage injected, so it
 * runs in unit tests without Electron. Main ticks it every few seconds and on resume; it compares
 * with the wall clock each time (timers drift and stop during sleep) and keeps its bookkeeping
 * in a file so reminders fire with the window closed and survive a restart.
 *
 * A reminder is one (lid, reminder_at). It fires at most once; a snooze is a separate one-shot
 * trigger at the snooze time. Reminders more than `missedAfterMs` late (sleep, app closed, paused)
 * are gathered into one "while you were away" notice, never a burst. During quiet hours nothing
 * fires: what comes due is deferred to the end of the quiet period.
 */
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import { z } from 'zod';
import { reminderItemSchema, quietHoursSchema } from '#shared/ipc/contract';
import type { ReminderItem, SnoozeChoice } from '#shared/ipc/platform';
import { snoozeUntil } from '#shared/domain/index';

export interface Clock {
  now(): number;
}

export interface ReminderNotice {
  /** Stable id of this trigger (also the OS notification id, so a re-show replaces it). */
  id: string;
  title: string;
  body: string;
  /** Button labels; empty where the platform has no notification actions. */
  actions: readonly string[];
}

export interface NoticeHandlers {
  click(): void;
  action(index: number): void;
}

export interface Notifier {
  /** Shows the notice; false when the OS could not (no notification support, refused): the app shows it then. */
  show(notice: ReminderNotice, handlers: NoticeHandlers): boolean | void;
}

export interface SchedulerStorage {
  read(): SchedulerState | null;
  write(state: SchedulerState): void;
}

export type QuietHours = z.infer<typeof quietHoursSchema>;

export const schedulerStateSchema = z.object({
  version: z.literal(1),
  items: z.array(reminderItemSchema),
  /** When each reminder key was first known: one learnt long after its time is stale, not "missed". */
  seen: z.record(z.string(), z.number()),
  /** Trigger keys that have fired (or were summarised), with when: the never-twice guarantee. */
  fired: z.record(z.string(), z.number()),
  /** Triggers seen due during quiet hours, with the end of those quiet hours (their new due time). */
  deferred: z.record(z.string(), z.number()),
  snoozes: z.array(z.object({ key: z.string(), until: z.number() })),
  paused: z.boolean(),
  quietHours: quietHoursSchema,
});
export type SchedulerState = z.infer<typeof schedulerStateSchema>;

export const SNOOZE_CHOICES: readonly SnoozeChoice[] = ['5m', '15m', '60m', 'tomorrow9'];
/** Action buttons, in order: the four snoozes, then Done. */
export const ACTION_LABELS = ['Snooze 5 min', 'Snooze 15 min', 'Snooze 1 hour', 'Tomorrow 9:00', 'Done'] as const;
const DONE_ACTION_INDEX = 4;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface SchedulerOptions {
  clock: Clock;
  notifier: Notifier;
  storage: SchedulerStorage;
  /** The rep opened a reminder (click) or pressed Done on it. */
  onOpen(lid: string, action: 'open' | 'done'): void;
  /** Several reminders were summarised into one notice; the app lists them. */
  onMissed(lids: string[]): void;
  /** The summary notice was clicked. */
  onSummaryClicked?(lids: string[]): void;
  /**
   * A due reminder the OS did not show: the app's reminder centre shows it instead (then
   * reminderAction answers). Without this, such a reminder is not marked delivered.
   */
  onUnshown?(key: string, item: ReminderItem): void;
  /** IANA zone for quiet hours, "tomorrow 9:00" and displayed times; a function follows a rep who travels. */
  timeZone: string | (() => string);
  locale?: string;
  supportsActions: boolean;
  missedAfterMs?: number;
  /** More triggers than this due in one tick become one summary too. */
  maxBurst?: number;
}

interface Trigger {
  key: string;
  item: ReminderItem;
  dueMs: number;
}

export function reminderKey(item: Pick<ReminderItem, 'lid' | 'reminder_at'>): string {
  return `${item.lid}|${new Date(item.reminder_at).toISOString()}`;
}

function snoozeKey(key: string, until: number): string {
  return `${key}|snooze@${until}`;
}

function emptyState(): SchedulerState {
  return { version: 1, items: [], seen: {}, fired: {}, deferred: {}, snoozes: [], paused: false, quietHours: null };
}

export class ReminderScheduler {
  private state: SchedulerState;
  private readonly missedAfterMs: number;
  private readonly maxBurst: number;

  constructor(private readonly opts: SchedulerOptions) {
    this.state = opts.storage.read() ?? emptyState();
    this.missedAfterMs = opts.missedAfterMs ?? 5 * MINUTE;
    this.maxBurst = opts.maxBurst ?? 3;
  }

  /** Replaces the upcoming reminders (the renderer sends the full list whenever it changes). */
  setItems(items: ReminderItem[]): void {
    const now = this.opts.clock.now();
    const keys = new Set(items.map(reminderKey));
    for (const key of keys) this.state.seen[key] ??= now;
    // Forget bookkeeping of reminders that are gone (completed, moved) once it cannot matter.
    const keep = (k: string, at: number): boolean => keys.has(baseKeyOf(k)) || now - at < 2 * DAY;
    this.state.seen = filterRecord(this.state.seen, keep);
    this.state.fired = filterRecord(this.state.fired, keep);
    this.state.deferred = filterRecord(this.state.deferred, (k) => keys.has(baseKeyOf(k)));
    this.state.snoozes = this.state.snoozes.filter((s) => keys.has(s.key));
    this.state.items = items;
    this.save();
  }

  setPaused(paused: boolean): void {
    this.state.paused = paused;
    this.save();
  }

  isPaused(): boolean {
    return this.state.paused;
  }

  setQuietHours(q: QuietHours): void {
    this.state.quietHours = q && q.start !== q.end ? q : null;
    this.save();
  }

  /** A copy of the persisted state, for diagnostics and tests. */
  snapshot(): SchedulerState {
    return structuredClone(this.state);
  }

  /** Checks the wall clock and shows whatever is due. Safe to call at any rate. */
  tick(): void {
    const now = this.opts.clock.now();
    if (this.state.paused) return;
    const firedBefore = Object.keys(this.state.fired).length;
    const due = this.dueTriggers(now);
    if (due.length === 0) {
      if (Object.keys(this.state.fired).length !== firedBefore) this.save();
      return;
    }

    if (this.inQuietHours(now)) {
      // Only what comes due now is deferred; what was already missed (asleep before the quiet
      // period) stays missed and joins the summary when quiet hours end.
      const end = this.quietEndAfter(now);
      for (const t of due) if (now - t.dueMs <= this.missedAfterMs) this.state.deferred[t.key] ??= end;
      this.save();
      return;
    }

    const onTime: Trigger[] = [];
    const late: Trigger[] = [];
    for (const t of due) {
      const effectiveDue = this.state.deferred[t.key] ?? t.dueMs;
      (now - effectiveDue > this.missedAfterMs ? late : onTime).push(t);
    }
    // A pile-up (many due in the same minute, or a quiet period ending) is summarised too.
    if (onTime.length > this.maxBurst) late.push(...onTime.splice(0));

    for (const t of [...onTime, ...late]) {
      this.state.fired[t.key] = now;
      delete this.state.deferred[t.key];
    }
    this.state.snoozes = this.state.snoozes.filter((s) => !(snoozeKey(s.key, s.until) in this.state.fired));
    this.save();

    // Delivered means shown somewhere: one the OS did not show goes to the app's reminder centre,
    // and when there is none to take it, it stays due for the next tick.
    let unshown = false;
    for (const t of onTime) {
      if (this.showReminder(t) !== false) continue;
      if (this.opts.onUnshown) this.opts.onUnshown(t.key, t.item);
      else { delete this.state.fired[t.key]; unshown = true; }
    }
    if (unshown) this.save();
    if (late.length > 0) this.showSummary(late);
  }

  /** The rep acted on a reminder in the app's reminder centre (key = the trigger key it was sent with). */
  reminderAction(key: string, action: SnoozeChoice | 'done' | 'dismiss'): void {
    const base = baseKeyOf(key);
    if (action === 'done' || action === 'dismiss') {
      this.state.snoozes = this.state.snoozes.filter((s) => s.key !== base);
      this.save();
      return;
    }
    this.snooze(base, action);
  }

  snooze(key: string, choice: SnoozeChoice): void {
    const now = this.opts.clock.now();
    const until = this.snoozeUntil(now, choice);
    this.state.snoozes = this.state.snoozes.filter((s) => s.key !== key);
    this.state.snoozes.push({ key, until });
    this.save();
  }

  snoozeUntil(now: number, choice: SnoozeChoice): number {
    return snoozeUntil(now, choice, this.zone());
  }

  private dueTriggers(now: number): Trigger[] {
    const byKey = new Map(this.state.items.map((item) => [reminderKey(item), item] as const));
    const due: Trigger[] = [];
    for (const [key, item] of byKey) {
      if (key in this.state.fired) continue;
      const dueMs = Date.parse(item.reminder_at);
      if (dueMs > now) continue;
      const seenAt = this.state.seen[key] ?? now;
      if (seenAt - dueMs > this.missedAfterMs) {
        // Learnt of it long after its time (e.g. first sync of old activities): the overdue
        // queue covers those; a notice now would only be noise.
        this.state.fired[key] = now;
        continue;
      }
      due.push({ key, item, dueMs });
    }
    for (const s of this.state.snoozes) {
      const item = byKey.get(s.key);
      const key = snoozeKey(s.key, s.until);
      if (!item || key in this.state.fired || s.until > now) continue;
      due.push({ key, item, dueMs: s.until });
    }
    return due.sort((a, b) => a.dueMs - b.dueMs);
  }

  private showReminder(t: Trigger): boolean | void {
    const baseKey = baseKeyOf(t.key);
    return this.opts.notifier.show(
      {
        id: t.key,
        title: t.item.subject.trim() || 'Reminder',
        body: this.describe(t.item),
        actions: this.opts.supportsActions ? ACTION_LABELS : [],
      },
      {
        click: () => this.opts.onOpen(t.item.lid, 'open'),
        action: (index) => {
          if (index === DONE_ACTION_INDEX) {
            this.state.snoozes = this.state.snoozes.filter((s) => s.key !== baseKey);
            this.save();
            this.opts.onOpen(t.item.lid, 'done');
            return;
          }
          const choice = SNOOZE_CHOICES[index];
          if (choice) this.snooze(baseKey, choice);
        },
      },
    );
  }

  private showSummary(triggers: Trigger[]): void {
    const lids = [...new Set(triggers.map((t) => t.item.lid))];
    const subjects = triggers.slice(0, 4).map((t) => `• ${t.item.subject.trim() || 'Reminder'}`);
    if (triggers.length > 4) subjects.push(`…and ${triggers.length - 4} more`);
    this.opts.notifier.show(
      {
        id: `summary|${this.opts.clock.now()}`,
        title: `While you were away: ${lids.length} reminder${lids.length === 1 ? '' : 's'}`,
        body: subjects.join('\n'),
        actions: [],
      },
      { click: () => this.opts.onSummaryClicked?.(lids), action: () => {} },
    );
    this.opts.onMissed(lids);
  }

  /** Related entity, time, and where or how to reach them: what the rep needs at a glance. */
  private describe(item: ReminderItem): string {
    const type = item.type.replace(/_/g, ' ');
    const lines = [[type.charAt(0).toUpperCase() + type.slice(1), item.entity_name].filter(Boolean).join(' · ')];
    const at = item.due_at ?? item.reminder_at;
    let when = `${item.due_at ? 'Due' : 'At'} ${this.formatTime(at, this.zone())}`;
    const tz = item.customer_time_zone;
    if (tz && tz !== this.zone() && isValidZone(tz)) when += ` (${this.formatTime(at, tz, false)} customer time)`;
    lines.push(when);
    if (item.location) lines.push(item.location);
    if (item.phone) lines.push(item.phone);
    return lines.join('\n');
  }

  private formatTime(iso: string, timeZone: string, withDay = true): string {
    const fmt = new Intl.DateTimeFormat(this.opts.locale, {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      ...(withDay ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
    });
    return fmt.format(new Date(iso));
  }

  private inQuietHours(ms: number): boolean {
    const q = this.state.quietHours;
    if (!q) return false;
    const local = new TZDate(ms, this.zone());
    const m = local.getHours() * 60 + local.getMinutes();
    const start = toMinutes(q.start);
    const end = toMinutes(q.end);
    return start < end ? m >= start && m < end : m >= start || m < end;
  }

  /** The next end of quiet hours after `ms`, in the rep's zone (DST-aware). */
  private quietEndAfter(ms: number): number {
    const q = this.state.quietHours;
    if (!q) return ms;
    const end = toMinutes(q.end);
    const local = new TZDate(ms, this.zone());
    local.setHours(Math.floor(end / 60), end % 60, 0, 0);
    return local.getTime() > ms ? local.getTime() : addDays(local, 1).getTime();
  }

  private zone(): string {
    const tz = this.opts.timeZone;
    return typeof tz === 'function' ? tz() : tz;
  }

  private save(): void {
    this.opts.storage.write(this.state);
  }
}

function baseKeyOf(key: string): string {
  const i = key.indexOf('|snooze@');
  return i === -1 ? key : key.slice(0, i);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function isValidZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function filterRecord(rec: Record<string, number>, keep: (key: string, value: number) => boolean): Record<string, number> {
  return Object.fromEntries(Object.entries(rec).filter(([k, v]) => keep(k, v)));
}
