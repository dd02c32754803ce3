/**
 * The stand-in CRM in its own process for the benchmarks, so its CPU work (SQLite, JSON,
 * validation) does not share the client's event loop, as with a real remote CRM.
 * argv[2]: JSON of startCrmServer options plus `seed_activities` ({ n, assignedUserId, assignedShare?, spreadDays?, seed? }, or a list of them).
 * Prints one JSON line { url, token } when listening; exits when stdin closes.
 */
import { startCrmServer, type CrmServerOptions } from '../crm-server/index.ts';

interface SeedSpec { n: number; assignedUserId: string; assignedShare?: number; spreadDays?: number; seed?: number }
const opts = JSON.parse(process.argv[2] ?? '{}') as CrmServerOptions & { seed_activities?: SeedSpec | SeedSpec[] };
const { seed_activities: seed, ...serverOpts } = opts;
const crm = await startCrmServer({ port: 0, ...serverOpts });
for (const [i, s] of (seed === undefined ? [] : Array.isArray(seed) ? seed : [seed]).entries()) {
  crm.seedActivities(s.n, { assignedUserId: s.assignedUserId, assignedShare: s.assignedShare ?? 1, seed: s.seed ?? 11 + i, ...(s.spreadDays ? { spreadDays: s.spreadDays } : {}) });
}
process.stdout.write(`${JSON.stringify({ url: crm.url, token: crm.token })}\n`);
process.stdin.resume();
process.stdin.on('end', () => { void crm.close().then(() => process.exit(0)); });
