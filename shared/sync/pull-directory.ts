/**
 * The offline directory (leads, customers, opportunities, contacts, users): every page of each
 * collection, entries gone from the server dropped, local unsent edits re-applied on top.
 */
import { ENTITY_COLLECTIONS, COLLECTION_OF, type EntityCollection } from '../api/envelope.ts';
import type { Page, RemoteEntity } from '../api/client.ts';
import type { DirectoryType } from '../domain/index.ts';
import { assertAlive, yieldToEventLoop, type SyncContext } from './context.ts';
import { reapplyPendingEntities } from './entity-commands.ts';
import { pageCount, restOfPages, retryGet } from './pull-pages.ts';
import type { DirectoryEntity } from './types.ts';
import { wordsOf } from './words.ts';

const TYPE_OF: Record<EntityCollection, DirectoryType> = Object.fromEntries(
  Object.entries(COLLECTION_OF).map(([t, c]) => [c, t]),
) as Record<EntityCollection, DirectoryType>;

export function toDirectoryEntity(type: DirectoryType, e: RemoteEntity): DirectoryEntity {
  return {
    type, id: e.id, name: e.name, email: e.email ?? null, phone: e.phone ?? null, value: e.value ?? null,
    stage: e.stage ?? null, status: e.status ?? null, customer_id: e.customer_id ?? null, time_zone: e.time_zone ?? null,
    words: wordsOf(e.name),
    // Every field the server sent, for the opportunity/customer edit forms (offline too).
    details: { ...e },
  };
}

/** Refresh the offline directory (leads, customers, opportunities, contacts, users); entries gone from the server are dropped. */
export async function pullDirectory(ctx: SyncContext): Promise<Record<DirectoryType, number>> {
  const counts = {} as Record<DirectoryType, number>;
  for (const collection of ENTITY_COLLECTIONS) {
    const type = TYPE_OF[collection];
    const seen = new Set<string>();
    const write = async (page: Page<RemoteEntity>) => {
      assertAlive(ctx);
      const rows = page.items.map((e) => toDirectoryEntity(type, e));
      for (const r of rows) seen.add(r.id);
      await ctx.db.entities.bulkPut(rows);
      await yieldToEventLoop(ctx);
    };
    const get = (page: number) => ctx.client.listEntities(collection, { page, per_page: ctx.pageSize });
    const first = await retryGet(ctx, () => get(1));
    await write(first);
    await restOfPages(ctx, pageCount(first.meta, first.items.length, ctx.pageSize), get, write);
    assertAlive(ctx);
    const stale = (await ctx.db.entities.where('type').equals(type).primaryKeys()).filter(([, id]) => !seen.has(id));
    if (stale.length) await ctx.db.entities.bulkDelete(stale);
    counts[type] = seen.size;
  }
  // Records created or edited here and not yet sent show as the rep left them.
  await reapplyPendingEntities(ctx.db);
  return counts;
}
