/**
 * shared/sync's front door serves headless use: a Node script opens a store, builds an engine over
 * the fetch transport and syncs, importing nothing from inside shared/sync. The example, as a
 * script would write it (docs/ quotes it):
 *
 *   import { IDBKeyRange, indexedDB } from 'fake-indexeddb';            // IndexedDB for Node
 *   import { createFetchTransport } from '#shared/api/index';
 *   import { createCommands, createQueries, createSyncEngine, openDatabase } from '#shared/sync/index';
 *
 *   const db = openDatabase('fieldbook-headless', { indexedDB, IDBKeyRange });
 *   const transport = createFetchTransport({ baseUrl: CRM_URL, getToken: () => CRM_TOKEN });
 *   let me: string | null = null;                                        // the rep the pull is scoped to
 *   const engine = createSyncEngine({ db, transport, currentUserId: () => me, intervalMs: 0 });
 *   me = (await engine.whoAmI())?.id ?? MY_USER_ID;                      // GET /users/me where offered
 *   await engine.syncNow();                                              // push what is queued, then pull
 *   const commands = createCommands(db, { currentUser: () => ({ id: me!, name: 'Me' }) });
 *   await commands.create({ type: 'call', subject: 'Call back', activityable_type: 'customer', activityable_id: CUSTOMER_ID });
 *   await engine.push();                                                 // the new call reaches the CRM
 *   console.log((await createQueries(db).list({ search: 'call back' })).meta.total);
 *   await engine.stop(); db.close();
 *
 * Run against the stand-in CRM (test/crm-server) on 127.0.0.1, with its extensions and in its plain
 * profile (the real central CRM's behaviour: no /users/me, no updated_since, guide-shaped answers).
 */
import { readFileSync } from 'node:fs';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchTransport } from '#shared/api/index';
import { createCommands, createQueries, createSyncEngine, openDatabase, type FieldbookDB, type SyncEngine } from '#shared/sync/index';
import { GUIDE_IDS, startCrmServer, type CrmServer } from '../crm-server/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let dbSeq = 0;

async function headless(plain: boolean): Promise<{ crm: CrmServer; db: FieldbookDB; engine: SyncEngine; me: () => string | null }> {
  const crm = await startCrmServer({ port: 0, host: '127.0.0.1', demo: true, plain });
  cleanups.push(() => crm.close());
  const db = openDatabase(`fieldbook-headless-${++dbSeq}`, { indexedDB, IDBKeyRange });
  cleanups.push(() => db.close());
  const transport = createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token, defaultTimeoutMs: 10_000 });
  let me: string | null = null;
  const engine = createSyncEngine({ db, transport, currentUserId: () => me, intervalMs: 0 });
  cleanups.push(() => engine.stop());
  // The plain CRM has no /users/me: a script then knows its rep's id some other way.
  me = (await engine.whoAmI())?.id ?? GUIDE_IDS.jane;
  return { crm, db, engine, me: () => me };
}

describe.each([
  { profile: 'with extensions', plain: false },
  { profile: 'plain (as the central CRM)', plain: true },
])('headless sync through the front door, $profile', ({ plain }) => {
  it('pulls the rep\'s activities, pushes a change made here, and pulls one made on the CRM', { timeout: 90_000 }, async () => {
    const { crm, db, engine, me } = await headless(plain);
    expect(me()).toBe(crm.userId);

    const first = await engine.syncNow();
    expect(first.error).toBeNull();
    const queries = createQueries(db);
    const pulled = await queries.total();
    expect(pulled).toBeGreaterThan(0);

    const commands = createCommands(db, { currentUser: () => ({ id: me()!, name: 'Jane Manager' }) });
    const made = await commands.create({
      type: 'call', subject: 'Headless call back', activityable_type: 'customer', activityable_id: GUIDE_IDS.customer423,
    });
    const pushed = await engine.push();
    expect(pushed.push?.failed).toBe(0);
    const serverId = (await queries.detail(made.lid))?.server_id;
    if (!serverId) throw new Error('the pushed call has no server id');
    expect(crm.mutate.get(serverId)).toMatchObject({ subject: 'Headless call back', activityable_id: GUIDE_IDS.customer423 });

    crm.mutate.update(serverId, { subject: 'Renamed on the CRM' });
    await engine.pull({ full: true });
    expect((await queries.detail(made.lid))?.subject).toBe('Renamed on the CRM');
    expect((await queries.search('renamed on the')).items.map((a) => a.lid)).toEqual([made.lid]);
  });
});

it('this file reaches shared/sync and shared/api only through their front doors', () => {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const shared = [...source.matchAll(/^import .* from '(#shared\/[^']+)';$/gm)].map((m) => m[1]);
  expect(shared).toEqual(['#shared/api/index', '#shared/sync/index']);
});
