import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReminderItem } from '#shared/ipc/platform';
import { jsonFile } from './json-file.ts';
import { ACTION_LABELS, ReminderScheduler, reminderKey, schedulerStateSchema } from './reminders.ts';
import type { NoticeHandlers, ReminderNotice, SchedulerOptions, SchedulerStorage } from './reminders.ts';

// The scheduler must not need Electron; if it ever imports it, this stub makes that visible.
vi.mock('electron', () => ({}));

const MIN = 60_000;
const ZONE = 'Europe/Berlin';

class FakeClock {
  constructor(public t: number) {}
  now = (): number => this.t;
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

class RecordingNotifier {
  shown: { notice: ReminderNotice; handlers: NoticeHandlers }[] = [];
  show = (notice: ReminderNotice, handlers: NoticeHandlers): void => {
    this.shown.push({ notice, handlers });
  };
  titles(): string[] {
    return this.shown.map((s) => s.notice.title);
  }
}

function item(lid: string, reminderAt: string, extra: Partial<ReminderItem> = {}): ReminderItem {
  return {
    lid,
    subject: `Call ${lid}`,
    reminder_at: reminderAt,
    due_at: null,
    type: 'call',
    entity_name: null,
    location: null,
    phone: null,
    ...extra,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-reminders-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fileStorage(): SchedulerStorage {
  return jsonFile(join(dir, 'reminders.json'), schedulerStateSchema);
}

function setup(clock: FakeClock, over: Partial<SchedulerOptions> = {}, storage = fileStorage()) {
  const notifier = new RecordingNotifier();
  const opened: { lid: string; action: 'open' | 'done' }[] = [];
  const missed: string[][] = [];
  const scheduler = new ReminderScheduler({
    clock,
    notifier,
    storage,
    timeZone: ZONE,
    locale: 'en-GB',
    supportsActions: true,
    onOpen: (lid, action) => opened.push({ lid, action }),
    onMissed: (lids) => missed.push(lids),
    ...over,
  });
  return { scheduler, notifier, opened, missed, storage };
}

describe('ReminderScheduler', () => {
  it('fires at the reminder time, not before, and never twice for the same (lid, reminder_at)', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier, opened } = setup(clock);
    const a = item('A', '2026-03-02T09:00:00Z');
    scheduler.setItems([a]);

    clock.set('2026-03-02T08:59:45Z');
    scheduler.tick();
    expect(notifier.shown).toHaveLength(0);

    clock.set('2026-03-02T09:00:05Z');
    scheduler.tick();
    expect(notifier.titles()).toEqual(['Call A']);

    // Further ticks, the renderer re-sending the same list, and a restart change nothing.
    for (let i = 0; i < 5; i++) {
      clock.advance(15_000);
      scheduler.setItems([a]);
      scheduler.tick();
    }
    const restarted = setup(clock);
    restarted.scheduler.setItems([a]);
    restarted.scheduler.tick();
    expect(notifier.shown).toHaveLength(1);
    expect(restarted.notifier.shown).toHaveLength(0);

    notifier.shown[0]?.handlers.click();
    expect(opened).toEqual([{ lid: 'A', action: 'open' }]);
  });

  it('fires again when the reminder moves to a new time', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier } = setup(clock);
    scheduler.setItems([item('A', '2026-03-02T08:30:00Z')]);
    clock.set('2026-03-02T08:30:00Z');
    scheduler.tick();
    scheduler.setItems([item('A', '2026-03-02T10:00:00Z')]);
    clock.set('2026-03-02T10:00:10Z');
    scheduler.tick();
    expect(notifier.shown.map((s) => s.notice.id)).toEqual([
      reminderKey(item('A', '2026-03-02T08:30:00Z')),
      reminderKey(item('A', '2026-03-02T10:00:00Z')),
    ]);
  });

