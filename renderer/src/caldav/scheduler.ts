/**
 * When the calendar syncs (issue #14): after each CRM sync and each local change (seen in the CRM
 * engine's status: a new lastSyncedAt or a changed pending count), when the window is shown,
 * when the browser comes back online, and on a slow poll (an idle poll is one getctag request).
 * Triggers close together make one run; a trigger during a run makes one more run after it.
 */
export interface SchedulerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CrmStatusLike {
  lastSyncedAt: number | null;
  pending: number;
}

export interface CalendarSchedulerOptions {
  /** One calendar sync; its failure is the engine's to report (status), never thrown here. */
  sync: () => Promise<unknown>;
  /** The CRM engine's status feed, when signed in. */
  crm?: { subscribe(listener: (s: CrmStatusLike) => void): () => void } | null;
  /** Subscribes to "the window became visible" and "back online"; returns the unsubscribe. */
  wake?: (listener: () => void) => () => void;
  pollMs?: number;
  debounceMs?: number;
  timers?: SchedulerTimers;
}

export const POLL_MS = 5 * 60_000;
export const DEBOUNCE_MS = 1_500;

export interface CalendarScheduler {
  /** Asks for a run soon (coalesced with any other ask). */
  request(): void;
  stop(): void;
}

export function startCalendarScheduler(opts: CalendarSchedulerOptions): CalendarScheduler {
  const timers: SchedulerTimers = opts.timers ?? { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>) };
  const pollMs = opts.pollMs ?? POLL_MS;
  const debounceMs = opts.debounceMs ?? DEBOUNCE_MS;
  let stopped = false;
  let running = false;
  let again = false;
  let soon: unknown = null;
  let poll: unknown = null;

  function armPoll(): void {
    if (poll !== null) timers.clearTimeout(poll);
    poll = timers.setTimeout(() => {
      poll = null;
      request();
    }, pollMs);
  }

  async function run(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await opts.sync().catch(() => undefined);
    } finally {
      running = false;
      armPoll();
      if (again && !stopped) {
        again = false;
        request();
      }
    }
  }

  function request(): void {
    if (stopped) return;
    if (soon !== null) timers.clearTimeout(soon);
    soon = timers.setTimeout(() => {
      soon = null;
      void run();
    }, debounceMs);
  }

  let last: CrmStatusLike | null = null;
  const offCrm = opts.crm?.subscribe((s) => {
    const changed = !last || s.lastSyncedAt !== last.lastSyncedAt || s.pending !== last.pending;
    last = { lastSyncedAt: s.lastSyncedAt, pending: s.pending };
    if (changed) request();
  });
  const offWake = opts.wake?.(request);
  // The first run at once: the account was just connected, or the app just opened.
  request();

  return {
    request,
    stop() {
      stopped = true;
      offCrm?.();
      offWake?.();
      if (soon !== null) timers.clearTimeout(soon);
      if (poll !== null) timers.clearTimeout(poll);
    },
  };
}
