/** The push's reading of write answers and of the server's record: pure rules (the HTTP side is test/sync/write-answers.test.ts). */
import { describe, expect, it } from 'vitest';
import { readWriteAnswer } from '../api/client.ts';
import { applyCreate, type Activity } from '../domain/index.ts';
import { applied, expectedAfter, isRescheduledCopy, mergeAnswer } from './push.ts';
import type { OutboxOp } from './types.ts';

const base: Activity = {
  ...applyCreate(
    { type: 'call', subject: 'Pricing', activityable_type: 'opportunity', activityable_id: 'opp1', due_at: '2031-03-03T10:00:00Z', reminder_at: '2031-03-03T09:45:00Z', tags: ['a'], custom_fields: { k: 1 } },
    { id: 's1', now: '2031-01-01T00:00:00Z', currentUser: { id: 'u1', name: 'Jane' }, reminderDefaults: false },
  ),
};

function op(kind: OutboxOp['kind'], payload: Record<string, unknown>): OutboxOp {
  return { op_id: 'o1', lid: 'l1', kind, payload, base, created_at: Date.parse('2031-02-01T00:00:00Z'), state: 'queued', attempts: 1, next_attempt_at: 0 } as OutboxOp;
}

describe('readWriteAnswer', () => {
  it('keeps what parses, drops fields it cannot read or does not know, and takes the request’s id when the answer has none', () => {
    expect(readWriteAnswer({ id: 's1', due_at: '2031-03-03T11:00:00Z', tags: 'not-a-list', team: 'emea', updated_at: '2031-02-01T00:00:00Z' }))
      .toEqual({ id: 's1', due_at: '2031-03-03T11:00:00Z', updated_at: '2031-02-01T00:00:00Z' });
    expect(readWriteAnswer({ duration_minutes: '45.00' }, 's9')).toEqual({ id: 's9', duration_minutes: 45 });
    expect(readWriteAnswer(null, 's9')).toEqual({ id: 's9' });
    expect(readWriteAnswer({ subject: 'no id' })).toBeNull();
  });
});

describe('mergeAnswer over base ⊕ the op', () => {
  it('a PATCH answered with id, some fields and updated_at: the rest comes from the request applied to the base', () => {
    const patch = { due_at: '2031-03-03T11:00:00Z', description: 'With IT', tags: ['a', 'b'] };
    const expected = expectedAfter(op('update', patch), base, patch, '2031-02-01T00:00:00.000Z');
    const merged = mergeAnswer(expected, { id: 's1', due_at: '2031-03-03T11:00:00Z', updated_at: '2031-02-01T00:00:05Z' });
    expect(merged).toMatchObject({ id: 's1', subject: 'Pricing', description: 'With IT', tags: ['a', 'b'], custom_fields: { k: 1 }, updated_at: '2031-02-01T00:00:05Z' });
  });

  it('the answer wins over the local rule, and ids come from either shape', () => {
    const expected = expectedAfter(op('complete', { outcome: 'ok' }), base, { outcome: 'ok' }, '2031-02-01T00:00:00.000Z');
    const merged = mergeAnswer(expected, { id: 's1', completed_at: '2031-02-01T00:00:09Z', assigned_user: { id: 'u2', name: 'Bob' } });
    expect(merged).toMatchObject({ status: 'completed', outcome: 'ok', completed_at: '2031-02-01T00:00:09Z', assigned_user_id: 'u2' });
  });

  it('asks for the detail when the rule refuses the op on our base (stale) or a placing field is unknown', () => {
    const waiting = { ...base, status: 'waiting' } as Activity;
    expect(expectedAfter(op('update', { subject: 'x' }), waiting, { subject: 'x' }, '2031-02-01T00:00:00.000Z')).toBeNull();
    expect(mergeAnswer(null, { id: 's1', subject: 'x' })).toBeNull();
    const create = { type: 'call', subject: 'New', activityable_type: 'customer', activityable_id: 'c1' };
    expect(mergeAnswer(expectedAfter(op('create', create), null, create, '2031-02-01T00:00:00.000Z', 's2'), { id: 's2' })).toBeNull();
    expect(mergeAnswer(expectedAfter(op('create', create), null, { ...create, assigned_user_id: 'u1' }, '2031-02-01T00:00:00.000Z', 's2'), { id: 's2' }))
      .toMatchObject({ id: 's2', status: 'pending', assigned_user_id: 'u1' });
  });
});

describe('applied (an update of unknown outcome against the server record)', () => {
  it('compares instants as instants, tags as a set, custom fields by value', () => {
    const server = { ...base, due_at: '2031-03-03T11:00:00.000000Z', tags: ['b', 'a'], custom_fields: { x: { p: 1, q: [1, 2] }, k: 1 } } as Activity;
    expect(applied(op('update', { due_at: '2031-03-03T11:00:00Z', tags: ['a', 'b'], custom_fields: { k: 1, x: { q: [1, 2], p: 1 } } }), server)).toBe(true);
    expect(applied(op('update', { due_at: '2031-03-03T11:00:01Z' }), server)).toBe(false);
    expect(applied(op('update', { tags: ['a'] }), server)).toBe(false);
    expect(applied(op('update', { custom_fields: { k: 1 } }), server)).toBe(false);
    expect(applied(op('update', { description: null }), { ...server, description: null })).toBe(true);
    // The body as sent counts (a related record's id resolved at send time).
    expect(applied(op('update', { activityable_id: 'local-1' }), server, { activityable_id: 'opp1' })).toBe(true);
  });
});

describe('isRescheduledCopy', () => {
  it('matches list items with activityable_id or only activityable {id, name}', () => {
    const parent = { activityable_type: 'opportunity', activityable_id: 'opp1', type: 'call', subject: 'Pricing' } as const;
    const item = { status: 'pending', activityable_type: 'opportunity', type: 'call', subject: 'Pricing', due_at: '2031-03-10T10:00:00Z' } as const;
    expect(isRescheduledCopy({ ...item, activityable: { id: 'opp1' } }, parent, '2031-03-10T10:00:00.000Z')).toBe(true);
    expect(isRescheduledCopy({ ...item, activityable_id: 'opp1' }, parent, '2031-03-10T10:00:00Z')).toBe(true);
    expect(isRescheduledCopy({ ...item, activityable: { id: 'opp2' } }, parent, '2031-03-10T10:00:00Z')).toBe(false);
  });
});
