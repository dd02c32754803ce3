/** Issue 7: web-mode reminder notifications show the customer's local time beside the rep's. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReminderItem } from '#shared/ipc/platform';
import { createWebPlatform, type WebPlatform } from '../../platform/web.ts';

const shown: { title: string; body: string }[] = [];
class FakeNotification {
  static permission = 'granted';
  onclick: (() => void) | null = null;
  constructor(readonly title: string, opts: { body?: string }) {
    shown.push({ title, body: opts.body ?? '' });
  }
  close() {}
}

let platform: WebPlatform | undefined;
beforeEach(() => {
  vi.stubGlobal('window', Object.assign(new EventTarget(), { focus: vi.fn() }));
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible', title: '' }));
  vi.stubGlobal('Notification', FakeNotification);
  shown.length = 0;
});
afterEach(() => {
  platform?.dispose();
  vi.unstubAllGlobals();
});

const item = (zone: string | null): ReminderItem => ({
  lid: `a-${zone ?? 'none'}`, subject: 'Call Globex', reminder_at: '2025-12-18T08:45:00Z', due_at: '2025-12-18T09:00:00Z',
  type: 'call', entity_name: 'Globex', location: null, phone: null, customer_time_zone: zone,
});

describe('reminder text', () => {
  it('adds the customer\'s local time when their zone differs, and nothing when unknown', async () => {
    const repZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    platform = createWebPlatform({ now: () => Date.parse('2025-12-18T08:46:00Z'), tickMs: 1e9 });
    // A zone surely different from the machine's (and 12 h from UTC, so never the same clock).
    const far = repZone === 'Pacific/Auckland' ? 'Pacific/Honolulu' : 'Pacific/Auckland';
    await platform.setReminders([item(far), item(null)]);
    expect(shown).toHaveLength(2);
    expect(shown[0]?.body).toMatch(/^Due \w{3} \d{2}:\d{2} .* · Customer: \d{2}:\d{2} /);
    expect(shown[0]?.body).toContain('Globex');
    expect(shown[1]?.body).not.toContain('Customer:');
  });
});
