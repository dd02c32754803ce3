/**
 * BENCH_ONLY=cost: what the app costs the CRM (issue 18 "Cost to the CRM"). Requests and bytes
 * the server sent (response bodies, counted at the client's transport) for a first sync of the
 * rep's 5 000 activities (the directory included) and for idle time with the app's own timers
 * running on a virtual clock (nothing changes on the server): an hour with the window visible,
 * an hour hidden, and hours averaged (6 visible on the plain CRM, a visible day with updated_since:
 * they hold the slow cadences). Two profiles: the plain CRM
 * (no extensions, per_page ≤ 50, list items as the guide's list example) and the stand-in with
 * its extensions on. Each figure is printed beside its goal.
 */
import { createFetchTransport } from '#shared/api/index';
import { createSyncEngine } from '#shared/sync/index';
import { freshDb } from '#shared/sync/store.testing';
import { GUIDE_IDS } from '../crm-server/index.ts';
import { counting, EXTENSIONS, PLAIN, VirtualTime } from '../sync/cost-rig.ts';

interface Remote { url: string; token: string; close(): Promise<void> }

const ME = GUIDE_IDS.jane;
const N = 5_000;
const HOUR = 3_600_000;

const GOALS = {
  plain: { firstSyncRequests: 5_300, idleHourRequests: 900, idleHourBytes: 18_000_000 },
  extensions: { firstSyncRequests: 5_300, idleHourRequests: 120, idleHourBytes: 1_000_000 },
} as const;

export async function costBench(startRemote: (opts: Record<string, unknown>) => Promise<Remote>, spreadDays = 365) {
  const out: Record<string, unknown> = {
    data: `${N} activities of the rep on the stand-in's 27 accounts, due within ±${spreadDays} days of now; the engine's own timers on a fake clock`,
  };
  for (const profile of ['plain', 'extensions'] as const) {
    const crm = await startRemote({
      ...(profile === 'plain' ? PLAIN : EXTENSIONS),
      seed_activities: { n: N, assignedUserId: ME, assignedShare: 1, spreadDays },
    });
    const transport = counting(createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token, defaultTimeoutMs: 30_000 }));
    const time = new VirtualTime();
    const db = freshDb(`bench-cost-${profile}`);
    const modes: Record<string, number> = {};
    const engine = createSyncEngine({
      db, transport, currentUserId: () => ME, now: time.clock, timers: time, concurrency: 6,
      onRun: (_kind, r) => { if (r.pull) modes[r.pull.mode] = (modes[r.pull.mode] ?? 0) + 1; },
    });

    const t0 = performance.now();
    engine.start();
    await engine.whenIdle();
    await engine.pullDirectory();
    const first = { requests: transport.requests, bytes: transport.bytes, stored: await db.activities.count(), seconds: Math.round((performance.now() - t0) / 100) / 10 };

    const idle = async (visible: boolean, hours: number) => {
      engine.setVisible(visible);
      await engine.whenIdle();
      transport.reset();
      const before = { ...modes };
      const polls = await runFor(time, engine, hours * HOUR);
      const pullModes: Record<string, number> = {};
      for (const [k, v] of Object.entries(modes)) if (v - (before[k] ?? 0) > 0) pullModes[k] = v - (before[k] ?? 0);
      return { requests: transport.requests, bytes: transport.bytes, polls, pullModes };
    };
    const visibleHour = await idle(true, 1);
    const hiddenHour = await idle(false, 1);
    // Long enough to hold the slow cadences: the full reconcile is hourly on the plain CRM (6 h
    // repeat it), daily with updated_since (a whole day).
    const hours = profile === 'plain' ? 6 : 24;
    const long = await idle(true, hours);
    const average = { hours, requests: Math.round(long.requests / hours), bytes: Math.round(long.bytes / hours), polls: long.polls, pullModes: long.pullModes };
    await engine.stop();
    db.close();
    await crm.close();

    const g = GOALS[profile];
    const judge = (h: { requests: number; bytes: number }) => ({
      ...h, goal: { requests: `≤ ${g.idleHourRequests}`, bytes: `≤ ${g.idleHourBytes}` },
      pass: h.requests <= g.idleHourRequests && h.bytes <= g.idleHourBytes,
    });
    out[profile] = {
      firstSync: { ...first, goal: { requests: `≤ ${g.firstSyncRequests}` }, pass: first.requests <= g.firstSyncRequests },
      idleHourVisible: judge(visibleHour),
      idleHourHidden: judge(hiddenHour),
      idleHourAveragedVisible: judge(average),
    };
  }
  return out;

  /** The engine's own cadence for `ms` of simulated time; counts the polls. */
  async function runFor(time: VirtualTime, engine: ReturnType<typeof createSyncEngine>, ms: number): Promise<number> {
    const end = time.now + ms;
    let polls = 0;
    for (;;) {
      const next = time.waiting()[0];
      if (next === undefined || time.now + next > end) break;
      await time.step(engine);
      polls++;
    }
    time.now = end;
    return polls;
  }
}
