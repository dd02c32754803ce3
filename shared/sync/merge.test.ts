import { describe, expect, it } from 'vitest';
import { MERGEABLE_FIELDS, type MergeableField } from '../domain/index.ts';
import { coalesceQueue, pickMergeable, sameValue, threeWayMerge, type MergeFields } from './merge.ts';
import { serverActivity } from './store.testing.ts';
import type { OutboxOp, OutboxOpBase } from './types.ts';

const base = pickMergeable(serverActivity({
  description: 'base', contact_id: 'c-1', location: 'Phone', follow_up_date: '2025-12-22', billable_rate: 100,
  tags: ['a'], custom_fields: { k: 1, other: 'x' }, outcome: null, previous_due_at: null,
}));

/** Two different values for a field, both different from base. */
function twoValues(f: MergeableField): [unknown, unknown] {
  const samples: Record<MergeableField, [unknown, unknown]> = {
    type: ['meeting', 'demo'], status: ['in_progress', 'deferred'], priority: ['high', 'low'], subject: ['Mine', 'Theirs'],
    description: ['mine', 'theirs'], activityable_type: ['lead', 'opportunity'], activityable_id: ['l-1', 'o-1'],
    contact_id: ['c-2', 'c-3'], assigned_user_id: ['u-2', 'u-3'], due_at: ['2025-12-21T10:00:00Z', '2025-12-22T10:00:00Z'],
    duration_minutes: [45, 60], location: ['Office', 'Zoom'], reminder_at: ['2025-12-20T13:00:00Z', '2025-12-20T12:00:00Z'],
    follow_up_required: [true, null], follow_up_date: ['2025-12-23', '2025-12-24'], is_billable: [true, null],
    billable_rate: [120, 130], tags: [['a', 'b'], ['a', 'c']], custom_fields: [{ k: 2, other: 'x' }, { k: 3, other: 'x' }],
    outcome: ['won', 'lost'], completed_at: ['2025-12-20T15:00:00Z', '2025-12-20T16:00:00Z'],
    cancelled_at: ['2025-12-20T15:00:00Z', '2025-12-20T16:00:00Z'], cancellation_reason: ['r1', 'r2'],
    previous_due_at: ['2025-12-19T10:00:00Z', '2025-12-18T10:00:00Z'], rescheduled_count: [1, 2],
  };
  return samples[f];
}

const withField = (a: MergeFields, f: MergeableField, v: unknown): MergeFields => ({ ...a, [f]: v });

