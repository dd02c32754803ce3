/** Edit & retry: an edited payload is checked with its kind's schema before it replaces the op's. */
import { describe, expect, it } from 'vitest';
import { withCheckedPayload } from './retry.ts';
import type { OutboxOp, OutboxOpBase } from './types.ts';

const base: OutboxOpBase = {
  op_id: 'op1', lid: 'L', base: null, attempts: 3, next_attempt_at: 0, last_error: 'refused', last_status: 422, state: 'failed', created_at: 0,
};

describe('withCheckedPayload', () => {
  it('refuses a reschedule edit without a valid new due time, as the reschedule command does', () => {
    const op: OutboxOp = { ...base, kind: 'reschedule', payload: { new_due_at: '2025-12-12T10:00:00Z' } };
    expect(() => withCheckedPayload(op, { new_due_at: 'next week' })).toThrow(/new_due_at/);
    expect(() => withCheckedPayload(op, { reason: 'moved' })).toThrow(/new_due_at/);
  });

  it('keeps the kind and the rest of the op, with the payload as its schema reads it', () => {
    const op: OutboxOp = { ...base, kind: 'cancel', payload: { reason: 'old' } };
    const next = withCheckedPayload(op, { reason: 'Customer asked', reschedule: false });
    expect(next).toEqual({ ...op, payload: { reason: 'Customer asked', reschedule: false } });
    expect(() => withCheckedPayload(op, { reschedule: true })).toThrow(/reschedule_date/);
  });

  it('checks an update like the update command (nothing to update is refused) and leaves a delete as it is', () => {
    const upd: OutboxOp = { ...base, kind: 'update', payload: { subject: 'A' } };
    expect(() => withCheckedPayload(upd, {})).toThrow();
    expect(withCheckedPayload(upd, { subject: 'B' })).toMatchObject({ kind: 'update', payload: { subject: 'B' } });
    const del: OutboxOp = { ...base, kind: 'delete', payload: {} };
    expect(withCheckedPayload(del, {})).toEqual(del);
  });
});
