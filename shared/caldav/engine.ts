/**
 * The calendar sync engine (issue #14): one run at a time, each run (1) plans (plan.ts: the
 * activities that belong, diffed against what the calendar holds, by content hash), (2) pushes the
 * calendar outbox (push.ts, delivery.ts's rules; a 412 goes to the inbound side, never
 * overwritten), (3) pulls (pull.ts: getctag, sync-collection, multiget → inbound.ts's
 * applyRemoteChanges, which turns moves into the normal commands). A run asked for while one is
 * going shares the next one. The account is read at the start of each run (sync_meta
 * caldav.account), so a changed filter or done mode applies at once.
 */
import { ulid } from 'ulid';
import type { BackoffOptions } from '../sync/backoff.ts';
import { DEFAULT_BACKOFF } from '../sync/backoff.ts';
import type { Commands } from '../sync/commands.ts';
import type { Timers } from '../sync/context.ts';
import type { FieldbookDB } from '../sync/db.ts';
import { reclaimInflight } from '../sync/delivery.ts';
import { CalDavError, createCalDavClient, type CalendarObject, type DavTransport } from './client.ts';
import { applyRemoteChanges } from './inbound.ts';
import { DEFAULT_EVENT_MINUTES, type OutboundContext, type SeriesSource } from './outbound.ts';
import { calendarOutboxCounts } from './outbox.ts';
import { planCalendar } from './plan.ts';
import { pullCalendar } from './pull.ts';
import { pushCalendarOutbox, RunStop } from './push.ts';
import { readCalendarAccount, readCalendarState, updateCalendarState } from './settings.ts';
import type { CalendarSync, CalendarSyncReport, CalendarSyncStatus } from './types.ts';

export interface CalendarSyncOptions {
  db: FieldbookDB;
  /** Bound to the account's server; adds the credential itself (main does, in the desktop app). */
  transport: DavTransport;
  /** The normal commands: a move in the calendar becomes a reschedule that reaches the CRM once. */
  commands: Commands;
  /** The signed-in rep (the filter's 'mine'); a function when it may change. */
  currentUserId: string | null | (() => string | null);
  now?: () => number;
  random?: () => number;
  newId?: () => string;
  timers?: Timers;
  /** Recurring series written as one event (shared/ical/series.ts). */
  series?: SeriesSource;
  /** Keys sent at once. */
  concurrency?: number;
  maxAttempts?: number;
  leaseMs?: number;
  backoff?: BackoffOptions;
  /** notifyLocalChange waits this long for more changes before a run. */
  debounceMs?: number;
  requestTimeoutMs?: number;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => { clearTimeout(h as ReturnType<typeof setTimeout>); },
};

function emptyReport(): CalendarSyncReport {
  return { planned: 0, put: 0, deleted: 0, conflicts: 0, failed: 0, pulled: 0, removed: 0, requests: 0, error: null };
}

function plainError(e: unknown): string {
  if (e instanceof RunStop) return e.error.message;
  if (e instanceof CalDavError) return e.message;
  return `The calendar sync stopped: ${e instanceof Error ? e.message : String(e)}`;
}

