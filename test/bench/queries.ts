/**
 * The rep's hot queries over 100 000 local activities, each against a bare Dexie index read of
 * the same rows in the same run (issue 5's "≤ 1.5×" check), plus search latency percentiles.
 * Runs on fake-indexeddb in Node; a browser's IndexedDB differs in absolute numbers.
 */
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, PRIORITIES, toIsoInstant } from '#shared/domain/index';
import { createQueries, toLocalRow, type LocalActivity } from '#shared/sync/index';
import { freshDb, serverActivity } from '#shared/sync/store.testing';

const DAY = 86_400_000;
const WORDS = ['proposal', 'pricing', 'call', 'review', 'demo', 'contract', 'renewal', 'quote', 'visit', 'budget',
  'follow', 'kickoff', 'training', 'support', 'escalation', 'acme', 'globex', 'initech', 'integration', 'sap'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}
async function timed(fn: () => Promise<unknown>, reps: number): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}
const r1 = (x: number) => Math.round(x * 10) / 10;

export async function queriesBench(n = 100_000) {
  const now = Date.parse('2026-11-26T12:00:00Z');
  let seed = 42;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const db = freshDb('bench-queries');
  const rows: LocalActivity[] = [];
  for (let i = 0; i < n; i++) {
    const due = rnd() < 0.1 ? null : toIsoInstant(now + Math.floor((rnd() - 0.5) * 120 * DAY));
    const a = serverActivity({
      id: `s${i}`, type: pick(ACTIVITY_TYPES), status: pick(ACTIVITY_STATUSES), priority: pick(PRIORITIES),
      assigned_user_id: `u-${i % 50}`, activityable_type: 'customer', activityable_id: `cus-${i % 2000}`, due_at: due,
      reminder_at: null, subject: `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`,
      description: rnd() < 0.5 ? `${pick(WORDS)} ${pick(WORDS)}` : null, created_at: toIsoInstant(now - i * 60_000),
    });
    rows.push(toLocalRow(a, { lid: `L${String(i).padStart(7, '0')}`, base: null, sync: 'synced' }));
  }
  for (let i = 0; i < rows.length; i += 5_000) await db.activities.bulkPut(rows.slice(i, i + 5_000));
  const q = createQueries(db, { now: () => now });

  const overdueOurs = await timed(() => q.overdueQueue(now), 5);
  const overdueBare = await timed(() => db.activities.where('[open+due_ms]').between([1, -Infinity], [1, now], true, false).toArray(), 5);
  const calOurs = await timed(() => q.calendarRange(now, now + 7 * DAY), 5);
  const calBare = await timed(() => db.activities.where('due_ms').between(now, now + 7 * DAY, true, false).toArray(), 5);
  // Typing in search: each keystroke from 2 characters on runs a query; the page shows 25.
  const typed = ['pr', 'pro', 'prop', 'propo', 'propos', 'proposa', 'proposal', 'proposal a', 'proposal ac', 'proposal acme'];
  const search: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const text of typed) search.push(...(await timed(() => q.search(text, { per_page: 25 }), 1)));
  }
  db.close();
  return {
    rows: n,
    overdueQueue: { oursMs: r1(median(overdueOurs)), bareIndexReadMs: r1(median(overdueBare)), ratio: r1(median(overdueOurs) / median(overdueBare) * 100) / 100, target: '≤ 1.5' },
    calendarWeek: { oursMs: r1(median(calOurs)), bareIndexReadMs: r1(median(calBare)), ratio: r1(median(calOurs) / median(calBare) * 100) / 100, target: '≤ 1.5' },
    searchAsYouType: { samples: search.length, p50Ms: r1(pct(search, 50)), p95Ms: r1(pct(search, 95)), note: 'query time only (input → rows); rendering is not included' },
  };
}
