import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY_STATUSES, weeklyReview, type Activity, type WeeklyReview } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import { toLocalRow } from '../rows.ts';
import { freshDb, recordReads, seedSynced, serverActivity, type ReadLog } from '../store.testing.ts';
import type { LocalActivity } from '../types.ts';
import { rememberedReview, REVIEW_OVERDUE_SHOWN as OVERDUE_SHOWN, reviewRows, weeklyReviewOf } from './review.ts';
import { watchStoreWrites } from './search-cache.ts';
import { overdueCount } from './views.ts';

const ZONE = 'Europe/Berlin';
// Thu 26 Nov 2026, 12:00 UTC: this week is Mon 23 – Sun 29 Nov, next week Mon 30 Nov – Sun 6 Dec.
const NOW = Date.parse('2026-11-26T12:00:00Z');

const open: FieldbookDB[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.delete()));
});

describe('reviewRows', () => {
  it('reads what the review needs from indexes and leaves out old closed work, far-off work and local deletes', async () => {
    const db = freshDb('review');
    open.push(db);
    const old = { created_at: '2026-01-01T09:00:00Z', updated_at: '2026-01-01T09:00:00Z' };
    await seedSynced(db, 'overdue-old', { ...old, due_at: '2025-03-01T09:00:00Z' });
    await seedSynced(db, 'next-week-demo', { ...old, type: 'demo', due_at: '2026-12-02T13:00:00Z' });
    await seedSynced(db, 'load-day-13', { ...old, due_at: '2026-12-09T08:00:00Z' });
    await seedSynced(db, 'done-this-week', { ...old, status: 'completed', due_at: '2026-10-01T09:00:00Z', completed_at: '2026-11-24T10:00:00Z', updated_at: '2026-11-24T10:00:00Z', follow_up_required: true });
    // On the same record after that completion: its follow-up, found as the evidence.
    await seedSynced(db, 'created-this-week', { due_at: null, created_at: '2026-11-25T08:00:00Z', updated_at: '2026-11-25T08:00:00Z' });
    // Left out: done long ago, far future (beyond the two weeks) even if edited this week, deleted here.
    await seedSynced(db, 'far-future-edited', { created_at: '2026-11-25T07:00:00Z', updated_at: '2026-11-25T07:00:00Z', activityable_id: 'cus-2', due_at: '2027-04-01T09:00:00Z' });
    await seedSynced(db, 'done-long-ago', { ...old, status: 'completed', due_at: '2026-02-01T09:00:00Z', completed_at: '2026-02-01T10:00:00Z' });
    await seedSynced(db, 'far-future', { ...old, due_at: '2027-03-01T09:00:00Z' });
    const gone = await seedSynced(db, 'deleted', { ...old, due_at: '2026-11-20T09:00:00Z' });
    await db.activities.put({ ...gone, deleted: 1 });

    const rows = await reviewRows(db, NOW, ZONE);
    expect(rows.map((r) => r.lid).sort()).toEqual(['created-this-week', 'done-this-week', 'load-day-13', 'next-week-demo', 'overdue-old']);
  });

  it("is the rep's own week: a colleague's activities on shared accounts are left out", async () => {
    const db = freshDb('review-own');
    open.push(db);
    await seedSynced(db, 'mine', { assigned_user_id: 'u-me', due_at: '2026-11-30T09:00:00Z' });
    await seedSynced(db, 'theirs', { assigned_user_id: 'u-colleague', due_at: '2026-11-30T10:00:00Z' });
    expect((await reviewRows(db, NOW, ZONE, 'u-me')).map((r) => r.lid)).toEqual(['mine']);
    // Before the rep is known (not signed in yet), nothing is left out.
    expect((await reviewRows(db, NOW, ZONE)).map((r) => r.lid).sort()).toEqual(['mine', 'theirs']);
  });
});

/** Rows the store handed out: what index queries returned plus every step of a cursor walk. */
const rowsRead = (log: ReadLog) => log.rowsReturned + log.steps;
const resetReads = (log: ReadLog) => { log.rowsReturned = 0; log.steps = 0; };

/** The parts of a review that the rep sees, by lid (sorted: the order of equal times depends on the read order). */
function shape(r: WeeklyReview<LocalActivity>) {
  const lids = (xs: LocalActivity[]) => xs.map((x) => x.lid).sort();
  return {
    overdue: lids(r.overdue),
    needsPreparation: lids(r.needsPreparation),
    followUpsMissing: lids(r.followUpsMissing),
    load: r.load.map((d) => ({ ...d, items: lids(d.items) })),
  };
}

