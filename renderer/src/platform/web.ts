/**
 * Web mode: the Platform port over window.fetch, Web Notifications and an in-memory token.
 * The token is never written to storage: a reload asks for it again (docs/architecture.md, "Processes": web mode).
 * The CRM address is remembered (localStorage), so the sign-in form after a reload has it.
 *
 * Reminders: each due one goes to the app's reminder centre (the reminderDue event) and, where
 * the browser allows notifications, to a Web Notification as well. It counts as delivered (fired)
 * only once one of the two took it; otherwise the next pass tries again.
 */
import type { Platform, PlatformEvents, ReminderAction, ReminderItem, Transport } from '#shared/ipc/platform';
import { TransportError } from '#shared/ipc/platform';
import { dueTimeLabel, snoozeUntil } from '#shared/domain/index';
import { createFetchTransport } from '#shared/api/index';
import { crmAddressProblem, tokenProblem } from '#shared/ipc/contract';
import type { DurableStorage } from '#shared/ipc/platform';
import { requestDurableStorage } from './durable-storage.ts';
import { createWebCalDav } from './caldav-web.ts';

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
  /** Where the CRM address is remembered across reloads (localStorage unless a test says otherwise). */
  addressStore?: { get(): string | null; set(url: string): void };
}

export const ADDRESS_KEY = 'fieldbook.crm_address';

function localAddressStore(): NonNullable<WebPlatformOptions['addressStore']> {
  return {
    get() {
      try {
        return localStorage.getItem(ADDRESS_KEY);
      } catch {
        return null;
      }
    },
    set(url) {
      try {
        localStorage.setItem(ADDRESS_KEY, url);
      } catch {
        // Storage refused (private mode): the form just starts from the default address.
      }
    },
  };
}

const MINUTE = 60_000;
/** A reminder first known more than this after its time is not shown (the desktop's missedAfterMs). */
const STALE_AFTER_MS = 5 * MINUTE;

function baseKeyOf(key: string): string {
  const i = key.indexOf('|snooze@');
  return i === -1 ? key : key.slice(0, i);
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
  const addresses = opts.addressStore ?? localAddressStore();
  let baseUrl = '';
  let token: string | null = null;
  /** Snoozed reminders: base trigger key → when it comes back. */
  const snoozes = new Map<string, number>();
  /** When each reminder was first known here: one learnt long after its time is stale, not due. */
  const seen = new Map<string, number>();
  let reminders: ReminderItem[] = [];
  let quiet: { start: string; end: string } | null = null;
  const fired = new Set<string>();
  const startedAt = now();
  let firstPass = true;

  const listeners: ListenerMap = {
    reminderClicked: new Set(), remindersMissed: new Set(), resumed: new Set(), online: new Set(), syncNow: new Set(), reminderDue: new Set(),
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

  /** A Web Notification, where the browser allows them; true when one was shown. */
  function showNotification(item: ReminderItem, key: string): boolean {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
    try {
      // Issue 7: the customer's local time beside the rep's when their zone is known.
      const when = item.due_at ? dueTimeLabel(item.due_at, Intl.DateTimeFormat().resolvedOptions().timeZone, item.customer_time_zone) : '';
      const body = [when && `Due ${when}`, item.entity_name, item.location, item.phone].filter(Boolean).join(' · ');
      const n = new Notification(item.subject, { body, tag: key });
      n.onclick = () => {
        window.focus();
        emit('reminderClicked', { lid: item.lid, action: 'open' });
        n.close();
      };
      return true;
    } catch {
      // Some browsers (Chrome on Android) refuse `new Notification` outright.
      return false;
    }
  }

  /** Shows a due reminder wherever it can be seen; true when somewhere took it. */
  function deliver(item: ReminderItem, key: string): boolean {
    const inApp = listeners.reminderDue.size > 0;
    if (inApp) emit('reminderDue', { key, reminder: item });
    const os = showNotification(item, key);
    return inApp || os;
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
      const seenAt = seen.get(key) ?? t;
      // Reminders that came due while the app was closed are summarised once, not popped one by one.
      if (firstPass && at < startedAt - 60_000) {
        if (listeners.remindersMissed.size === 0) continue;
        missed.push(item.lid);
        await markFired(key, item.lid);
      } else if (seenAt - at > STALE_AFTER_MS) {
        // Learnt of it long after its time (the first sync of old activities): the overdue queue
        // covers those, as on the desktop; a notice now would only be noise.
        await markFired(key, item.lid);
      } else if (deliver(item, key)) {
        await markFired(key, item.lid);
      }
    }
    for (const [base, until] of snoozes) {
      if (until > t) continue;
      const item = reminders.find((r) => `${r.lid}|${r.reminder_at}` === base);
      if (!item) {
        snoozes.delete(base);
        continue;
      }
      if (deliver(item, `${base}|snooze@${until}`)) snoozes.delete(base);
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
    caldav: createWebCalDav(),
    durableStorage: () => durable,
    signIn(url, tok) {
      // The same checks as main's IPC validation: a token that cannot travel in a header is never kept.
      const problem = crmAddressProblem(url) ?? tokenProblem(tok);
      if (problem) return Promise.reject(new Error(problem));
      baseUrl = url.replace(/\/+$/, '');
      token = tok;
      made = null;
      addresses.set(baseUrl);
      return Promise.resolve();
    },
    signOut() {
      token = null;
      baseUrl = '';
      made = null;
      return Promise.resolve();
    },
    session() {
      // Signed out, the remembered address still comes back (for the sign-in form).
      return Promise.resolve({ baseUrl: baseUrl || (addresses.get() ?? ''), signedIn: !!token && !!baseUrl });
    },
    reminderAction(key: string, action: ReminderAction) {
      const base = baseKeyOf(key);
      if (action === 'done' || action === 'dismiss') snoozes.delete(base);
      else snoozes.set(base, snoozeUntil(now(), action, Intl.DateTimeFormat().resolvedOptions().timeZone));
      return Promise.resolve();
    },
    async setReminders(items) {
      const t = now();
      for (const r of items) {
        const key = `${r.lid}|${r.reminder_at}`;
        if (!seen.has(key)) seen.set(key, t);
      }
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
