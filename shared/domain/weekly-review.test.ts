import { describe, expect, it } from 'vitest';
import { activityRefs, linkRef, refersTo, sameActivity } from './links.ts';
import { applyCreate } from './rules.ts';
import { createActivitySchema } from './schemas.ts';
import { instantMs } from './time.ts';
import {
  followUpInput, followUpsMissing, hasFollowUp, isPrepFor, needsPreparation, overdueForReview, prepTaskInput, reschedulePresets,
  reviewWeeks, weeklyReview, type ReviewItem,
} from './weekly-review.ts';

const BERLIN = 'Europe/Berlin';
const NOW = '2025-12-17T10:00:00Z'; // Wednesday 11:00 in Berlin
const { thisWeek, nextWeek } = reviewWeeks(NOW, BERLIN);

type Item = ReviewItem & { name: string };
let seq = 0;
function item(name: string, over: Partial<Item> = {}): Item {
  seq += 1;
  return {
    name,
    lid: `L${seq}`,
    server_id: `S${seq}`,
    type: 'call',
    status: 'pending',
    priority: 'medium',
    subject: `${name} subject`,
    due_at: '2025-12-18T09:00:00Z',
    duration_minutes: 30,
    activityable_type: 'customer',
    activityable_id: 'cus_acme',
    contact_id: 'con_1',
    assigned_user_id: 'usr_me',
    tags: [],
    custom_fields: {},
    completed_at: null,
    created_at: '2025-12-01T09:00:00Z',
    follow_up_required: false,
    follow_up_date: null,
    ...over,
  };
}
const names = (xs: readonly Item[]) => xs.map((x) => x.name);

describe('reviewWeeks', () => {
  it('this and next ISO week in the rep zone (Monday 00:00 local)', () => {
    expect(thisWeek).toEqual({ from: '2025-12-14T23:00:00Z', to: '2025-12-21T23:00:00Z' });
    expect(nextWeek).toEqual({ from: '2025-12-21T23:00:00Z', to: '2025-12-28T23:00:00Z' });
  });
  it('Monday 00:30 local (still Sunday in UTC) is already the new week', () => {
    expect(reviewWeeks('2025-12-21T23:30:00Z', BERLIN).thisWeek.from).toBe('2025-12-21T23:00:00Z');
  });
  it('a week spanning the DST change is 167 hours long', () => {
    const w = reviewWeeks('2026-03-25T12:00:00Z', BERLIN).thisWeek;
    expect((instantMs(w.to) - instantMs(w.from)) / 3_600_000).toBe(167);
  });
  it('refuses an unknown zone', () => {
    expect(() => reviewWeeks(NOW, 'X/Y')).toThrow(/Unknown time zone/);
  });
});

describe('overdueForReview', () => {
  it('lists open activities due in the past, oldest first', () => {
    const items = [
      item('yesterday', { due_at: '2025-12-16T09:00:00Z' }),
      item('lastweek', { due_at: '2025-12-10T09:00:00Z', status: 'waiting' }),
      item('done', { due_at: '2025-12-10T09:00:00Z', status: 'completed' }),
      item('cancelled', { due_at: '2025-12-10T09:00:00Z', status: 'cancelled' }),
      item('tomorrow', { due_at: '2025-12-18T09:00:00Z' }),
      item('undated', { due_at: null }),
      item('now', { due_at: NOW }),
    ];
    expect(names(overdueForReview(items, instantMs(NOW)))).toEqual(['lastweek', 'yesterday']);
  });
});