describe('reviewRows gives the review of the whole store', () => {
  const DAY = 86_400_000;
  const RECORDS = ['cus-1', 'cus-2', 'cus-3'];

  /** A random store: the rep's and a colleague's work over ten weeks, with links, prep tasks and follow-ups. */
  function randomStore(seed: number): LocalActivity[] {
    let x = seed;
    const rnd = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const at = (ms: number) => new Date(ms).toISOString();
    const rows: LocalActivity[] = [];
    for (let i = 0; i < 400; i++) {
      const status = pick(ACTIVITY_STATUSES);
      const dueMs = rnd() < 0.1 ? null : NOW + Math.round((rnd() * 70 - 42) * DAY);
      const createdMs = NOW - Math.round(rnd() * 40 * DAY);
      const completedMs = status === 'completed' ? Math.min(NOW, createdMs + Math.round(rnd() * 30 * DAY)) : null;
      const earlier = rows.length > 0 && rnd() < 0.25 ? pick(rows) : undefined;
      const link = earlier ? (rnd() < 0.5 ? earlier.lid : (earlier.server_id ?? earlier.lid)) : undefined;
      const prepLike = rnd() < 0.15;
      const a: Activity = serverActivity({
        id: `s${i}`,
        type: prepLike ? 'task' : pick(['call', 'demo', 'presentation', 'proposal', 'meeting', 'task'] as const),
        status,
        subject: prepLike && rnd() < 0.5 ? 'Prepare the deck' : 'Account work',
        tags: prepLike && rnd() < 0.5 ? ['prep'] : [],
        activityable_id: pick(RECORDS),
        assigned_user_id: rnd() < 0.75 ? 'u-me' : 'u-colleague',
        due_at: dueMs === null ? null : at(dueMs),
        reminder_at: null,
        follow_up_required: status === 'completed' && rnd() < 0.5,
        completed_at: completedMs === null ? null : at(completedMs),
        created_at: at(createdMs),
        updated_at: at(Math.max(createdMs, completedMs ?? 0)),
        custom_fields: link === undefined ? {} : { [rnd() < 0.5 ? 'follow_up_of' : 'prep_for']: link },
      });
      const row = toLocalRow(a, { lid: `L${i}`, base: a, sync: 'synced', server_id: rnd() < 0.8 ? `s${i}` : null });
      rows.push(rnd() < 0.05 ? { ...row, deleted: 1 } : row);
    }
    return rows;
  }

  it.each([1, 2, 3, 4, 5, 6])('random store %i: overdue, prep, follow-ups and load match the review of every row', async (seed) => {
    const db = freshDb(`review-random-${seed}`);
    open.push(db);
    const all = randomStore(seed);
    await db.activities.bulkPut(all);
    const opts = { now: new Date(NOW).toISOString(), timeZone: ZONE };
    const whole = weeklyReview(all.filter((a) => a.deleted === 0 && a.assigned_user_id === 'u-me'), opts);
    const fromIndexes = weeklyReview(await reviewRows(db, NOW, ZONE, 'u-me'), opts);
    expect(shape(fromIndexes)).toEqual(shape(whole));
    // The random stores do exercise what the evidence decides.
    expect(whole.followUpsMissing.length + whole.needsPreparation.length).toBeGreaterThan(0);
  });

  it("reads a bounded number of rows however much of the store changed this week", async () => {
    const db = freshDb('review-bounded');
    open.push(db);
    // Middleware goes in before the database opens.
    const seen = recordReads(db);
    const week = { created_at: '2026-11-24T08:00:00Z', updated_at: '2026-11-26T08:00:00Z' };
    // A completion this week needing a follow-up, on a record with a long past.
    const source = serverActivity({ id: 'src', status: 'completed', follow_up_required: true, completed_at: '2026-11-25T10:00:00Z', due_at: '2026-11-25T09:00:00Z', reminder_at: null, created_at: '2026-11-01T09:00:00Z', updated_at: '2026-11-25T10:00:00Z', assigned_user_id: 'u-me' });
    const rows: LocalActivity[] = [toLocalRow(source, { lid: 'SRC', base: source, sync: 'synced' })];
    for (let i = 0; i < 1500; i++) {
      // Its record's history, created before the completion; and a busy week elsewhere: far-off
      // activities created and edited this week (an import, a bulk edit).
      const old = serverActivity({ id: `h${i}`, status: 'completed', completed_at: '2026-06-01T10:00:00Z', due_at: '2026-06-01T09:00:00Z', reminder_at: null, created_at: '2026-05-01T09:00:00Z', assigned_user_id: 'u-me' });
      const busy = serverActivity({ id: `w${i}`, ...week, activityable_id: 'cus-9', due_at: '2027-06-01T09:00:00Z', reminder_at: null, assigned_user_id: 'u-me' });
      rows.push(toLocalRow(old, { lid: `H${i}`, base: old, sync: 'synced' }), toLocalRow(busy, { lid: `W${i}`, base: busy, sync: 'synced' }));
    }
    await db.activities.bulkPut(rows);
    resetReads(seen);
    const review = weeklyReview(await reviewRows(db, NOW, ZONE, 'u-me'), { now: new Date(NOW).toISOString(), timeZone: ZONE });
    expect(review.followUpsMissing.map((a) => a.lid)).toEqual(['SRC']);
    expect(rowsRead(seen)).toBeLessThan(10);

    // Once a follow-up is created on the record, the first one found settles it.
    const follow = serverActivity({ id: 'fu', ...week, created_at: '2026-11-26T09:00:00Z', due_at: null, reminder_at: null, assigned_user_id: 'u-me' });
    await db.activities.put(toLocalRow(follow, { lid: 'FU', base: follow, sync: 'synced' }));
    resetReads(seen);
    const after = weeklyReview(await reviewRows(db, NOW, ZONE, 'u-me'), { now: new Date(NOW).toISOString(), timeZone: ZONE });
    expect(after.followUpsMissing).toEqual([]);
    expect(rowsRead(seen)).toBeLessThan(10);
  });
});

