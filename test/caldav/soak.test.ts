/**
 * A small calendar soak against a real Radicale and the stand-in CRM (issue #14): random local
 * reschedules, moves and deletes made by another CalDAV client, answers lost after the server
 * acted on them, and the calendar engine killed mid-run (stop(), then a new engine over the same
 * store). After settling: every activity has exactly one event, at its time; no event is
 * duplicated or missing; and the CRM applied each reschedule exactly once (its rescheduled_count
 * equals the rep's). SOAK_SEED picks another run.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalDavClient, type DavTransport } from '#shared/caldav/client';
import { createCalendarSync, writeCalendarAccount } from '#shared/caldav/index';
import { calendarIssues, putBackInCalendar } from '#shared/caldav/issues';
import { parseCalendarObject } from '#shared/caldav/parse';
import type { CalendarSync } from '#shared/caldav/types';
import { TransportError } from '#shared/ipc/platform';
import { ENTITIES, ME, startRig } from '../soak/harness.ts';
import { fetchDavTransport } from './dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';
import { seededRng } from '../crm-server/prng.ts';

const available = radicaleAvailable();
if (!available) console.warn(skipMessage());

const SEED = Number(process.env.SOAK_SEED ?? 1414);
const STEPS = Number(process.env.CALDAV_SOAK_STEPS ?? 40);
const ACTIVITIES = 8;

describe.skipIf(!available)('calendar soak: kills, lost answers, moves on both sides', () => {
  let server: RadicaleServer;
  beforeAll(async () => { server = await startRadicale(); });
  afterAll(async () => { await server?.stop(); });

  it(`ends with one event per activity at its time, and each reschedule at the CRM once (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const random = seededRng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const other = createCalDavClient(fetchDavTransport(server.url, server.user, server.password));
    const calendarHref = (await other.makeCalendar(`/${server.user}/`, 'Fieldbook soak', `soak-${SEED}`)).href;
    const rig = await startRig({}, 'caldav-soak');
    const crm = rig.engine({ pull: { followEntities: false } });
    await writeCalendarAccount(rig.db, { serverUrl: server.url, username: server.user, calendarHref, filter: { owner: 'mine', statuses: 'open' }, doneMode: 'keep' });

    const base = fetchDavTransport(server.url, server.user, server.password);
    const counts = { kills: 0, lost: 0, localMoves: 0, remoteMoves: 0, remoteDeletes: 0, conflicts: 0 };
    let killAt = -1;
    let made = 0;
    let current: CalendarSync | null = null;
    // The app's transport with faults: an answer lost after the server acted on it, or the engine stopped at its k-th request.
    const faulty: DavTransport = {
      async request(req) {
        made += 1;
        if (made === killAt && current) { counts.kills += 1; void current.stop(); }
        const res = await base.request(req);
        if ((req.method === 'PUT' || req.method === 'DELETE') && random() < 0.12) {
          counts.lost += 1;
          throw new TransportError('network', 'the answer was lost');
        }
        return res;
      },
    };
    const newEngine = () => createCalendarSync({ db: rig.db, transport: faulty, commands: rig.commands, currentUserId: ME, random, backoff: { baseMs: 0, maxMs: 0, factor: 2 } });
    current = newEngine();

    const lids: string[] = [];
    for (let i = 0; i < ACTIVITIES; i++) {
      const row = await rig.commands.create({
        type: 'meeting', subject: `Visit ${i}`, activityable_type: ENTITIES[i % ENTITIES.length]!.type, activityable_id: ENTITIES[i % ENTITIES.length]!.id,
        due_at: `2031-04-${String(1 + i).padStart(2, '0')}T09:00:00Z`, duration_minutes: 60,
      });
      lids.push(row.lid);
    }
    await crm.push();

    const at = () => `2031-05-${String(1 + Math.floor(random() * 27)).padStart(2, '0')}T${String(7 + Math.floor(random() * 10)).padStart(2, '0')}:${pick(['00', '15', '30', '45'])}:00Z`;
    const stamp = (iso: string) => iso.replace(/[-:]/g, '');
    async function remoteEvents() {
      const { changed } = await other.syncCollection(calendarHref, null);
      return changed.length ? other.multiget(calendarHref, changed.map((c) => c.href)) : [];
    }

    for (let step = 0; step < STEPS; step++) {
      const r = random();
      if (r < 0.25) {
        const lid = pick(lids);
        const row = (await rig.db.activities.get(lid))!;
        if (row.sync !== 'conflict') { await rig.commands.reschedule(lid, { new_due_at: at() }); counts.localMoves += 1; }
      } else if (r < 0.55) {
        const evs = await remoteEvents();
        if (evs.length) {
          const ev = pick(evs);
          if (r < 0.5) {
            const start = at();
            const end = new Date(Date.parse(start) + 60 * 60_000).toISOString().replace('.000', '');
            const data = ev.data.replace(/DTSTART:[0-9TZ]+/, `DTSTART:${stamp(start)}`).replace(/DTEND:[0-9TZ]+/, `DTEND:${stamp(end)}`);
            await other.putEvent(ev.href, data, ev.etag).then(() => { counts.remoteMoves += 1; }, () => undefined);
          } else {
            await other.deleteEvent(ev.href, ev.etag).then(() => { counts.remoteDeletes += 1; }, () => undefined);
          }
        }
      } else if (r < 0.7) {
        await crm.push();
      } else {
        // A calendar run; sometimes the engine is killed at one of its requests and a new one takes the store over.
        if (random() < 0.35) killAt = made + 1 + Math.floor(random() * 6);
        await current.sync();
        if (killAt > 0 && made >= killAt) { await current.stop(); current = newEngine(); }
        killAt = -1;
      }
    }

    // Settle: decide what waits for the rep (take the calendar's side; put deleted events back), then run both sides until quiet.
    for (let round = 0; round < 8; round++) {
      for (const c of await rig.db.conflicts.toArray()) { counts.conflicts += 1; await crm.resolveConflict(c.id, 'theirs'); }
      for (const issue of await calendarIssues(rig.db)) await putBackInCalendar(rig.db, issue.key);
      await crm.push();
      await current.sync();
    }
    const quiet = { lostBefore: counts.lost };
    // Lost answers off for the last runs: the store must now agree with both servers.
    const clean = createCalendarSync({ db: rig.db, transport: base, commands: rig.commands, currentUserId: ME });
    await current.stop();
    for (let i = 0; i < 3; i++) { await crm.push(); await clean.sync(); }
    await clean.stop();
    console.info(`caldav soak seed ${SEED}:`, JSON.stringify({ ...counts, ...quiet }));

    expect(await rig.db.conflicts.count()).toBe(0);
    expect(await calendarIssues(rig.db)).toEqual([]);
    expect(await rig.db.outbox.count()).toBe(0);
    const evs = (await remoteEvents()).map((o) => ({ href: o.href, p: parseCalendarObject(o.data)! }));
    const uids = evs.map((e) => e.p.uid).sort();
    // One event per activity: none duplicated, none missing.
    expect(uids).toEqual(lids.map((l) => `${l}@fieldbook.local`).sort());
    for (const lid of lids) {
      const row = (await rig.db.activities.get(lid))!;
      const ev = evs.find((e) => e.p.uid === `${lid}@fieldbook.local`)!;
      expect(new Date(ev.p.startMs).toISOString().replace('.000', ''), `event of ${lid}`).toBe(row.due_at);
      const server = rig.crm.mutate.get(row.server_id!)!;
      expect(server.due_at, `CRM due of ${lid}`).toBe(row.due_at);
      expect(server.rescheduled_count, `CRM reschedules of ${lid}`).toBe(row.rescheduled_count);
    }
    await rig.close();
  });
});