describe('reschedulePresets', () => {
  it('tomorrow, next Monday and in a week at 09:00 local', () => {
    expect(reschedulePresets(NOW, BERLIN)).toEqual([
      { id: 'tomorrow', label: 'Tomorrow 09:00', new_due_at: '2025-12-18T08:00:00Z' },
      { id: 'next_monday', label: 'Next Monday 09:00', new_due_at: '2025-12-22T08:00:00Z' },
      { id: 'in_a_week', label: 'In a week 09:00', new_due_at: '2025-12-24T08:00:00Z' },
    ]);
  });
  it.each([
    ['2025-12-15T10:00:00Z', '2025-12-22T08:00:00Z'], // Monday → the Monday after
    ['2025-12-21T10:00:00Z', '2025-12-22T08:00:00Z'], // Sunday → tomorrow
    ['2025-12-20T10:00:00Z', '2025-12-22T08:00:00Z'], // Saturday
  ])('from %s next Monday is %s', (now, monday) => {
    expect(reschedulePresets(now, BERLIN).find((p) => p.id === 'next_monday')?.new_due_at).toBe(monday);
  });
  it('uses the given hour and keeps it across DST', () => {
    expect(reschedulePresets('2026-03-28T12:00:00Z', BERLIN, 14).map((p) => p.new_due_at)).toEqual([
      '2026-03-29T12:00:00Z', '2026-03-30T12:00:00Z', '2026-04-04T12:00:00Z',
    ]);
  });
});

describe('needsPreparation', () => {
  const demo = item('demo', { type: 'demo', due_at: '2025-12-22T14:00:00Z' });
  const pres = item('pres', { type: 'presentation', due_at: '2025-12-23T14:00:00Z', activityable_id: 'cus_b' });
  const presPrep = item('presPrep', { type: 'task', custom_fields: { prep_for: pres.server_id }, activityable_id: 'cus_other' });
  const proposal = item('proposal', { type: 'proposal', due_at: '2025-12-24T10:00:00Z', activityable_id: 'cus_c' });
  const proposalPrep = item('proposalPrep', { type: 'task', tags: ['prep'], due_at: '2025-12-23T10:00:00Z', activityable_id: 'cus_c' });
  const demo2 = item('demo2', { type: 'demo', due_at: '2025-12-26T10:00:00Z', activityable_id: 'cus_d' });
  const demo2LatePrep = item('demo2LatePrep', { type: 'task', subject: 'Prepare demo', due_at: '2025-12-27T10:00:00Z', activityable_id: 'cus_d' });
  const demo3 = item('demo3', { type: 'demo', due_at: '2025-12-26T12:00:00Z', activityable_id: 'cus_e', lid: 'LOCAL3', server_id: null });
  const demo3Prep = item('demo3Prep', { type: 'task', custom_fields: { prep_for: 'LOCAL3' } });
  const demo4 = item('demo4', { type: 'demo', due_at: '2025-12-27T12:00:00Z', activityable_id: 'cus_f' });
  const demo4CancelledPrep = item('demo4Prep', { type: 'task', status: 'cancelled', custom_fields: { prep_for: demo4.server_id } });
  const thisWeekDemo = item('thisWeekDemo', { type: 'demo', due_at: '2025-12-19T10:00:00Z' });
  const call = item('call', { type: 'call', due_at: '2025-12-22T10:00:00Z' });
  const doneDemo = item('doneDemo', { type: 'demo', status: 'completed', due_at: '2025-12-22T10:00:00Z' });
  const items = [demo, pres, presPrep, proposal, proposalPrep, demo2, demo2LatePrep, demo3, demo3Prep, demo4, demo4CancelledPrep, thisWeekDemo, call, doneDemo];

  it('lists next week\'s open demos, presentations and proposals with no prep task, by due time', () => {
    expect(names(needsPreparation(items, nextWeek))).toEqual(['demo', 'demo2', 'demo4']);
  });

  it('leaves out a demo in a status this version does not know (not open work)', () => {
    const onHold = item('onHoldDemo', { type: 'demo', status: 'on_hold' as Item['status'], due_at: '2025-12-22T11:00:00Z', activityable_id: 'cus_g' });
    expect(names(needsPreparation([...items, onHold], nextWeek))).toEqual(['demo', 'demo2', 'demo4']);
  });

  it.each([
    ['linked by prep_for (server id)', presPrep, pres, true],
    ['linked by prep_for (lid, made offline)', demo3Prep, demo3, true],
    ['a task tagged prep on the same record, due before', proposalPrep, proposal, true],
    ['a prep task due after the activity', demo2LatePrep, demo2, false],
    ['a cancelled prep task', demo4CancelledPrep, demo4, false],
    ['a prep task on another record', proposalPrep, demo, false],
    ['the activity itself', demo, demo, false],
  ])('isPrepFor: %s → %s', (_n, candidate, target, expected) => {
    expect(isPrepFor(candidate, target)).toBe(expected);
  });

  it('other prep types can be configured', () => {
    expect(names(needsPreparation(items, nextWeek, ['call']))).toEqual(['call']);
  });

  it('the offered prep task is valid, linked, due the day before, and clears the item once created', () => {
    const input = prepTaskInput(demo, { timeZone: BERLIN });
    expect(input).toMatchObject({
      type: 'task', subject: 'Prepare: demo subject', activityable_type: 'customer', activityable_id: 'cus_acme', contact_id: 'con_1',
      assigned_user_id: 'usr_me', tags: ['prep'], custom_fields: { prep_for: demo.server_id },
    });
    // Demo Monday 22 Dec → a day before is Sunday → moved to Friday 19 Dec, same time.
    expect(input.due_at).toBe('2025-12-19T14:00:00Z');
    expect(createActivitySchema.safeParse(input).success).toBe(true);
    const created = { ...applyCreate(input, { id: 'S999', now: NOW, currentUser: { id: 'usr_me', name: 'Me' } }), name: 'newPrep', lid: 'L999', server_id: null };
    expect(names(needsPreparation([...items, created], nextWeek))).toEqual(['demo2', 'demo4']);
  });

  it('a Wednesday demo gets its prep task on Tuesday; a custom lead works', () => {
    expect(prepTaskInput(item('d', { type: 'demo', due_at: '2025-12-24T14:00:00Z' }), { timeZone: BERLIN }).due_at).toBe('2025-12-23T14:00:00Z');
    expect(prepTaskInput(item('d', { type: 'demo', due_at: '2025-12-24T14:00:00Z' }), { timeZone: BERLIN, leadMinutes: 120 }).due_at).toBe('2025-12-24T12:00:00Z');
  });

  it('a very long subject is shortened to 255 characters', () => {
    const input = prepTaskInput(item('d', { subject: 'x'.repeat(255) }), { timeZone: BERLIN });
    expect(input.subject).toHaveLength(255);
    expect(createActivitySchema.safeParse(input).success).toBe(true);
  });
});

