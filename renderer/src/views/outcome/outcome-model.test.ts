import { describe, expect, it } from 'vitest';
import {
  EMPTY_SECTIONS, buildCompleteInput, composeOutcome, dateAtLocalTime, followUpDescription, followUpPrefill, isEarly, missingSections, parseOutcome,
  type OutcomeForm,
} from './outcome-model.ts';

const form = (over: Partial<OutcomeForm>): OutcomeForm => ({
  sections: { ...EMPTY_SECTIONS }, duration: '', tags: '', followUpRequired: false, followUpDate: '', ...over,
});

describe('outcome template', () => {
  it('composes the filled "Always include" headings in the guide order and parses them back', () => {
    const s = { ...EMPTY_SECTIONS, discussed: 'Q4 usage metrics', actions: '1. Training\n2. Pricing', sentiment: 'Positive' };
    const text = composeOutcome(s);
    expect(text).toBe('What was discussed:\nQ4 usage metrics\n\nAction items:\n1. Training\n2. Pricing\n\nCustomer sentiment/feedback:\nPositive');
    expect(parseOutcome(text)).toEqual(s);
    expect(missingSections(s)).toEqual(['Decisions made', 'Next steps']);
  });
  it('keeps free text that has no headings', () => {
    expect(parseOutcome('Task completed.').discussed).toBe('Task completed.');
  });
});

describe('buildCompleteInput', () => {
  it('builds the guide body with tags and follow-up date as typed', () => {
    const r = buildCompleteInput(form({
      sections: { ...EMPTY_SECTIONS, discussed: 'Productive QBR' }, duration: '90', tags: 'qbr, completed, qbr',
      followUpRequired: true, followUpDate: '2025-12-27',
    }));
    expect(r).toEqual({
      ok: true,
      value: {
        outcome: 'What was discussed:\nProductive QBR', duration_minutes: 90, tags: ['qbr', 'completed'],
        follow_up_required: true, follow_up_date: '2025-12-27',
      },
    });
  });
  it('gives per-field errors', () => {
    const r = buildCompleteInput(form({ duration: '4.5', followUpRequired: true }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(Object.keys(r.errors).sort()).toEqual(['duration_minutes', 'follow_up_date']);
    }
    const bad = buildCompleteInput(form({ followUpDate: '2025-02-30' }));
    expect(bad.ok ? null : bad.errors.follow_up_date?.[0]).toMatch(/YYYY-MM-DD/);
  });
});

describe('early completion and follow-up', () => {
  it('asks to confirm only before the due time', () => {
    const now = Date.parse('2025-12-20T15:00:00Z');
    expect(isEarly('2025-12-20T16:00:00Z', now)).toBe(true);
    expect(isEarly('2025-12-20T14:00:00Z', now)).toBe(false);
    expect(isEarly(null, now)).toBe(false);
  });
  it('9:00 on the date in the rep zone, across DST and far zones, never the day before', () => {
    expect(dateAtLocalTime('2025-12-27', '09:00', 'Europe/Berlin')).toBe('2025-12-27T08:00:00Z');
    expect(dateAtLocalTime('2026-07-01', '09:00', 'Europe/Berlin')).toBe('2026-07-01T07:00:00Z');
    expect(dateAtLocalTime('2025-12-27', '09:00', 'Pacific/Auckland')).toBe('2025-12-26T20:00:00Z');
  });
  it('prefills a follow-up on the same entity and contact', () => {
    const p = followUpPrefill({
      type: 'meeting', subject: 'QBR - Q4 2025 Performance Review', priority: 'high', activityable_type: 'customer',
      activityable_id: '01hwxyz523abc456def789ghi0', contact_id: '01hwxyz223abc456def789ghi0',
    }, '2025-12-27', 'UTC');
    expect(p).toEqual({
      type: 'follow_up', subject: 'Follow-up - QBR - Q4 2025 Performance Review', activityable_type: 'customer',
      activityable_id: '01hwxyz523abc456def789ghi0', contact_id: '01hwxyz223abc456def789ghi0', priority: 'high',
      duration_minutes: 30, due_at: '2025-12-27T09:00:00Z',
    });
    expect(followUpPrefill({ ...{ type: 'call', subject: 'Follow-up Call - Pricing', priority: 'low', activityable_type: 'lead', activityable_id: 'x', contact_id: null } }, null, 'UTC'))
      .toMatchObject({ type: 'call', subject: 'Follow-up - Pricing' });
  });
});

describe('complete & schedule follow-up', () => {
  it('asks for the date alone (never to untick a box the rep did not tick)', () => {
    const r = buildCompleteInput(form({ followUpRequired: false }), true);
    expect(r.ok ? null : r.errors.follow_up_date).toEqual(['Pick the follow-up date: the follow-up activity is due that day.']);
    const ok = buildCompleteInput(form({ followUpRequired: false, followUpDate: '2025-12-30' }), true);
    expect(ok.ok && ok.value).toMatchObject({ follow_up_required: true, follow_up_date: '2025-12-30' });
  });

  it('carries the next steps and action items into the follow-up description, with the contact', () => {
    const sections = { ...EMPTY_SECTIONS, next: 'Send SOW', actions: '1. Draft' };
    expect(followUpDescription(sections)).toBe('Next steps:\nSend SOW\n\nAction items:\n1. Draft');
    expect(followUpDescription(EMPTY_SECTIONS)).toBeNull();
    const p = followUpPrefill({
      type: 'meeting', subject: 'QBR', priority: 'high', activityable_type: 'customer', activityable_id: 'c1', contact_id: 'p1',
    }, '2025-12-30', 'Europe/Berlin', sections);
    expect(p).toMatchObject({ contact_id: 'p1', description: 'Next steps:\nSend SOW\n\nAction items:\n1. Draft', due_at: '2025-12-30T08:00:00Z' });
  });
});
