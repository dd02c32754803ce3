import { describe, expect, it } from 'vitest';
import { vagueSubjectHint } from './subject-hints.ts';

describe('vagueSubjectHint (Best Practice 2)', () => {
  it.each([['Call'], ['Meeting with customer'], ['Follow up'], ['  follow-up  '], ['CHECK IN'], ['todo'], ['Demo'], ['Presentation'], ['follow  up']])(
    'flags %j',
    (subject) => {
      expect(vagueSubjectHint(subject)).toMatch(/^Be specific/);
    },
  );
  it.each([
    ['Follow-up Call - Pricing Discussion with CFO'],
    ['Demo - Integration Capabilities for SAP Environment'],
    ['QBR - Q4 2025 Performance Review'],
    ['Call Jane about renewal'],
  ])('accepts %j', (subject) => {
    expect(vagueSubjectHint(subject)).toBeNull();
  });
  it('says nothing for an empty subject (the required-field error covers it)', () => {
    expect(vagueSubjectHint('   ')).toBeNull();
  });
});
