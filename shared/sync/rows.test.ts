import { describe, expect, it } from 'vitest';
import { deriveIndexFields, fromLocalRow, linkKeys, prepTaskKey, reindexed, toLocalRow, withActivity } from './rows.ts';
import { serverActivity } from './store.testing.ts';

describe('toLocalRow / fromLocalRow', () => {
  it('maps id to server_id and derives the index fields', () => {
    const a = serverActivity({ id: 'srv-9', subject: 'Demo for Acme', description: 'Bring the demo kit' });
    const row = toLocalRow(a, { lid: 'L9', base: a, sync: 'synced', seen_in_pull: 'p1' });
    expect(row).toMatchObject({
      lid: 'L9', server_id: 'srv-9', base: a, sync: 'synced', deleted: 0, open: 1, seen_in_pull: 'p1',
      due_ms: Date.parse('2025-12-20T14:00:00Z'), words: ['demo', 'for', 'acme', 'bring', 'the', 'kit'],
    });
    expect(row).not.toHaveProperty('id');
    expect(fromLocalRow(row)).toEqual(a);
  });

  it('a record only this device knows has no server id; its Activity id is the lid', () => {
    const a = serverActivity({ id: 'L5' });
    const row = toLocalRow(a, { lid: 'L5', base: null, sync: 'pending', server_id: null });
    expect(row.server_id).toBeNull();
    expect(fromLocalRow(row).id).toBe('L5');
  });

  it.each([
    ['pending', 1], ['in_progress', 1], ['deferred', 1], ['waiting', 1], ['completed', 0], ['cancelled', 0],
  ] as const)('%s is open=%i', (status, open) => {
    expect(deriveIndexFields(serverActivity({ status })).open).toBe(open);
  });

  it('words come from the subject, description and outcome', () => {
    const a = serverActivity({ subject: 'Demo', description: 'Bring the kit', status: 'completed', outcome: 'Signed the KIT order; wants training' });
    expect(deriveIndexFields(a).words).toEqual(['demo', 'bring', 'the', 'kit', 'signed', 'order', 'wants', 'training']);
  });

  it('leaves due_ms out without a (parseable) due date', () => {
    expect(deriveIndexFields(serverActivity({ due_at: null }))).not.toHaveProperty('due_ms');
    expect(deriveIndexFields(serverActivity({ due_at: 'soon' }))).not.toHaveProperty('due_ms');
  });
});

describe('withActivity', () => {
  it('keeps identity, base and deletion; re-derives index fields from the new fields', () => {
    const a = serverActivity({ id: 'srv-1' });
    const row = { ...toLocalRow(a, { lid: 'L1', base: a, sync: 'synced', seen_in_pull: 'p' }), deleted: 1 as const };
    const next = withActivity(row, { ...a, id: 'ignored', status: 'completed', subject: 'Closed', due_at: null }, 'pending');
    expect(next).toMatchObject({ lid: 'L1', server_id: 'srv-1', base: a, deleted: 1, seen_in_pull: 'p', sync: 'pending', open: 0, words: ['closed'] });
    expect(next).not.toHaveProperty('due_ms');
  });
});

describe('reindexed', () => {
  it('derives the index fields again and drops the ones that no longer apply', () => {
    const a = serverActivity({ id: 'srv-2', status: 'completed', completed_at: '2025-12-20T15:00:00Z', custom_fields: { follow_up_of: 'srv-1' } });
    const row = toLocalRow(a, { lid: 'L2', base: a, sync: 'synced' });
    expect(row).toMatchObject({ due_ms: Date.parse('2025-12-20T14:00:00Z'), completed_ms: Date.parse('2025-12-20T15:00:00Z'), links: ['srv-1'] });
    const next = reindexed({ ...row, due_at: null, completed_at: null, custom_fields: {}, subject: 'Renamed' });
    for (const k of ['due_ms', 'completed_ms', 'links']) expect(next).not.toHaveProperty(k);
    expect(next.words).toEqual(['renamed']);
  });
});

describe('linkKeys', () => {
  it('names what the row links to, and the record for a task that looks like preparation', () => {
    const on = { activityable_type: 'customer', activityable_id: 'c1' } as const;
    expect(linkKeys(serverActivity({ ...on, custom_fields: { follow_up_of: 'srv-1', prep_for: 'L7' } }))).toEqual(['srv-1', 'L7']);
    expect(linkKeys(serverActivity({ ...on, type: 'task', subject: 'Prepare demo deck' }))).toEqual([prepTaskKey('customer', 'c1')]);
    expect(linkKeys(serverActivity({ ...on, type: 'task', subject: 'Deck', tags: ['prep'] }))).toEqual(['prep:customer:c1']);
    // A call titled "prep" is not a prep task; an empty link names nothing.
    expect(linkKeys(serverActivity({ ...on, type: 'call', subject: 'Prep call', custom_fields: { follow_up_of: '' } }))).toBeUndefined();
  });
});