describe('prep tasks as evidence', () => {
  it("reads one of a record's hundreds of prep tasks to know next week's demo is prepared", async () => {
    const db = freshDb('review-prep-bounded');
    open.push(db);
    const seen = recordReads(db);
    const demo = serverActivity({ id: 'demo', type: 'demo', due_at: '2026-12-02T13:00:00Z', reminder_at: null, assigned_user_id: 'u-me', activityable_id: 'cus-7' });
    const rows: LocalActivity[] = [toLocalRow(demo, { lid: 'DEMO', base: demo, sync: 'synced' })];
    // Years of preparation on the account (done long ago, due before the demo): each one prepares it.
    for (let i = 0; i < 600; i++) {
      const prep = serverActivity({ id: `p${i}`, type: 'task', subject: 'Prepare the deck', status: 'completed', completed_at: '2025-06-01T10:00:00Z', due_at: '2025-06-01T09:00:00Z', reminder_at: null, assigned_user_id: 'u-me', activityable_id: 'cus-7' });
      rows.push(toLocalRow(prep, { lid: `P${String(i).padStart(3, '0')}`, base: prep, sync: 'synced' }));
    }
    await db.activities.bulkPut(rows);
    resetReads(seen);
    seen.rowsByKey = 0;
    const review = weeklyReview(await reviewRows(db, NOW, ZONE, 'u-me'), { now: new Date(NOW).toISOString(), timeZone: ZONE });
    expect(review.needsPreparation).toEqual([]);
    // The demo, and the first chunk of its record's prep tasks (read by key): not the 600.
    expect(rowsRead(seen) + seen.rowsByKey).toBeLessThan(40);

    // None of them counts once they are all cancelled: every one is read, and the demo needs prep.
    await db.activities.bulkPut(rows.slice(1).map((r) => ({ ...r, status: 'cancelled' })));
    const after = weeklyReview(await reviewRows(db, NOW, ZONE, 'u-me'), { now: new Date(NOW).toISOString(), timeZone: ZONE });
    expect(after.needsPreparation.map((a) => a.lid)).toEqual(['DEMO']);
  });
});