  it('after a sleep, reminders missed while away come as ONE summary and a remindersMissed event', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier, missed } = setup(clock);
    scheduler.setItems([
      item('A', '2026-03-02T09:00:00Z'),
      item('B', '2026-03-02T10:00:00Z'),
      item('C', '2026-03-02T11:00:00Z'),
      item('D', '2026-03-02T13:00:00Z'),
    ]);
    scheduler.tick();
    // Lid closed at 08:00, opened at 12:00: the clock jumps, no ticks in between.
    clock.set('2026-03-02T12:00:00Z');
    scheduler.tick();
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.shown[0]?.notice.title).toBe('While you were away: 3 reminders');
    expect(notifier.shown[0]?.notice.body).toContain('Call A');
    expect(missed).toEqual([['A', 'B', 'C']]);

    scheduler.tick();
    clock.set('2026-03-02T13:00:30Z');
    scheduler.tick();
    expect(notifier.titles()).toEqual(['While you were away: 3 reminders', 'Call D']);
    expect(missed).toHaveLength(1);
  });

  it('a short sleep (a few minutes late) still fires the reminder itself', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier, missed } = setup(clock);
    scheduler.setItems([item('A', '2026-03-02T09:00:00Z')]);
    clock.set('2026-03-02T09:04:00Z');
    scheduler.tick();
    expect(notifier.titles()).toEqual(['Call A']);
    expect(missed).toEqual([]);
  });

  it('snoozes: fires again at the snooze time, the snooze survives a restart, Done opens outcome entry', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:59:00Z'));
    const first = setup(clock);
    first.scheduler.setItems([item('A', '2026-03-02T09:00:00Z')]);
    clock.set('2026-03-02T09:00:00Z');
    first.scheduler.tick();
    expect(first.notifier.shown[0]?.notice.actions).toEqual(ACTION_LABELS);
    first.notifier.shown[0]?.handlers.action(1); // Snooze 15 min

    clock.set('2026-03-02T09:14:50Z');
    first.scheduler.tick();
    expect(first.notifier.shown).toHaveLength(1);

    // Restart: a new scheduler reading the same file.
    const second = setup(clock);
    clock.set('2026-03-02T09:15:05Z');
    second.scheduler.tick();
    second.scheduler.tick();
    expect(second.notifier.titles()).toEqual(['Call A']);

    second.notifier.shown[0]?.handlers.action(4); // Done
    expect(second.opened).toEqual([{ lid: 'A', action: 'done' }]);
    clock.advance(2 * 60 * MIN);
    second.scheduler.tick();
    expect(second.notifier.shown).toHaveLength(1);
  });

  it('snooze "tomorrow 9:00" means 09:00 local time the next day', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T20:30:00Z')); // 21:30 in Berlin
    const { scheduler } = setup(clock);
    expect(new Date(scheduler.snoozeUntil(clock.now(), 'tomorrow9')).toISOString()).toBe('2026-03-03T08:00:00.000Z');
    expect(scheduler.snoozeUntil(clock.now(), '60m') - clock.now()).toBe(60 * MIN);
  });

  it('restart: reminders from the persisted file fire with no renderer, and those missed while closed are summarised', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const first = setup(clock);
    first.scheduler.setItems([item('A', '2026-03-02T09:00:00Z'), item('B', '2026-03-02T18:00:00Z')]);
    const onDisk: unknown = JSON.parse(readFileSync(join(dir, 'reminders.json'), 'utf8'));
    expect(schedulerStateSchema.parse(onDisk).items.map((i) => i.lid)).toEqual(['A', 'B']);

    // App quit at 08:00, started again at 17:59 (A was missed while closed), B fires on time.
    clock.set('2026-03-02T17:59:00Z');
    const second = setup(clock);
    second.scheduler.tick();
    expect(second.notifier.titles()).toEqual(['While you were away: 1 reminder']);
    expect(second.missed).toEqual([['A']]);
    clock.set('2026-03-02T18:00:00Z');
    second.scheduler.tick();
    expect(second.notifier.titles()).toEqual(['While you were away: 1 reminder', 'Call B']);
  });

  it('quiet hours defer to their end; sleeping through the end turns them into the summary', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T20:00:00Z'));
    const { scheduler, notifier } = setup(clock);
    scheduler.setQuietHours({ start: '22:00', end: '07:00' }); // Berlin = UTC+1 in March
    scheduler.setItems([item('A', '2026-03-02T22:00:00Z'), item('B', '2026-03-03T10:00:00Z')]);

    clock.set('2026-03-02T22:00:00Z'); // 23:00 local, quiet
    scheduler.tick();
    clock.set('2026-03-03T05:59:30Z'); // 06:59:30 local, still quiet
    scheduler.tick();
    expect(notifier.shown).toHaveLength(0);
    clock.set('2026-03-03T06:00:10Z'); // 07:00:10 local
    scheduler.tick();
    expect(notifier.titles()).toEqual(['Call A']);

    // Next night: a snooze lands in quiet hours and the laptop sleeps until 09:30 local.
    const later = setup(clock);
    later.scheduler.setItems([item('C', '2026-03-03T22:30:00Z')]);
    clock.set('2026-03-03T22:30:00Z');
    later.scheduler.tick();
    clock.set('2026-03-04T08:30:00Z');
    later.scheduler.tick();
    expect(later.notifier.titles()).toEqual(['While you were away: 1 reminder']);
  });

  it('waking up inside quiet hours: what was missed before stays missed, what comes due is deferred', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T17:00:00Z')); // 18:00 Berlin
    const { scheduler, notifier, missed } = setup(clock);
    scheduler.setQuietHours({ start: '22:00', end: '07:00' });
    scheduler.setItems([item('EVENING', '2026-03-02T18:00:00Z'), item('NIGHT', '2026-03-02T22:30:00Z')]);
    clock.set('2026-03-02T22:00:00Z'); // asleep until 23:00 local, inside quiet hours
    scheduler.tick();
    clock.set('2026-03-02T22:30:00Z');
    scheduler.tick();
    expect(notifier.shown).toHaveLength(0);
    clock.set('2026-03-03T06:00:30Z'); // 07:00:30 local
    scheduler.tick();
    expect(notifier.titles()).toEqual(['Call NIGHT', 'While you were away: 1 reminder']);
    expect(missed).toEqual([['EVENING']]);
  });

  it('"pause reminders" holds everything; on resume late ones are summarised, due ones fire', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier, missed } = setup(clock);
    scheduler.setItems([item('A', '2026-03-02T09:00:00Z'), item('B', '2026-03-02T10:00:00Z')]);
    scheduler.setPaused(true);
    clock.set('2026-03-02T10:02:00Z');
    scheduler.tick();
    expect(notifier.shown).toHaveLength(0);
    scheduler.setPaused(false);
    scheduler.tick();
    expect(notifier.titles()).toEqual(['Call B', 'While you were away: 1 reminder']);
    expect(missed).toEqual([['A']]);
  });

  it('a reminder first learnt long after its time does not pop up', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T12:00:00Z'));
    const { scheduler, notifier, missed } = setup(clock);
    scheduler.setItems([item('OLD', '2026-03-01T09:00:00Z'), item('NEW', '2026-03-02T11:58:00Z')]);
    scheduler.tick();
    expect(notifier.titles()).toEqual(['Call NEW']);
    expect(missed).toEqual([]);
  });

  it('many reminders due at once become one summary, not a burst', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier, missed } = setup(clock);
    scheduler.setItems(['A', 'B', 'C', 'D', 'E'].map((l) => item(l, '2026-03-02T09:00:00Z')));
    clock.set('2026-03-02T09:00:00Z');
    scheduler.tick();
    expect(notifier.titles()).toEqual(['While you were away: 5 reminders']);
    expect(notifier.shown[0]?.notice.body).toContain('…and 1 more');
    expect(missed).toEqual([['A', 'B', 'C', 'D', 'E']]);
  });

  it('the notice carries subject, related entity, time, location and phone; no buttons where unsupported', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const { scheduler, notifier } = setup(clock, { supportsActions: false });
    scheduler.setItems([
      item('A', '2026-03-02T08:45:00Z', {
        subject: 'Quarterly review with Dana',
        type: 'follow_up',
        entity_name: 'Acme GmbH',
        due_at: '2026-03-02T09:00:00Z',
        location: 'Hauptstr. 1, Köln',
        phone: '+49 221 555 0101',
        customer_time_zone: 'America/New_York',
      }),
    ]);
    clock.set('2026-03-02T08:45:00Z');
    scheduler.tick();
    const notice = notifier.shown[0]?.notice;
    expect(notice?.title).toBe('Quarterly review with Dana');
    expect(notice?.body.split('\n')).toEqual([
      'Follow up · Acme GmbH',
      'Due Mon 2 Mar, 10:00 (04:00 customer time)',
      'Hauptstr. 1, Köln',
      '+49 221 555 0101',
    ]);
    expect(notice?.actions).toEqual([]);
  });
});

