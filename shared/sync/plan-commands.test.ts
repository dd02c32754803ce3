import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { SALES_SERIES_PLAN, ValidationError } from '../domain/index.ts';
import { createCommands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import { createPlanCommands } from './plan-commands.ts';
import { freshDb, sequentialIds, snapshot } from './store.testing.ts';

const ME = { id: 'u-me', name: 'Ann Rep' };
const OPP = { type: 'opportunity' as const, id: 'opp-1', name: 'Initech - Workflow Automation Platform' };
const START = '2025-12-22T10:00:00Z';

const open: FieldbookDB[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.delete()));
});

function setup(newId: () => string = sequentialIds('L')) {
  const db = freshDb('plans');
  open.push(db);
  const changes = { n: 0 };
  const commands = createCommands(db, { now: () => Date.parse('2025-12-19T12:00:00Z'), newId, currentUser: () => ME, onChange: () => { changes.n += 1; } });
  return { db, plans: createPlanCommands({ db, commands }), changes };
}

describe('applyPlan', () => {
  it('creates every step as a pending activity with its own create op carrying the guide\'s fields', async () => {
    const { db, plans, changes } = setup();
    const r = await plans.applyPlan(SALES_SERIES_PLAN, { start: START, timeZone: 'UTC', record: OPP });
    expect(r.rows.map((a) => [a.subject, a.due_at, a.status, a.sync])).toEqual([
      ['Initial Discovery Call - Requirements Gathering', '2025-12-22T10:00:00Z', 'pending', 'pending'],
      ['Product Demo - Platform Capabilities', '2025-12-29T14:00:00Z', 'pending', 'pending'],
      ['Demo Follow-up - Answer Questions', '2026-01-05T11:00:00Z', 'pending', 'pending'],
    ]);
    const ops = await db.outbox.orderBy('seq').toArray();
    expect(ops.map((o) => [o.kind, o.lid])).toEqual(r.rows.map((a) => ['create', a.lid]));
    expect(ops[1]?.payload).toMatchObject({
      type: 'demo', activityable_type: 'opportunity', activityable_id: 'opp-1', assigned_user_id: 'u-me', due_at: '2025-12-29T14:00:00Z',
      duration_minutes: 60, priority: 'high', tags: ['demo', 'platform-overview'],
      description: 'Demonstrate key features aligned with requirements from discovery call. Include integration capabilities and customization options.',
    });
    // The store's create applied the type's reminder default (a call: 15 minutes before).
    expect(r.rows[0]?.reminder_at).toBe('2025-12-22T09:45:00Z');
    expect(changes.n).toBeGreaterThan(0);
  });

  it('applies the preview\'s shifts', async () => {
    const { plans } = setup();
    const r = await plans.applyPlan(SALES_SERIES_PLAN, { start: START, timeZone: 'UTC', record: OPP, shifts: [0, 24 * 60, 0] });
    expect(r.rows.map((a) => a.due_at)).toEqual(['2025-12-22T10:00:00Z', '2025-12-30T14:00:00Z', '2026-01-05T11:00:00Z']);
  });

  it('writes nothing when one step cannot be stored (one transaction)', async () => {
    // The third create's op id collides with the first op's: the outbox's unique index refuses it.
    const ids = ['A0', 'OP', 'A1', 'O1', 'A2', 'OP'];
    const { db, plans } = setup(() => ids.shift() ?? 'X');
    await expect(plans.applyPlan(SALES_SERIES_PLAN, { start: START, timeZone: 'UTC', record: OPP })).rejects.toThrow();
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
  });

  it('refuses a bad plan or a step the create validation refuses, per field, writing nothing', async () => {
    const { db, plans } = setup();
    await expect(plans.applyPlan({ ...SALES_SERIES_PLAN, name: '' }, { start: START, timeZone: 'UTC', record: OPP }))
      .rejects.toMatchObject({ errors: { name: ['Enter a name for the plan.'] } });
    const long = { ...SALES_SERIES_PLAN, steps: [{ ...SALES_SERIES_PLAN.steps[0]!, subject: `${'x'.repeat(190)} {record}` }] };
    const bad = plans.applyPlan(long, { start: START, timeZone: 'UTC', record: { ...OPP, name: 'y'.repeat(80) } });
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({ errors: { 'steps.0.subject': [expect.stringMatching(/255/) as unknown] } });
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
  });
});
