/** The entities directory: pickers, names, offline "related entity" checks. */
import { Dexie } from 'dexie';
import type { DirectoryType } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import { isLocalEntityId } from '../entity-commands.ts';
import type { DirectoryEntity } from '../types.ts';
import { normalizeText, queryWords, wordsOf } from '../words.ts';

export type EntityInput = Omit<DirectoryEntity, 'words'>;

/** Insert or replace directory entries; the name words for the picker are derived here. */
export async function upsertEntities(db: FieldbookDB, entities: readonly EntityInput[]): Promise<void> {
  await db.entities.bulkPut(entities.map((e) => ({ ...e, words: wordsOf(e.name, e.email) })));
}

/** `${type}:${id}`: how the views key the directory entries they look up. */
export const entityKey = (type: string, id: string): string => `${type}:${id}`;

/**
 * The directory entries of these [type, id] references, keyed by entityKey (the unknown ones are
 * absent): one keyed read of the distinct references, not a read of the directory.
 */
export async function entitiesByRef(db: FieldbookDB, refs: Iterable<readonly [string, string]>): Promise<Map<string, DirectoryEntity>> {
  const distinct = new Map<string, [string, string]>();
  for (const [type, id] of refs) distinct.set(entityKey(type, id), [type, id]);
  const found = await db.entities.bulkGet([...distinct.values()]);
  const out = new Map<string, DirectoryEntity>();
  for (const e of found) if (e) out.set(entityKey(e.type, e.id), e);
  return out;
}

/** Every user in the directory, by name (the assignee filter, the who-am-I picker). */
export async function directoryUsers(db: FieldbookDB): Promise<DirectoryEntity[]> {
  return (await db.entities.where('type').equals('user').toArray()).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * One record; for a record created here that the server has since given its own id, the record
 * under that id (rows still on the local id follow it). Undefined when neither is known.
 */
export async function entityFollowingMoves(db: FieldbookDB, type: DirectoryType, id: string): Promise<DirectoryEntity | undefined> {
  const found = await db.entities.get([type, id]);
  if (found || !isLocalEntityId(id)) return found;
  const moved = await db.entity_ids.get(id);
  return moved ? db.entities.get([type, moved.server_id]) : undefined;
}

export async function getEntity(db: FieldbookDB, type: DirectoryType, id: string): Promise<DirectoryEntity | undefined> {
  return db.entities.get([type, id]);
}

/**
 * How well an entity's name (or email) answers the query words, or 0 when it does not: every word
 * must start a word of it, or (from 2 characters) occur anywhere in it ("corp" finds "Acme Corp",
 * "dustr" finds "Bolt Industries"). 3: the name starts with the query; 2: every word starts a
 * word; 1: some word matched only inside one.
 */
function entityMatchRank(e: DirectoryEntity, words: readonly string[], query: string): number {
  const name = normalizeText(e.name);
  const text = e.email ? `${name} ${normalizeText(e.email)}` : name;
  let inside = false;
  for (const w of words) {
    if (e.words.some((x) => x.startsWith(w))) continue;
    if (w.length < 2 || !text.includes(w)) return 0;
    inside = true;
  }
  if (inside) return 1;
  return name.startsWith(query) ? 3 : 2;
}

/**
 * Entities of one type matching every word typed (entityMatchRank), best first, then by name.
 * An empty query lists the type. A type's directory is read whole (a match may be anywhere in a
 * name, which no index can narrow; a directory is thousands of records, not the activities' 100 000).
 */
export async function searchEntities(db: FieldbookDB, type: DirectoryType, prefix: string, limit = 20): Promise<DirectoryEntity[]> {
  const words = queryWords(prefix);
  const rows = await db.entities.where('[type+id]').between([type, Dexie.minKey], [type, Dexie.maxKey]).toArray();
  const byName = (a: DirectoryEntity, b: DirectoryEntity) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1);
  if (words.length === 0) return rows.sort(byName).slice(0, limit);
  const query = normalizeText(prefix.replace(/\+/g, ' ')).trim();
  return rows
    .map((e) => ({ e, rank: entityMatchRank(e, words, query) }))
    .filter((x) => x.rank > 0)
    .sort((a, b) => b.rank - a.rank || byName(a.e, b.e))
    .slice(0, limit)
    .map((x) => x.e);
}

