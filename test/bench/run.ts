/**
 * `npm run bench`: sync and local-store figures in one run, printed as JSON.
 * Runs in Node on fake-indexeddb (not a browser's IndexedDB) against the stand-in CRM with 50 ms
 * added latency per request. Every ratio's floor is measured in the same run.
 */
import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { createCrmClient, createFetchTransport } from '#shared/api/index';
import { normalizeRemote } from '#shared/domain/index';
import { createCommands, createSyncEngine, activitiesForEntity, toLocalRow, type OutboxOp } from '#shared/sync/index';
import { coalesceQueue } from '#shared/sync/merge';
import { freshDb } from '#shared/sync/store.testing';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { HttpRequest, Transport } from '#shared/ipc/platform';
import { DIRECTORY, GUIDE_IDS } from '../crm-server/index.ts';
import { costBench } from './cost.ts';
import { goal, goalsOf, lastRunPath, mergeRuns, readLastRun, regressions, writeLastRun, type Goal } from './goals.ts';
import { queriesBench } from './queries.ts';
import { searchBrowserBench } from './search-browser.ts';
import { uiResponsivenessBench } from './ui-responsiveness.ts';
import { upgradeBrowserBench } from './upgrade-browser.ts';
import { launchBench } from './launch-browser.ts';
import { bundleBench } from './bundle.ts';
import { caldavBench } from './caldav.ts';

interface Remote { url: string; token: string; close(): Promise<void> }

/** startCrmServer in a child process (see server-child.ts). */
async function startRemote(opts: Record<string, unknown>): Promise<Remote> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./server-child.ts', import.meta.url).pathname, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`CRM child exited with ${code}`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return { url, token, close: () => new Promise<void>((r) => { child.once('exit', () => r()); child.stdin.end(); }) };
}

/** Counts requests on the client side. */
function counted(inner: Transport): Transport & { count: number } {
  const t = { count: 0, request: (req: HttpRequest) => { t.count++; return inner.request(req); } };
  return t;
}

const ME = GUIDE_IDS.jane;
const LATENCY_MS = 50;
const CONCURRENCY = 6;
const ENTITIES = DIRECTORY.customers.map((c) => c.id);

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0) * 100) / 100;
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Median time of a small authenticated GET: one network round trip including the added latency. */
async function roundTrip(crm: Remote): Promise<number> {
  const client = createCrmClient(createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token }));
  const a = (await client.createActivity({ type: 'call', subject: 'RTT probe', activityable_type: 'customer', activityable_id: ENTITIES[0]! }, 'rtt-probe')).data;
  const samples: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await client.getActivity(a.id);
    samples.push(performance.now() - t0);
  }
  return pct(samples, 50);
}

/** 1000 ops over 300 activities, queued offline with the store's commands. */
async function queuePushWorkload(label: string) {
  const db = freshDb(label);
  const commands = createCommands(db, { currentUser: () => ({ id: ME, name: 'Jane Manager' }) });
  let ops = 0;
  for (let i = 0; i < 300; i++) {
    const a = await commands.create({
      type: 'call', subject: `Bench ${i}`, activityable_type: 'customer', activityable_id: ENTITIES[i % ENTITIES.length]!,
      due_at: `2031-02-${String(1 + (i % 27)).padStart(2, '0')}T10:00:00Z`,
    });
    await commands.reschedule(a.lid, { new_due_at: `2031-03-${String(1 + (i % 27)).padStart(2, '0')}T11:00:00Z`, update_reminder: true });
    ops += 2;
    if (i < 100) {
      await commands.update(a.lid, { description: `Prep notes ${i}` });
      ops++;
    }
    await commands.complete(a.lid, { outcome: `Done ${i}` });
    ops++;
  }
  return { db, ops };
}

