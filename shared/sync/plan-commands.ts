/**
 * Applying an activity plan (issue 15) to a record: every step becomes a real activity through the
 * store's own create command (its validation, reminder default and outbox op), all inside ONE outer
 * Dexie transaction, so a plan is written entirely or not at all, offline too, and each activity
 * then syncs like any other.
 */
import { ValidationError, expandPlan, planSchema, type ExpandOptions, type ExpandedStep, type FieldErrors } from '../domain/index.ts';
import { parseOrThrow, type Commands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import type { LocalActivity } from './types.ts';

export interface PlanCommandDeps {
  db: FieldbookDB;
  commands: Commands;
}

export interface AppliedPlan {
  /** The expansion that was written (times, warnings as the preview showed them). */
  steps: ExpandedStep[];
  /** The created activities, in step order. */
  rows: LocalActivity[];
}

export interface PlanCommands {
  /**
   * Expands `plan` with `opts` (the preview's start, shifts and record) and creates every step.
   * A step the create validation refuses fails the whole plan with its errors as `steps.N.field`.
   */
  applyPlan(plan: unknown, opts: ExpandOptions): Promise<AppliedPlan>;
}

export function createPlanCommands(deps: PlanCommandDeps): PlanCommands {
  const { db, commands } = deps;

  async function applyPlan(plan: unknown, opts: ExpandOptions): Promise<AppliedPlan> {
    const valid = parseOrThrow(planSchema, plan);
    const steps = expandPlan(valid, opts);
    const errors: FieldErrors = {};
    for (const s of steps) {
      for (const [field, messages] of Object.entries(s.errors ?? {})) errors[`steps.${s.index}.${field}`] = messages;
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    // The store's create runs as a sub-transaction of this one: a failure in any step undoes them all.
    const rows = await db.transaction('rw', db.activities, db.outbox, async () => {
      const out: LocalActivity[] = [];
      for (const s of steps) out.push(await commands.create(s.input));
      return out;
    });
    return { steps, rows };
  }

  return { applyPlan };
}