export function createCalendarSync(opts: CalendarSyncOptions): CalendarSync {
  const { db, commands } = opts;
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? defaultTimers;
  const userId = typeof opts.currentUserId === 'function' ? opts.currentUserId : () => opts.currentUserId as string | null;
  let requests = 0;
  const transport: DavTransport = { request: (req) => { requests += 1; return opts.transport.request(req); } };
  const client = createCalDavClient(transport, { timeoutMs: opts.requestTimeoutMs });
  let status: CalendarSyncStatus = { syncing: false, lastSyncedAt: null, lastError: null, pending: 0, failed: 0 };
  const listeners = new Set<(s: CalendarSyncStatus) => void>();
  let running: Promise<CalendarSyncReport> | null = null;
  let queued: Promise<CalendarSyncReport> | null = null;
  let debounce: unknown = null;
  let stopped = false;

  const setStatus = (patch: Partial<CalendarSyncStatus>) => {
    status = { ...status, ...patch };
    for (const l of listeners) l(status);
  };

  async function refreshStatus(): Promise<void> {
    const [counts, state] = await Promise.all([calendarOutboxCounts(db), readCalendarState(db)]);
    setStatus({ ...counts, lastSyncedAt: state.lastSyncedAt, lastError: state.lastError });
  }

  const applyRemote = async (changes: { changed: CalendarObject[]; removed: string[] }) => {
    await applyRemoteChanges({ db, commands, now, newId: opts.newId ?? ulid, defaultDurationMinutes: DEFAULT_EVENT_MINUTES, series: opts.series }, changes);
  };

  async function planAndPush(ctx: OutboundContext, report: CalendarSyncReport): Promise<void> {
    report.planned += (await planCalendar(ctx)).planned;
    const pushed = await pushCalendarOutbox(ctx, {
      random: opts.random ?? Math.random, backoff: opts.backoff ?? DEFAULT_BACKOFF, maxAttempts: opts.maxAttempts ?? 8,
      leaseMs: opts.leaseMs ?? 60_000, concurrency: opts.concurrency ?? 4, alive: () => !stopped,
    });
    report.put += pushed.put;
    report.deleted += pushed.deleted;
    report.conflicts += pushed.conflicts;
    report.failed += pushed.failed;
  }

  async function runOnce(report: CalendarSyncReport): Promise<void> {
    const account = await readCalendarAccount(db);
    if (!account) throw new Error('No calendar account is connected.');
    const ctx: OutboundContext = { db, client, account, currentUserId: userId(), now, series: opts.series, onRemoteChange: applyRemote };
    await reclaimInflight(db.calendar_outbox, false, now());
    await planAndPush(ctx, report);
    if (stopped) return;
    const pulled = await pullCalendar({ db, client, account, onRemoteChange: applyRemote });
    report.pulled = pulled.pulled;
    report.removed = pulled.removed;
    // What a 412 or the pull turned into (a move taken, an event to put back) goes out in this run.
    if (!stopped && (report.conflicts || pulled.pulled || pulled.removed)) await planAndPush(ctx, report);
  }

  async function run(): Promise<CalendarSyncReport> {
    const report = emptyReport();
    const before = requests;
    setStatus({ syncing: true });
    try {
      await runOnce(report);
      await updateCalendarState(db, { lastSyncedAt: now(), lastError: null });
    } catch (e) {
      report.error = plainError(e);
      await updateCalendarState(db, { lastError: report.error }).catch(() => undefined);
    } finally {
      report.requests = requests - before;
      await refreshStatus().catch(() => undefined);
      setStatus({ syncing: false });
    }
    return report;
  }

  function sync(): Promise<CalendarSyncReport> {
    if (stopped) return Promise.resolve({ ...emptyReport(), error: 'The calendar sync is stopped.' });
    if (!running) {
      running = run().finally(() => { running = null; });
      return running;
    }
    // One waiting run for everything asked meanwhile.
    queued ??= running.then(() => { queued = null; return sync(); });
    return queued;
  }

  void refreshStatus().catch(() => undefined);

  return {
    sync,
    notifyLocalChange() {
      if (stopped) return;
      if (debounce !== null) timers.clearTimeout(debounce);
      debounce = timers.setTimeout(() => { debounce = null; void sync(); }, opts.debounceMs ?? 1_000);
    },
    getStatus: () => status,
    subscribe(fn) {
      listeners.add(fn);
      return () => { listeners.delete(fn); };
    },
    async stop() {
      stopped = true;
      if (debounce !== null) timers.clearTimeout(debounce);
      debounce = null;
      await queued?.catch(() => undefined);
      await running?.catch(() => undefined);
    },
  };
}
