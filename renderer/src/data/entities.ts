/** The offline directory (leads, customers, opportunities, contacts, users) for pickers and names. */
import { useLiveQuery } from 'dexie-react-hooks';
import type { DirectoryType } from '#shared/domain/index';
import { directoryUsers, entitiesByRef, entityFollowingMoves, entityKey, type DirectoryEntity } from '#shared/sync/index';
import { useApp } from '../app/context.tsx';

/** Entities of one type matching the typed words (all of the type when empty). */
export function useEntitySearch(type: DirectoryType, text: string, limit = 20): DirectoryEntity[] | undefined {
  const { queries } = useApp();
  return useLiveQuery(() => queries.searchEntities(type, text, limit), [queries, type, text, limit]);
}

export function useEntity(type: DirectoryType | null | undefined, id: string | null | undefined): DirectoryEntity | null | undefined {
  const { db } = useApp();
  // A record created here that the server has since given its own id is found under that id.
  return useLiveQuery(async () => (type && id ? (await entityFollowingMoves(db, type, id)) ?? null : null), [db, type, id]);
}

/** Every user in the directory, by name (assignee filter, who-am-I picker). */
export function useUsers(): DirectoryEntity[] | undefined {
  const { db } = useApp();
  return useLiveQuery(() => directoryUsers(db), [db]);
}

/** A name map for a set of (type, id) pairs, for list rows. */
export function useEntityNames(keys: readonly (readonly [DirectoryType, string])[]): Map<string, string> | undefined {
  const { db } = useApp();
  const sig = keys.map(([t, i]) => `${t}:${i}`).join('|');
  return useLiveQuery(async () => {
    const unique = [...new Set(sig ? sig.split('|') : [])].map((k) => [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)] as [DirectoryType, string]);
    const found = await entitiesByRef(db, unique);
    return new Map([...found.values()].map((r) => [entityKey(r.type, r.id), r.name]));
  }, [db, sig]);
}