async function pushBench(rtt: number) {
  const run = async (concurrency: number, label: string) => {
    const crm = await startRemote({ latencyMs: LATENCY_MS });
    const { db, ops } = await queuePushWorkload(label);
    // The requests the run must make: the queue after coalescing (nothing here coalesces).
    const all = await db.outbox.orderBy('seq').toArray();
    const byLid = new Map<string, OutboxOp[]>();
    for (const o of all) byLid.set(o.lid, [...(byLid.get(o.lid) ?? []), o]);
    const chains = [...byLid.values()].map((q) => q.length - coalesceQueue(q).remove.length);
    const transport = counted(createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token }));
    const engine = createSyncEngine({ db, transport, currentUserId: () => ME, concurrency, intervalMs: 0, debounceMs: 3_600_000 });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await engine.push();
    const time = ms(t0);
    const cpu = process.cpuUsage(cpu0);
    const clientCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const requests = transport.count;
    const left = await db.outbox.count();
    await engine.stop();
    db.close();
    await crm.close();
    return { ops, activities: byLid.size, requests, longestChain: Math.max(...chains), time, clientCpuMs, left, failed: report.push?.failed ?? -1 };
  };
  const par = await run(CONCURRENCY, 'bench-push');
  const seq = process.env.BENCH_NO_SEQ ? par : await run(1, 'bench-push-seq');
  const floorRoundTrips = Math.max(par.longestChain, Math.ceil(par.requests / CONCURRENCY));
  const floor = floorRoundTrips * rtt;
  return {
    ops: par.ops, activities: par.activities, requests: par.requests, concurrency: CONCURRENCY, longestChain: par.longestChain,
    floorRoundTrips, floorMs: Math.round(floor), timeMs: par.time, ratio: round(par.time / floor), target: 1.3,
    clientCpuMs: par.clientCpuMs,
    sequentialTimeMs: seq.time, sequentialRequests: seq.requests, speedupVsSequential: round(seq.time / par.time, 2),
    leftInOutbox: par.left + seq.left, failed: par.failed + seq.failed,
  };
}

async function pullBench() {
  const N = 20_000;
  const crm = await startRemote({ latencyMs: LATENCY_MS, seed_activities: { n: N, assignedUserId: ME } });
  const transport = createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token });

  // Floor part 1: fetching the same pages the same way (first page, then the rest CONCURRENCY at a time), nothing else.
  const client = createCrmClient(transport);
  const q = { assigned_user_id: ME, per_page: 100 };
  let t0 = performance.now();
  const first = await client.listActivities({ ...q, page: 1 });
  const pages = [first];
  const rest = Array.from({ length: first.meta.last_page - 1 }, (_, i) => i + 2);
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < rest.length) pages.push(await client.listActivities({ ...q, page: rest[next++]! }));
  }));
  const fetchMs = ms(t0);
  const items = pages.flatMap((p) => p.items);

  // Floor part 2: a bare Dexie bulkPut of the same rows into an empty store.
  const bare = freshDb('bench-bare');
  const rows = items.map((r, i) => { const a = normalizeRemote(r); return toLocalRow(a, { lid: `l${i}`, base: a, sync: 'synced' }); });
  t0 = performance.now();
  await bare.activities.bulkPut(rows);
  const bulkPutMs = ms(t0);
  bare.close();

  const db = freshDb('bench-pull');
  const engine = createSyncEngine({ db, transport, currentUserId: () => ME, intervalMs: 0, concurrency: CONCURRENCY, pull: { followEntities: false } });
  t0 = performance.now();
  const report = await engine.pull();
  const pullMs = ms(t0);
  const stored = await db.activities.count();
  await engine.stop();
  db.close();
  await crm.close();
  const floor = fetchMs + bulkPutMs;
  return {
    serverActivities: N, pages: pages.length, itemsFetched: items.length, stored, pullReport: report.pull,
    pageFetchFloorMs: fetchMs, bareBulkPutMs: bulkPutMs, floorMs: Math.round(floor), timeMs: pullMs, ratio: round(pullMs / floor), target: 1.5,
    scope: 'assigned_user_id = me (followed-entity scan off for this measurement)',
  };
}

async function localBench() {
  const db = freshDb('bench-local');
  const commands = createCommands(db, { currentUser: () => ({ id: ME, name: 'Jane Manager' }) });
  const lids: string[] = [];
  for (let i = 0; i < 500; i++) {
    lids.push((await commands.create({ type: 'call', subject: `Local ${i}`, activityable_type: 'customer', activityable_id: ENTITIES[i % 4]!, due_at: '2031-05-01T10:00:00Z' })).lid);
  }
  const command: number[] = [];
  const visible: number[] = [];
  for (let i = 0; i < 300; i++) {
    const lid = lids[i % lids.length]!;
    const want = `Edited ${i}`;
    // A live query as a view would hold it: the entity's activity list.
    const seen = new Promise<number>((resolve) => {
      const sub = liveQuery(() => activitiesForEntity(db, 'customer', ENTITIES[(i % lids.length) % 4]!)).subscribe({
        next: (list) => {
          if (list.some((a) => a.lid === lid && a.description === want)) { sub.unsubscribe(); resolve(performance.now()); }
        },
      });
    });
    await new Promise((r) => setTimeout(r, 0));
    const t0 = performance.now();
    await commands.update(lid, { description: want });
    command.push(performance.now() - t0);
    visible.push((await seen) - t0);
  }
  db.close();
  return {
    samples: command.length, storeRows: lids.length,
    commandMs: { p50: pct(command, 50), p95: pct(command, 95), max: pct(command, 100) },
    liveQueryVisibleMs: { p50: pct(visible, 50), p95: pct(visible, 95), max: pct(visible, 100) },
    liveQuery: 'activitiesForEntity (125 rows) re-run by Dexie liveQuery after the command commits',
  };
}

