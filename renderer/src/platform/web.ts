/**
 * Web mode: the Platform port over window.fetch, Web Notifications and an in-memory token.
 * The token is never written to storage: a reload asks for it again (ARCHITECTURE "web mode").
 */
import type { Platform, PlatformEvents, ReminderItem, Transport } from '#shared/ipc/platform';
import { TransportError } from '#shared/ipc/platform';
import { dueTimeLabel } from '#shared/domain/index';
import { createFetchTransport } from '#shared/api/fetch-transport';
import { crmAddressProblem, tokenProblem } from '#shared/ipc/contract';
import type { DurableStorage } from '#shared/ipc/platform';
import { requestDurableStorage } from './durable-storage.ts';

type Listener<K extends keyof PlatformEvents> = (payload: PlatformEvents[K]) => void;
type ListenerMap = { [K in keyof PlatformEvents]: Set<Listener<K>> };

export interface WebPlatformOptions {
  /** Builds the HTTP transport once the address and token are known. */
  makeTransport?: (opts: { baseUrl: string; getToken: () => string | null }) => Transport;
  /** Where fired reminders are remembered so a reload does not fire them again. */
  firedLog?: { has(key: string): Promise<boolean>; add(key: string, lid: string): Promise<void> };
  /** Wall clock, injectable for tests. */
  now?: () => number;
  /** How often the reminder scheduler looks at the clock. */
  tickMs?: number;
  /** Asks for persistent storage once, at creation (navigator.storage.persist() unless a test says otherwise). */
  requestDurableStorage?: () => Promise<DurableStorage>;
}

export interface WebPlatform extends Platform {
  /** Stops the reminder timer and the online/offline listeners. */
  dispose(): void;
  /** Runs one scheduler pass now (the timer calls it every tickMs). */
  checkReminders(): Promise<void>;
}

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `ms` falls inside quiet hours (which may wrap past midnight). */
export function inQuietHours(q: { start: string; end: string } | null, ms: number): boolean {
  if (!q) return false;
  const d = new Date(ms);
  const t = d.getHours() * 60 + d.getMinutes();
  const s = minutesOfDay(q.start);
  const e = minutesOfDay(q.end);
  return s <= e ? t >= s && t < e : t >= s || t < e;
}

export function createWebPlatform(opts: WebPlatformOptions = {}): WebPlatform {
  const now = opts.now ?? (() => Date.now());
  let baseUrl = '';
  let token: string | null = null;
  let reminders: ReminderItem[] = [];
  let quiet: { start: string; end: string } | null = null;
  const fired = new Set<string>();
  const startedAt = now();
  let firstPass = true;

  const listeners: ListenerMap = {
    reminderClicked: new Set(), remindersMissed: new Set(), resumed: new Set(), online: new Set(), syncNow: new Set(),
  };
  function emit<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
    for (const l of listeners[event]) l(payload);
  }

  const getToken = () => token;
  const makeTransport = opts.makeTransport ?? createFetchTransport;
  let made: Transport | null = null;
  const transport: Transport = {
    request(req) {
      if (!baseUrl) return Promise.reject(new TransportError('network', 'Not signed in: enter the CRM address in Settings.'));
      made ??= makeTransport({ baseUrl, getToken });
      return made.request(req);
    },
  };

  const onOnline = () => emit('online', { online: true });
  const onOffline = () => emit('online', { online: false });
  const onVisible = () => { if (document.visibilityState === 'visible') emit('resumed', {}); };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);

  async function alreadyFired(key: string): Promise<boolean> {
    if (fired.has(key)) return true;
    if (opts.firedLog && (await opts.firedLog.has(key))) {
      fired.add(key);
      return true;
    }
    return false;
  }

  async function markFired(key: string, lid: string): Promise<void> {
    fired.add(key);
    await opts.firedLog?.add(key, lid);
  }

  function show(item: ReminderItem): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    // Issue 7: the customer's local time beside the rep's when their zone is known.
    const when = item.due_at ? dueTimeLabel(item.due_at, Intl.DateTimeFormat().resolvedOptions().timeZone, item.customer_time_zone) : '';
    const body = [when && `Due ${when}`, item.entity_name, item.location, item.phone].filter(Boolean).join(' · ');
    const n = new Notification(item.subject, { body, tag: `${item.lid}|${item.reminder_at}` });
    n.onclick = () => {
      window.focus();
      emit('reminderClicked', { lid: item.lid, action: 'open' });
      n.close();
    };
  }

  async function checkReminders(): Promise<void> {
    const t = now();
    if (inQuietHours(quiet, t)) return;
    const missed: string[] = [];
    for (const item of reminders) {
      const at = Date.parse(item.reminder_at);
      if (!(at <= t)) continue;
      const key = `${item.lid}|${item.reminder_at}`;
      if (await alreadyFired(key)) continue;
      await markFired(key, item.lid);
      // Reminders that came due while the app was closed are summarised once, not popped one by one.
      if (firstPass && at < startedAt - 60_000) missed.push(item.lid);
      else show(item);
    }
    firstPass = false;
    if (missed.length) emit('remindersMissed', { lids: missed });
  }

  const timer = setInterval(() => { void checkReminders(); }, opts.tickMs ?? 15_000);
  // At start, before the rep has unsynced work to lose (the Sync view says when it was refused).
  const durable = (opts.requestDurableStorage ?? requestDurableStorage)();

  return {
    kind: 'web',
    transport,
    durableStorage: () => durable,
    signIn(url, tok) {
      // The same checks as main's IPC validation: a token that cannot travel in a header is never kept.
      const problem = crmAddressProblem(url) ?? tokenProblem(tok);
      if (problem) return Promise.reject(new Error(problem));
      baseUrl = url.replace(/\/+$/, '');
      token = tok;
      made = null;
      return Promise.resolve();
    },
    signOut() {
      token = null;
      baseUrl = '';
      made = null;
      return Promise.resolve();
    },
    session() {
      return Promise.resolve({ baseUrl, signedIn: !!token && !!baseUrl });
    },
    async setReminders(items) {
      reminders = items;
      await checkReminders();
    },
    setQuietHours(q) {
      quiet = q;
      return Promise.resolve();
    },
    setCounts(c) {
      document.title = c.overdue > 0 ? `(${c.overdue} overdue) Fieldbook` : 'Fieldbook';
      return Promise.resolve();
    },
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => { set.delete(listener); };
    },
    exportLogs() {
      return Promise.resolve(null);
    },
    dispose() {
      clearInterval(timer);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
    },
    checkReminders,
  };
}
