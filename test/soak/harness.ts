/**
 * Wiring for the sync suites: the stand-in CRM, a fresh fake-indexeddb database, the store's
 * commands (as the UI calls them) and a sync engine over the fetch transport.
 */
import 'fake-indexeddb/auto';
import { createFetchTransport } from '#shared/api/index';
import {
  createCommands, type Commands, createSyncEngine, type SyncEngine, type SyncEngineOptions, type FieldbookDB, type OutboxOp,
} from '#shared/sync/index';
import { freshDb } from '#shared/sync/store.testing';
import { DIRECTORY, GUIDE_IDS, startCrmServer, type CrmServer, type CrmServerOptions } from '../crm-server/index.ts';

export const ME = GUIDE_IDS.jane;

export interface Rig {
  crm: CrmServer;
  db: FieldbookDB;
  commands: Commands;
  engine: (extra?: Partial<SyncEngineOptions>) => SyncEngine;
  /** Commands as the UI makes them with Undo: each op held `windowMs`; `committed` gets each command's ops. */
  undoable(windowMs: number): { commands: Commands; committed: OutboxOp[][] };
  close(): Promise<void>;
}

export async function startRig(server: CrmServerOptions = {}, label = 'sync'): Promise<Rig> {
  const crm = await startCrmServer({ port: 0, ...server });
  const db = freshDb(label);
  const commands = createCommands(db, { currentUser: () => ({ id: ME, name: 'Jane Manager' }) });
  const transport = createFetchTransport({ baseUrl: crm.url, getToken: () => crm.token, defaultTimeoutMs: 5_000 });
  return {
    crm, db, commands,
    engine: (extra = {}) => createSyncEngine({ db, transport, currentUserId: () => ME, intervalMs: 0, debounceMs: 10, ...extra }),
    undoable(windowMs) {
      const committed: OutboxOp[][] = [];
      const held = createCommands(db, {
        currentUser: () => ({ id: ME, name: 'Jane Manager' }), undoWindowMs: () => windowMs, onCommitted: (ops) => committed.push(ops),
      });
      return { commands: held, committed };
    },
    async close() {
      db.close();
      await crm.close();
    },
  };
}

/** Related records that exist on the stand-in (activities must point at one). */
export const ENTITIES: { type: 'customer' | 'opportunity' | 'lead'; id: string }[] = [
  ...DIRECTORY.customers.map((e) => ({ type: 'customer' as const, id: e.id })),
  ...DIRECTORY.opportunities.map((e) => ({ type: 'opportunity' as const, id: e.id })),
  ...DIRECTORY.leads.map((e) => ({ type: 'lead' as const, id: e.id })),
];
