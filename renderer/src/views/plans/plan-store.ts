/**
 * The rep's activity plans live on the device, beside the other preferences in sync_meta (one
 * key, no table of their own: the schema stays as it is). Until the rep changes anything the
 * shipped examples are the list.
 */
import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { SHIPPED_PLANS, planSchema, type Plan } from '#shared/domain/index';
import { createPlanCommands, type FieldbookDB, type PlanCommands } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';

export const PLANS_KEY = 'ui.plans';

interface StoredPlans {
  version: 1;
  plans: unknown[];
}

/** The stored plans; one that no longer reads as a plan (an older or damaged entry) is left out, not the list. */
export async function readPlans(db: FieldbookDB): Promise<Plan[]> {
  const row = await db.sync_meta.get(PLANS_KEY);
  const stored = row?.value as Partial<StoredPlans> | undefined;
  if (!stored || !Array.isArray(stored.plans)) return SHIPPED_PLANS.map((p) => structuredClone(p));
  const out: Plan[] = [];
  for (const p of stored.plans) {
    const r = planSchema.safeParse(p);
    if (r.success) out.push(r.data);
  }
  return out;
}

export async function writePlans(db: FieldbookDB, plans: readonly Plan[]): Promise<void> {
  const value: StoredPlans = { version: 1, plans: plans.map((p) => structuredClone(p)) };
  await db.sync_meta.put({ key: PLANS_KEY, value });
}

/** The plans, following every change (Settings and the apply dialog stay in step). Undefined while loading. */
export function usePlans(): Plan[] | undefined {
  const { db } = useApp();
  return useLiveQuery(() => readPlans(db), [db]);
}

export function usePlanCommands(): PlanCommands {
  const { db, commands } = useApp();
  return useMemo(() => createPlanCommands({ db, commands }), [db, commands]);
}
