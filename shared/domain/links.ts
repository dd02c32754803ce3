/**
 * Links between activities kept in custom_fields (series, prep task → activity, follow-up →
 * source). The CRM has no relation for these, so the value is the target's server id when it has
 * one (every device can resolve it) and its local lid otherwise (offline, before the first sync).
 */

/** Identity as the server (id) or the local store (lid, server_id) knows it. */
export interface Identity {
  id?: string;
  lid?: string;
  server_id?: string | null;
}

/** Every reference that names this activity. */
export function activityRefs(a: Identity): string[] {
  return [a.server_id, a.id, a.lid].filter((x): x is string => typeof x === 'string' && x.length > 0);
}

/** The reference to store in a link: the server id where known, else the lid. */
export function linkRef(a: Identity): string {
  const ref = a.server_id ?? a.id ?? a.lid;
  if (!ref) throw new Error('An activity needs an id or a lid to be linked to.');
  return ref;
}

/** True when the link value names `a`. */
export function refersTo(value: unknown, a: Identity): boolean {
  return typeof value === 'string' && value.length > 0 && activityRefs(a).includes(value);
}

export function sameActivity(a: Identity, b: Identity): boolean {
  const refs = activityRefs(b);
  return activityRefs(a).some((r) => refs.includes(r));
}

export const PREP_FOR_FIELD = 'prep_for';
export const FOLLOW_UP_OF_FIELD = 'follow_up_of';