describe('a rep far behind', () => {
  it('reads the oldest overdue ones the review draws, and counts the rest without reading them', async () => {
    const db = freshDb('review-behind');
    open.push(db);
    const seen = recordReads(db);
    const rows: LocalActivity[] = [];
    // 400 of the rep's overdue, due every 6 hours back from a day ago; a colleague's; local deletes.
    for (let i = 0; i < 400; i++) {
      const due = new Date(NOW - 86_400_000 - i * 6 * 3_600_000).toISOString();
      const mine = serverActivity({ id: `o${i}`, due_at: due, reminder_at: null, assigned_user_id: 'u-me' });
      const theirs = serverActivity({ id: `t${i}`, due_at: due, reminder_at: null, assigned_user_id: 'u-colleague' });
      const row = toLocalRow(mine, { lid: `O${String(i).padStart(3, '0')}`, base: mine, sync: 'synced' });
      rows.push(i % 50 === 7 ? { ...row, deleted: 1 } : row, toLocalRow(theirs, { lid: `T${i}`, base: theirs, sync: 'synced' }));
    }
    await db.activities.bulkPut(rows);
    const live = rows.filter((a) => a.deleted === 0 && a.assigned_user_id === 'u-me');
    const oldestFirst = [...live].sort((a, b) => (a.due_ms ?? 0) - (b.due_ms ?? 0));

    resetReads(seen);
    const review = weeklyReview(await reviewRows(db, NOW, ZONE, 'u-me', OVERDUE_SHOWN), { now: new Date(NOW).toISOString(), timeZone: ZONE });
    // The oldest 200 come first; recent ones from the week's window may follow them.
    expect(review.overdue.slice(0, OVERDUE_SHOWN).map((a) => a.lid)).toEqual(oldestFirst.slice(0, OVERDUE_SHOWN).map((a) => a.lid));
    expect(rowsRead(seen)).toBeLessThan(OVERDUE_SHOWN + 100);
    expect(await overdueCount(db, NOW, 'u-me')).toBe(live.length);
    expect(await overdueCount(db, NOW)).toBe(live.length + 400);
    // The view's read: that review (the count of all the rep's overdue is overdueCount's, read after it).
    expect(await weeklyReviewOf(db, NOW, ZONE, 'u-me')).toEqual(review);
  });
});

describe('weeklyReviewOf and busy calendar time', () => {
  it('counts the rep\'s other calendar events in the load: booked time, and too little time next to an activity', async () => {
    const db = freshDb('review-busy');
    open.push(db);
    // Friday 27 Nov: a 09:00 meeting of an hour, and 7 h busy in the rep's own calendar from 10:05.
    await seedSynced(db, 'fri-meeting', { type: 'meeting', due_at: '2026-11-27T08:00:00Z', duration_minutes: 60 });
    const friday = async () => (await weeklyReviewOf(db, NOW, ZONE)).load.find((d) => d.date === '2026-11-27')!;
    expect(await friday()).toMatchObject({ busyMinutes: 0, flags: [] });
    await db.calendar_busy.put({ href: '/cal/offsite.ics', etag: '"1"', start_ms: Date.parse('2026-11-27T09:05:00Z'), end_ms: Date.parse('2026-11-27T16:05:00Z') });
    const day = await friday();
    expect(day.busyMinutes).toBe(420);
    expect(day.flags).toEqual(expect.arrayContaining(['too_long', 'back_to_back']));
    expect(day.busyClashes.map((c) => [c.activity.lid, c.gapMinutes])).toEqual([['fri-meeting', 5]]);
  });
});

describe('rememberedReview', () => {
  it('is the last answer for the same question while nothing was written, and nothing once something was', async () => {
    const db = freshDb('review-memory');
    open.push(db);
    await seedSynced(db, 'overdue', { due_at: '2026-11-20T09:00:00Z', assigned_user_id: 'u-me' });
    // Before writes are watched nothing is remembered: a stale answer could not be told apart.
    await weeklyReviewOf(db, NOW, ZONE, 'u-me');
    expect(rememberedReview(db, NOW, ZONE, 'u-me')).toBeUndefined();

    watchStoreWrites();
    const review = await weeklyReviewOf(db, NOW, ZONE, 'u-me');
    expect(review.overdue.map((a) => a.lid)).toEqual(['overdue']);
    expect(rememberedReview(db, NOW, ZONE, 'u-me')).toBe(review);
    // Another minute, zone or rep is another question.
    expect(rememberedReview(db, NOW + 60_000, ZONE, 'u-me')).toBeUndefined();
    expect(rememberedReview(db, NOW, 'UTC', 'u-me')).toBeUndefined();
    expect(rememberedReview(db, NOW, ZONE, 'u-colleague')).toBeUndefined();

    // A write anywhere in the store (here: the overdue one done) and the memory is not used.
    const row = await db.activities.get('overdue');
    await db.activities.put({ ...row!, status: 'completed', open: 0 });
    expect(rememberedReview(db, NOW, ZONE, 'u-me')).toBeUndefined();
    expect((await weeklyReviewOf(db, NOW, ZONE, 'u-me')).overdue).toEqual([]);
  });
});
