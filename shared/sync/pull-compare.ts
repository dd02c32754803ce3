/**
 * Pull stage: is a list item news? Compared with the row's last server snapshot (base) on exactly
 * the fields the item carries; equal means no detail GET and no write (pull.ts header, point 1).
 */
import { MERGEABLE_FIELDS, normalizeRemote, type Activity, type RemoteActivity } from '../domain/index.ts';

/** The fields compared between a list item and the stored snapshot (when the item carries them). */
export const COMPARED = [...MERGEABLE_FIELDS, 'created_at', 'updated_at'] as const;

export function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'string' && typeof b === 'string' && field.endsWith('_at')) {
    const x = Date.parse(a);
    const y = Date.parse(b);
    return !Number.isNaN(x) && x === y;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return stable(a) === stable(b);
  return false;
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Does the list item say something the snapshot does not? Only the fields the item carries are
 * compared (ids also from `activityable`/`assigned_user`/`contact`); is_overdue is derived from
 * the clock and ignored, as are fields this version does not know.
 */
export function listChanged(item: RemoteActivity, base: Activity): boolean {
  const a = normalizeRemote(item);
  const has = (f: string) =>
    f in item || (f === 'activityable_id' && !!item.activityable) || (f === 'assigned_user_id' && !!item.assigned_user) || (f === 'contact_id' && 'contact' in item);
  return COMPARED.some((f) => has(f) && !sameValue(f, a[f], base[f]));
}