// BENCH_ONLY=push|pull|local|queries|search|ui|upgrade|launch|cost|bundle|caldav runs one part (a comma list runs several; the default runs all).
const only = process.env.BENCH_ONLY?.split(',');
const runs = (part: string) => !only || only.includes(part);
const os = await import('node:os');
const loadAverage = () => os.loadavg().map((x) => round(x, 2));
const startedAt = new Date().toISOString();
const loadAtStart = loadAverage();
const rttCrm = await startRemote({ latencyMs: LATENCY_MS });
const rtt = await roundTrip(rttCrm);
await rttCrm.close();
const push = runs('push') ? await pushBench(rtt) : null;
const pull = runs('pull') ? await pullBench() : null;
const local = runs('local') ? await localBench() : null;
const queries = runs('queries') ? await queriesBench() : null;
// Issue 5 in Debian Chromium: typing in search and opening views over 100 000 local activities.
const searchBrowser = runs('search') ? await searchBrowserBench() : null;
// Issue 4 in Debian Chromium: UI-thread responsiveness during a 20 000 pull, engine in the worker vs in-thread (BENCH_ONLY=ui).
const uiResponsiveness = runs('ui') ? await uiResponsivenessBench() : null;
// The first start after schema v7 on an existing store of 100 000 activities (BENCH_ONLY=upgrade).
const schemaUpgrade = runs('upgrade') ? await upgradeBrowserBench() : null;
// Issue 12: launch → interactive Calendar on the production build at 100 000, and the JS heap after every view (BENCH_ONLY=launch).
const launch = runs('launch') ? await launchBench() : null;
// Issue 18: requests and bytes of a first sync of 5 000 and of an idle hour, plain CRM and extensions on (BENCH_ONLY=cost).
const costToCrm = runs('cost') ? await costBench(startRemote) : null;
// Issue 12: the JavaScript the start page loads before the Calendar shows, production web build (BENCH_ONLY=bundle).
const bundle = runs('bundle') ? await bundleBench() : null;
// Issue 14: 2 000 activities to an empty calendar on Radicale, then an idle poll, in requests and seconds (BENCH_ONLY=caldav).
const caldav = runs('caldav') ? await caldavBench() : null;

// Every figure with a goal, beside it; then what got more than 20% worse than last time.
const goals: Goal[] = [
  ...(push ? [goal('push.ratioToFloor', push.ratio, { atMost: push.target }, 'time ÷ floor')] : []),
  ...(pull ? [goal('pull.ratioToFloor', pull.ratio, { atMost: pull.target }, 'time ÷ floor')] : []),
  ...[searchBrowser, queries, local, uiResponsiveness, schemaUpgrade, launch, costToCrm, bundle, caldav].flatMap(goalsOf),
];
const previous = await readLastRun();
const flagged = regressions(previous.goals, goals);
const result = {
  environment: {
    runtime: `Node ${process.versions.node}`, indexedDB: 'fake-indexeddb (in-process, not a browser) for push/pull/local/queries', addedLatencyMs: LATENCY_MS,
    crm: 'startCrmServer in a child process', measuredRoundTripMs: rtt, cpus: os.cpus().length,
    loadAverage: { note: '1, 5 and 15 minute load averages (os.loadavg)', atStart: loadAtStart, atEnd: loadAverage() },
    startedAt, parts: only ?? 'all', lastRun: lastRunPath(),
  },
  goals,
  goalsMissed: goals.filter((g) => !g.ok).map((g) => g.name),
  regressions: flagged,
  push, pull, local, queries, searchBrowser, uiResponsiveness, schemaUpgrade, launch, costToCrm, bundle, caldav,
};
await writeLastRun({ ...result, goals: mergeRuns(previous.goals, goals, startedAt) });
console.log(JSON.stringify(result, null, 2));
