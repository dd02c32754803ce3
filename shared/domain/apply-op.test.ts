import { describe, expect, it } from 'vitest';
import { applyOp, isChangeKind } from './apply-op.ts';
import { ActionNotAllowedError } from './errors.ts';
import { applyCreate } from './rules.ts';

const NOW = '2025-12-19T10:00:00Z';
const AT = '2025-12-19T11:00:00Z';
const base = applyCreate(
  { type: 'call', subject: 'Call', activityable_type: 'customer', activityable_id: 'c1', due_at: '2025-12-20T14:00:00Z' },
  { id: 'a1', now: NOW, currentUser: { id: 'me', name: 'Me' } },
);

describe('applyOp', () => {
  it('applies each change kind by its domain rule, stamped at the given time', () => {
    expect(applyOp(base, 'update', { subject: 'Renamed' }, AT)).toMatchObject({ subject: 'Renamed', updated_at: AT });
    expect(applyOp(base, 'complete', { outcome: 'Done' }, AT)).toMatchObject({ status: 'completed', outcome: 'Done', completed_at: AT });
    expect(applyOp(base, 'reschedule', { new_due_at: '2025-12-22T09:00:00Z' }, AT)).toMatchObject({
      due_at: '2025-12-22T09:00:00Z', previous_due_at: '2025-12-20T14:00:00Z', rescheduled_count: 1,
    });
    expect(applyOp(base, 'cancel', { reason: 'No need' }, AT)).toMatchObject({ status: 'cancelled', cancellation_reason: 'No need' });
  });

  it('a cancel with reschedule gives the cancelled record (the copy is a record of its own)', () => {
    const out = applyOp(base, 'cancel', { reason: 'Moved', reschedule: true, reschedule_date: '2025-12-23T09:00:00Z' }, AT);
    expect(out).toMatchObject({ id: 'a1', status: 'cancelled', due_at: '2025-12-20T14:00:00Z' });
  });

  it('throws where the rule refuses', () => {
    const done = applyOp(base, 'complete', {}, AT);
    expect(() => applyOp(done, 'complete', {}, AT)).toThrow(ActionNotAllowedError);
  });

  it('knows which op kinds change a record', () => {
    expect(['create', 'update', 'complete', 'cancel', 'reschedule', 'delete'].filter(isChangeKind)).toEqual(['update', 'complete', 'cancel', 'reschedule']);
  });
});
