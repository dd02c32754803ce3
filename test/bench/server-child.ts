/**
 * The stand-in CRM in its own process for the benchmarks, so its CPU work (SQLite, JSON,
 * validation) does not share the client's event loop, as with a real remote CRM.
 * argv[2]: JSON of startCrmServer options plus `seed_activities` ({ n, assignedUserId }).
 * Prints one JSON line { url, token } when listening; exits when stdin closes.
 */
import { startCrmServer, type CrmServerOptions } from '../crm-server/index.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as CrmServerOptions & { seed_activities?: { n: number; assignedUserId: string } };
const { seed_activities: seed, ...serverOpts } = opts;
const crm = await startCrmServer({ port: 0, ...serverOpts });
if (seed) crm.seedActivities(seed.n, { assignedUserId: seed.assignedUserId, assignedShare: 1, seed: 11 });
process.stdout.write(`${JSON.stringify({ url: crm.url, token: crm.token })}\n`);
process.stdin.resume();
process.stdin.on('end', () => { void crm.close().then(() => process.exit(0)); });