describe('ReminderScheduler: reminders the OS did not show (the app\'s reminder centre)', () => {
  class RefusingNotifier extends RecordingNotifier {
    override show = (notice: ReminderNotice, handlers: NoticeHandlers): boolean => {
      this.shown.push({ notice, handlers });
      return false;
    };
  }

  it('hands an unshown reminder to the app, and snoozing it there brings it back at the snooze time', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const unshown: { key: string; lid: string }[] = [];
    const notifier = new RefusingNotifier();
    const { scheduler } = setup(clock, { notifier, onUnshown: (key, it) => unshown.push({ key, lid: it.lid }) });
    scheduler.setItems([item('A', '2026-03-02T09:00:00Z')]);
    clock.set('2026-03-02T09:00:05Z');
    scheduler.tick();
    expect(unshown).toEqual([{ key: 'A|2026-03-02T09:00:00.000Z', lid: 'A' }]);

    scheduler.reminderAction(unshown[0]?.key ?? '', '15m');
    clock.advance(14 * MIN);
    scheduler.tick();
    expect(unshown).toHaveLength(1);
    clock.advance(2 * MIN);
    scheduler.tick();
    expect(unshown.map((u) => u.lid)).toEqual(['A', 'A']);

    // Done in the app: no snooze left to fire.
    scheduler.reminderAction(unshown[1]?.key ?? '', '5m');
    scheduler.reminderAction(unshown[1]?.key ?? '', 'done');
    clock.advance(10 * MIN);
    scheduler.tick();
    expect(unshown).toHaveLength(2);
  });

  it('without anywhere to show it, a reminder the OS refused is not counted as delivered', () => {
    const clock = new FakeClock(Date.parse('2026-03-02T08:00:00Z'));
    const notifier = new RefusingNotifier();
    const { scheduler } = setup(clock, { notifier });
    scheduler.setItems([item('A', '2026-03-02T09:00:00Z')]);
    clock.set('2026-03-02T09:00:05Z');
    scheduler.tick();
    expect(Object.keys(scheduler.snapshot().fired)).toEqual([]);
    clock.advance(15_000);
    scheduler.tick();
    expect(notifier.shown).toHaveLength(2);
  });
});