describe('followUpsMissing', () => {
  const done = (name: string, over: Partial<Item> = {}) =>
    item(name, { status: 'completed', completed_at: '2025-12-16T15:00:00Z', follow_up_required: true, follow_up_date: '2025-12-19', ...over });

  const missing = done('missing', { activityable_id: 'cus_1' });
  const linked = done('linked', { activityable_id: 'cus_2' });
  const linkedFollow = item('linkedFollow', { type: 'follow_up', activityable_id: 'cus_other', custom_fields: { follow_up_of: linked.server_id }, created_at: '2025-12-01T00:00:00Z' });
  const sameEntity = done('sameEntity', { activityable_id: 'cus_3' });
  const laterOnEntity = item('laterOnEntity', { activityable_id: 'cus_3', created_at: '2025-12-16T16:00:00Z' });
  const earlier = done('earlier', { activityable_id: 'cus_4' });
  const createdBefore = item('createdBefore', { activityable_id: 'cus_4', created_at: '2025-12-16T14:00:00Z' });
  const cancelledOnly = done('cancelledOnly', { activityable_id: 'cus_5' });
  const cancelledFollow = item('cancelledFollow', { status: 'cancelled', activityable_id: 'cus_5', created_at: '2025-12-17T08:00:00Z' });
  const lastWeek = done('lastWeek', { activityable_id: 'cus_6', completed_at: '2025-12-12T10:00:00Z' });
  const notRequired = done('notRequired', { activityable_id: 'cus_7', follow_up_required: false });
  const stillOpen = item('stillOpen', { activityable_id: 'cus_8', follow_up_required: true });
  const items = [missing, linked, linkedFollow, sameEntity, laterOnEntity, earlier, createdBefore, cancelledOnly, cancelledFollow, lastWeek, notRequired, stillOpen];

  it('lists this week\'s completed activities needing a follow-up that has not been scheduled', () => {
    expect(names(followUpsMissing(items, thisWeek))).toEqual(['missing', 'earlier', 'cancelledOnly']);
  });

  it.each([
    [linked, true], [sameEntity, true], [missing, false], [earlier, false], [cancelledOnly, false],
  ])('hasFollowUp(%#)', (source, expected) => {
    expect(hasFollowUp(source, items)).toBe(expected);
  });

  it('the offered follow-up is due on follow_up_date at 09:00 local, linked back, and valid', () => {
    const input = followUpInput(missing, { timeZone: BERLIN });
    expect(input).toMatchObject({
      type: 'follow_up', subject: 'Follow-up: missing subject', activityable_id: 'cus_1', due_at: '2025-12-19T08:00:00Z',
      custom_fields: { follow_up_of: missing.server_id },
    });
    expect(createActivitySchema.safeParse(input).success).toBe(true);
    const created = { ...applyCreate(input, { id: 'S1000', now: NOW, currentUser: { id: 'usr_me', name: 'Me' } }), name: 'fu' };
    expect(names(followUpsMissing([...items, created], thisWeek))).toEqual(['earlier', 'cancelledOnly']);
  });

  it('the follow-up time can be given, or left open without a follow_up_date', () => {
    expect(followUpInput(missing, { timeZone: BERLIN, dueAt: '2025-12-20T10:00:00Z' }).due_at).toBe('2025-12-20T10:00:00Z');
    expect(followUpInput(done('x', { follow_up_date: null }), { timeZone: BERLIN }).due_at).toBeNull();
    expect(followUpInput(missing, { timeZone: BERLIN, hour: 14 }).due_at).toBe('2025-12-19T13:00:00Z');
  });
});

