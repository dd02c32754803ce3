/**
 * Issue 14 (BENCH_ONLY=caldav): the calendar sync of 2 000 activities to an empty calendar on a
 * real CalDAV server (Radicale on 127.0.0.1, its own temp storage, no added latency), then an
 * idle poll, in requests and seconds. Store on fake-indexeddb, as the other Node parts.
 */
import { createCalDavClient, createCalendarSync, writeCalendarAccount } from '#shared/caldav/index';
import { createCommands, toLocalRow } from '#shared/sync/index';
import { freshDb, serverActivity } from '#shared/sync/store.testing';
import { fetchDavTransport } from '../caldav/dav-transport.testing.ts';
import { radicaleAvailable, skipMessage, startRadicale } from '../caldav/radicale.testing.ts';
import { goal, type Goal } from './goals.ts';

/** 2 000 by default; BENCH_CALDAV_N for a smaller run (Radicale's PUTs are slow on a loaded machine). */
const ACTIVITIES = Number(process.env.BENCH_CALDAV_N ?? 2_000);
const ME = { id: 'u-bench', name: 'Bench Rep', email: 'bench@example.com' };

export interface CaldavBench {
  activities: number;
  firstSync: { seconds: number; requests: number; puts: number; events: number };
  idlePoll: { seconds: number; requests: number; puts: number };
  /** A run after one activity moved: one PUT, plus the poll. */
  oneMove: { seconds: number; requests: number; puts: number };
  server: string;
  goals: Goal[];
}

export async function caldavBench(): Promise<CaldavBench | { skipped: string }> {
  if (!radicaleAvailable()) return { skipped: skipMessage() };
  const server = await startRadicale();
  const db = freshDb('bench-caldav');
  try {
    const other = createCalDavClient(fetchDavTransport(server.url, server.user, server.password));
    const home = (await other.discover()).calendarHome;
    const cal = await other.makeCalendar(home, 'Fieldbook');
    const start = Date.parse('2031-01-05T08:00:00Z');
    const rows = Array.from({ length: ACTIVITIES }, (_, i) => {
      const a = serverActivity({
        id: `srv-${i}`, subject: `Visit ${i}`, assigned_user_id: ME.id, location: `Site ${i % 40}`,
        due_at: new Date(start + Math.floor(i / 8) * 86_400_000 + (i % 8) * 3_600_000).toISOString(), duration_minutes: 45, reminder_at: null,
      });
      return toLocalRow(a, { lid: `L${String(i).padStart(5, '0')}`, base: a, sync: 'synced' });
    });
    await db.activities.bulkPut(rows);
    await writeCalendarAccount(db, { serverUrl: server.url, username: server.user, calendarHref: cal.href, filter: { owner: 'mine', statuses: 'open' }, doneMode: 'keep' });
    const commands = createCommands(db, { currentUser: () => ME });
    const sync = createCalendarSync({ db, transport: fetchDavTransport(server.url, server.user, server.password), commands, currentUserId: ME.id });
    const timed = async () => {
      const t0 = performance.now();
      const report = await sync.sync();
      if (report.error) throw new Error(`calendar bench: ${report.error}`);
      return { seconds: Math.round(performance.now() - t0) / 1000, requests: report.requests, puts: report.put };
    };
    const first = await timed();
    const events = (await other.syncCollection(cal.href, null)).changed.length;
    const idle = await timed();
    await commands.reschedule(rows[0]!.lid, { new_due_at: '2031-01-05T10:30:00Z', reason: 'bench' });
    const move = await timed();
    await sync.stop();
    return {
      activities: ACTIVITIES, firstSync: { ...first, events }, idlePoll: idle, oneMove: move,
      server: 'Radicale (Debian package) on 127.0.0.1, no added latency',
      goals: [
        goal('caldav.firstSyncRequestsPerEvent', first.requests / ACTIVITIES, { atMost: 1.05 }, 'requests ÷ events'),
        goal('caldav.idlePollRequests', idle.requests, { atMost: 1 }, 'requests'),
        // Per event, so runs of another BENCH_CALDAV_N compare; Radicale's own PUT is most of it.
        goal('caldav.firstSyncMsPerEvent', Math.round((first.seconds * 1000 / ACTIVITIES) * 10) / 10, { atMost: 100 }, 'ms ÷ event'),
      ],
    };
  } finally {
    await db.delete();
    await server.stop();
  }
}
