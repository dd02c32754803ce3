/**
 * Web platform: reminders fire once each (also across a "reload" via the fired log), never in
 * quiet hours, reminders missed while closed are summarised; online/offline become events;
 * the token stays in memory.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReminderItem } from '#shared/ipc/platform';
import { createWebPlatform, inQuietHours, type WebPlatform } from './web.ts';

class FakeNotification {
  static permission = 'granted';
  static shown: { title: string; tag?: string | undefined }[] = [];
  onclick: (() => void) | null = null;
  constructor(readonly title: string, opts: { body?: string; tag?: string }) {
    FakeNotification.shown.push({ title, tag: opts.tag });
  }
  close() {}
}

const win = Object.assign(new EventTarget(), { focus: vi.fn() });
const doc = Object.assign(new EventTarget(), { visibilityState: 'visible', title: '' });

beforeEach(() => {
  vi.stubGlobal('window', win);
  vi.stubGlobal('document', doc);
  vi.stubGlobal('Notification', FakeNotification);
  FakeNotification.shown = [];
});

let platform: WebPlatform | undefined;
afterEach(() => {
  platform?.dispose();
  platform = undefined;
  vi.unstubAllGlobals();
});

const T0 = Date.parse('2025-12-20T14:00:00Z');
function item(lid: string, reminderAt: string): ReminderItem {
  return { lid, subject: `Call ${lid}`, reminder_at: reminderAt, due_at: reminderAt, type: 'call', entity_name: 'Acme', location: null, phone: null };
}

describe('web platform reminders', () => {
  it('fires a due reminder once, not again on later passes', async () => {
    let now = T0;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
    await platform.setReminders([item('a', '2025-12-20T14:05:00Z')]);
    expect(FakeNotification.shown).toEqual([]);
    now = T0 + 5 * 60_000;
    await platform.checkReminders();
    await platform.checkReminders();
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['Call a']);
    // The same activity with a new reminder time is a new reminder.
    await platform.setReminders([item('a', '2025-12-20T14:06:00Z')]);
    now += 60_000;
    await platform.checkReminders();
    expect(FakeNotification.shown.map((n) => n.tag)).toEqual(['a|2025-12-20T14:05:00Z', 'a|2025-12-20T14:06:00Z']);
  });

  it('remembers fired reminders through the fired log (a reload does not fire them again)', async () => {
    const log = new Map<string, string>();
    const firedLog = { has: (k: string) => Promise.resolve(log.has(k)), add: (k: string, lid: string) => { log.set(k, lid); return Promise.resolve(); } };
    const now = T0 + 60_000;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9, firedLog });
    await platform.setReminders([item('a', '2025-12-20T14:01:00Z')]);
    platform.dispose();
    expect(FakeNotification.shown).toHaveLength(1);
    platform = createWebPlatform({ now: () => now, tickMs: 1e9, firedLog });
    await platform.setReminders([item('a', '2025-12-20T14:01:00Z')]);
    expect(FakeNotification.shown).toHaveLength(1);
  });

  it('holds reminders during quiet hours and shows them after', async () => {
    // Quiet hours are read in local time; pick them around the local hour of T0.
    const local = new Date(T0);
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const quiet = { start: hh(local.getHours()), end: hh(local.getHours() + 1) };
    let now = T0 + 60_000;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
    await platform.setQuietHours(quiet);
    expect(inQuietHours(quiet, now)).toBe(true);
    await platform.setReminders([item('a', new Date(T0 + 30_000).toISOString())]);
    expect(FakeNotification.shown).toEqual([]);
    now = T0 + 61 * 60_000;
    await platform.checkReminders();
    expect(FakeNotification.shown).toHaveLength(1);
  });

  it('summarises reminders that came due before it started instead of popping each', async () => {
    const now = T0;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
    const missed = vi.fn();
    platform.on('remindersMissed', missed);
    await platform.setReminders([item('old1', '2025-12-20T10:00:00Z'), item('old2', '2025-12-20T11:00:00Z')]);
    expect(FakeNotification.shown).toEqual([]);
    expect(missed).toHaveBeenCalledWith({ lids: ['old1', 'old2'] });
  });

  it('opens the activity when a notification is clicked', async () => {
    const now = T0;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
    const clicked = vi.fn();
    platform.on('reminderClicked', clicked);
    const instances: FakeNotification[] = [];
    vi.stubGlobal('Notification', class extends FakeNotification {
      constructor(t: string, o: { tag?: string }) { super(t, o); instances.push(this); }
    });
    await platform.checkReminders(); // first pass done: later reminders pop rather than summarise
    await platform.setReminders([item('a', new Date(T0).toISOString())]);
    instances[0]?.onclick?.();
    expect(clicked).toHaveBeenCalledWith({ lid: 'a', action: 'open' });
  });
});

describe('web platform session and connectivity', () => {
  it('keeps the token in memory and sends it as a bearer token', async () => {
    const seen: { path: string; getToken: () => string | null }[] = [];
    platform = createWebPlatform({
      tickMs: 1e9,
      makeTransport: ({ getToken }) => ({
        request: (req) => {
          seen.push({ path: req.path, getToken: getToken });
          return Promise.resolve({ status: 200, headers: {}, body: '{}' });
        },
      }),
    });
    await expect(platform.transport.request({ method: 'GET', path: '/x' })).rejects.toThrow(/Not signed in/);
    await platform.signIn('http://127.0.0.1:4010/', 'secret');
    expect(await platform.session()).toEqual({ baseUrl: 'http://127.0.0.1:4010', signedIn: true });
    await platform.transport.request({ method: 'GET', path: '/x' });
    expect(seen[0]?.getToken()).toBe('secret');
    await platform.signOut();
    expect(await platform.session()).toEqual({ baseUrl: '', signedIn: false });
  });

  it('turns window online/offline events into platform events', () => {
    platform = createWebPlatform({ tickMs: 1e9 });
    const events: boolean[] = [];
    const off = platform.on('online', ({ online }) => events.push(online));
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(new Event('online'));
    off();
    win.dispatchEvent(new Event('offline'));
    expect(events).toEqual([false, true]);
  });
});

describe('web platform: delivered only once shown somewhere (the reminder centre)', () => {
  it('without notification permission and no reminder centre yet, a due reminder waits; the centre then gets it once', async () => {
    FakeNotification.permission = 'denied';
    try {
      let now = T0;
      platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
      await platform.checkReminders();
      now = T0 + 60_000;
      await platform.setReminders([item('a', new Date(T0 + 30_000).toISOString())]);
      expect(FakeNotification.shown).toEqual([]);
      const due = vi.fn();
      platform.on('reminderDue', due);
      await platform.checkReminders();
      await platform.checkReminders();
      expect(due).toHaveBeenCalledTimes(1);
      expect(due.mock.calls[0]?.[0]).toMatchObject({ key: `a|${new Date(T0 + 30_000).toISOString()}`, reminder: { lid: 'a', subject: 'Call a' } });
    } finally {
      FakeNotification.permission = 'granted';
    }
  });

  it('a snooze chosen in the centre brings the reminder back at its time; Done ends it', async () => {
    let now = T0;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
    const due: string[] = [];
    platform.on('reminderDue', ({ key }) => due.push(key));
    await platform.checkReminders();
    await platform.setReminders([item('a', new Date(T0).toISOString())]);
    expect(due).toHaveLength(1);
    await platform.reminderAction?.(due[0] ?? '', '5m');
    now = T0 + 4 * 60_000;
    await platform.checkReminders();
    expect(due).toHaveLength(1);
    now = T0 + 5 * 60_000;
    await platform.checkReminders();
    expect(due).toHaveLength(2);
    expect(due[1]).toMatch(/\|snooze@/);
    await platform.reminderAction?.(due[1] ?? '', '5m');
    await platform.reminderAction?.(due[1] ?? '', 'done');
    now = T0 + 20 * 60_000;
    await platform.checkReminders();
    expect(due).toHaveLength(2);
  });

  it('remembers the CRM address for the next sign-in form (never the token)', async () => {
    const stored = new Map<string, string>();
    const addressStore = { get: () => stored.get('a') ?? null, set: (u: string) => { stored.set('a', u); } };
    platform = createWebPlatform({ tickMs: 1e9, addressStore });
    await platform.signIn('https://crm.example.com/', 'secret');
    platform.dispose();
    platform = createWebPlatform({ tickMs: 1e9, addressStore });
    expect(await platform.session()).toEqual({ baseUrl: 'https://crm.example.com', signedIn: false });
    expect([...stored.values()].join()).not.toContain('secret');
  });
});

describe('web platform: reminders learnt long after their time', () => {
  it('are not shown (the first sync of old activities); one learnt on time is', async () => {
    let now = T0;
    platform = createWebPlatform({ now: () => now, tickMs: 1e9 });
    const due = vi.fn();
    platform.on('reminderDue', due);
    await platform.checkReminders();
    now = T0 + 60 * 60_000;
    await platform.setReminders([item('old', new Date(T0 + 10 * 60_000).toISOString()), item('fresh', new Date(now - 30_000).toISOString())]);
    expect(due.mock.calls.map((c) => (c[0] as { reminder: { lid: string } }).reminder.lid)).toEqual(['fresh']);
  });
});