describe('weeklyReview', () => {
  it('puts the four parts together', () => {
    const items = [
      item('overdue', { due_at: '2025-12-15T09:00:00Z' }),
      item('demo', { type: 'demo', due_at: '2025-12-22T14:00:00Z' }),
      item('done', { status: 'completed', due_at: '2025-12-16T09:00:00Z', completed_at: '2025-12-16T10:00:00Z', follow_up_required: true, activityable_id: 'cus_z' }),
      ...Array.from({ length: 7 }, (_, i) => item(`busy${i}`, { due_at: `2025-12-18T${String(7 + i).padStart(2, '0')}:00:00Z`, duration_minutes: 60 })),
    ];
    const r = weeklyReview(items, { now: NOW, timeZone: BERLIN });
    expect(names(r.overdue)).toEqual(['overdue']);
    expect(names(r.needsPreparation)).toEqual(['demo']);
    expect(names(r.followUpsMissing)).toEqual(['done']);
    expect(r.load).toHaveLength(14);
    const busy = r.load.find((d) => d.date === '2025-12-18');
    expect(busy).toMatchObject({ count: 7, bookedMinutes: 420, overScheduled: true });
    expect(busy?.flags).toEqual(['too_many', 'too_long', 'back_to_back']);
    expect(r.load.filter((d) => d.overScheduled).map((d) => d.date)).toEqual(['2025-12-18']);
    const relaxed = weeklyReview(items, { now: NOW, timeZone: BERLIN, thresholds: { maxActivities: 10, maxBookedMinutes: 600 } });
    expect(relaxed.load.some((d) => d.overScheduled)).toBe(false);
  });
});

describe('links', () => {
  it('prefer the server id, fall back to the lid, and match either', () => {
    expect(linkRef({ lid: 'L', server_id: 'S' })).toBe('S');
    expect(linkRef({ lid: 'L', server_id: null })).toBe('L');
    expect(linkRef({ id: 'I' })).toBe('I');
    expect(() => linkRef({})).toThrow(/needs an id or a lid/);
    expect(activityRefs({ lid: 'L', server_id: 'S' })).toEqual(['S', 'L']);
    expect(refersTo('L', { lid: 'L', server_id: 'S' })).toBe(true);
    expect(refersTo('S', { lid: 'L', server_id: 'S' })).toBe(true);
    expect(refersTo('', { lid: '' })).toBe(false);
    expect(refersTo(5, { id: '5' })).toBe(false);
    expect(sameActivity({ lid: 'L', server_id: null }, { lid: 'L', server_id: 'S' })).toBe(true);
    expect(sameActivity({ id: 'A' }, { id: 'B' })).toBe(false);
  });
});