describe('threeWayMerge', () => {
  it.each(MERGEABLE_FIELDS.map((f) => [f]))('%s changed to different values on both sides is a conflict', (f) => {
    const [mine, theirs] = twoValues(f);
    const r = threeWayMerge(base, withField(base, f, mine), withField(base, f, theirs));
    const expectedField = f === 'custom_fields' ? 'custom_fields.k' : f;
    expect(r.conflicts.map((c) => c.field)).toEqual([expectedField]);
    expect(r.conflicts[0]?.kind).toBe(f === 'status' ? 'status' : 'field');
    // Until the rep decides, the local value stays.
    expect(r.merged[f]).toEqual(withField(base, f, mine)[f]);
  });

  it.each(MERGEABLE_FIELDS.map((f) => [f]))('%s changed to the same value on both sides merges silently', (f) => {
    const [v] = twoValues(f);
    const r = threeWayMerge(base, withField(base, f, v), withField(base, f, v));
    expect(r.conflicts).toEqual([]);
    expect(r.merged[f]).toEqual(v);
  });

  it.each(MERGEABLE_FIELDS.map((f) => [f]))('%s changed only on the server is taken', (f) => {
    const [, theirs] = twoValues(f);
    const r = threeWayMerge(base, base, withField(base, f, theirs));
    expect(r.conflicts).toEqual([]);
    expect(r.merged[f]).toEqual(theirs);
  });

  it('edits to different fields never conflict, for every pair of fields', () => {
    for (const a of MERGEABLE_FIELDS) {
      for (const b of MERGEABLE_FIELDS) {
        if (a === b) continue;
        const local = withField(base, a, twoValues(a)[0]);
        const remote = withField(base, b, twoValues(b)[1]);
        const r = threeWayMerge(base, local, remote);
        expect(r.conflicts, `${a} here, ${b} there`).toEqual([]);
        expect(r.merged[a]).toEqual(local[a]);
        expect(r.merged[b]).toEqual(remote[b]);
      }
    }
  });

  it('merges custom fields key by key', () => {
    const r = threeWayMerge(base, { ...base, custom_fields: { k: 9, other: 'x' } }, { ...base, custom_fields: { k: 1, other: 'y', added: true } });
    expect(r.conflicts).toEqual([]);
    expect(r.merged.custom_fields).toEqual({ k: 9, other: 'y', added: true });
  });

  it('completed here, cancelled there: one status conflict, the status family follows the decision', () => {
    const local = { ...base, status: 'completed' as const, completed_at: '2025-12-20T15:00:00Z', outcome: 'done' };
    const remote = { ...base, status: 'cancelled' as const, cancelled_at: '2025-12-20T16:00:00Z', cancellation_reason: 'no' };
    const r = threeWayMerge(base, local, remote);
    expect(r.conflicts).toEqual([{ kind: 'status', field: 'status', base: 'pending', local: 'completed', remote: 'cancelled' }]);
    expect(r.merged.cancelled_at).toBeNull();
    expect(r.merged.completed_at).toBe('2025-12-20T15:00:00Z');
    expect(r.merged.outcome).toBe('done');
  });

  it('without a base every difference is a conflict', () => {
    const r = threeWayMerge(null, withField(base, 'subject', 'A'), withField(base, 'subject', 'B'));
    expect(r.conflicts.map((c) => c.field)).toEqual(['subject']);
  });

  it('compares values structurally', () => {
    expect(sameValue(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(0, null)).toBe(false);
  });
});

let seq = 0;
function op(kind: OutboxOp['kind'], payload: Record<string, unknown> = {}, extra: Partial<OutboxOpBase> = {}): OutboxOp {
  seq++;
  // Fixtures carry only the payload fields a case needs (a create without its related record).
  return { seq, op_id: `op${seq}`, lid: 'L', kind, payload, base: null, attempts: 0, next_attempt_at: 0, last_error: null, state: 'queued', created_at: 0, ...extra } as OutboxOp;
}

describe('coalesceQueue', () => {
  it('folds updates into a create that was never sent', () => {
    const q = [op('create', { subject: 'A', type: 'call' }), op('update', { subject: 'B' }), op('update', { description: 'd' })];
    const plan = coalesceQueue(q);
    expect(plan.rewrite).toEqual([{ op_id: q[0]!.op_id, payload: { subject: 'B', type: 'call', description: 'd' } }]);
    expect(plan.remove).toEqual([q[1]!.op_id, q[2]!.op_id]);
    expect(plan.dropActivity).toBe(false);
  });

  it('merges consecutive updates, later values winning', () => {
    const q = [op('update', { subject: 'B', priority: 'low' }), op('update', { subject: 'C' })];
    expect(coalesceQueue(q)).toEqual({ remove: [q[1]!.op_id], rewrite: [{ op_id: q[0]!.op_id, payload: { subject: 'C', priority: 'low' } }], dropActivity: false });
  });

  it('does not merge across another kind of op (order matters)', () => {
    const q = [op('update', { subject: 'B' }), op('complete', { outcome: 'x' }), op('update', { description: 'd' })];
    expect(coalesceQueue(q)).toEqual({ remove: [], rewrite: [], dropActivity: false });
  });

  it('create … delete becomes nothing at all', () => {
    const q = [op('create', { subject: 'A' }), op('update', { subject: 'B' }), op('complete'), op('delete')];
    const plan = coalesceQueue(q);
    expect(plan.dropActivity).toBe(true);
    expect(plan.remove).toEqual(q.map((o) => o.op_id));
  });

  it('never touches an op that may have reached the server', () => {
    const sent = op('create', { subject: 'A' }, { maybe_sent: true });
    expect(coalesceQueue([sent, op('update', { subject: 'B' })])).toEqual({ remove: [], rewrite: [], dropActivity: false });
    expect(coalesceQueue([sent, op('delete')]).dropActivity).toBe(false);
    const inflight = op('update', { subject: 'B' }, { state: 'inflight' });
    expect(coalesceQueue([inflight, op('update', { subject: 'C' })]).remove).toEqual([]);
  });

  it('leaves bulk ops alone (they go out with their group)', () => {
    const q = [op('update', { subject: 'B' }), op('update', { subject: 'C' }, { bulk_group: 'g' })];
    expect(coalesceQueue(q)).toEqual({ remove: [], rewrite: [], dropActivity: false });
  });

  it('leaves an op in its undo window alone: not merged into an earlier op, not a target, not dropped', () => {
    const now = 1_000;
    // An earlier op would carry the held one out before its window ends.
    const q1 = [op('update', { subject: 'B' }), op('update', { subject: 'C' }, { hold_until: now + 1 })];
    expect(coalesceQueue(q1, now)).toEqual({ remove: [], rewrite: [], dropActivity: false });
    // Folding a later op into a held one would make its undo take the later change with it.
    const q2 = [op('create', { subject: 'A' }, { hold_until: now + 1 }), op('update', { subject: 'B' })];
    expect(coalesceQueue(q2, now)).toEqual({ remove: [], rewrite: [], dropActivity: false });
    const q3 = [op('create', { subject: 'A' }), op('delete', undefined, { hold_until: now + 1 })];
    expect(coalesceQueue(q3, now).dropActivity).toBe(false);
    // Without a clock every hold counts; once a window has ended the op merges as before.
    expect(coalesceQueue(q1).remove).toEqual([]);
    expect(coalesceQueue(q1, now + 1)).toEqual({ remove: [q1[1]!.op_id], rewrite: [{ op_id: q1[0]!.op_id, payload: { subject: 'C' } }], dropActivity: false });
  });

  it('keeps a create…delete whose cancel spawned a rescheduled copy', () => {
    const q = [op('create', { subject: 'A' }), op('cancel', { reschedule: true }, { child_lid: 'C' }), op('delete')];
    expect(coalesceQueue(q).dropActivity).toBe(false);
  });
});
