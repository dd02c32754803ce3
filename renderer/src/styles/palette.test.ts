import { describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES } from '#shared/domain/index';
import { TYPE_PALETTE, contrastRatio, oklabDistance, typeColourCss } from './palette.ts';

const THEMES = ['light', 'dark'] as const;

describe('the type palette', () => {
  it('has a colour pair for each of the 19 types', () => {
    expect(ACTIVITY_TYPES).toHaveLength(19);
    for (const t of ACTIVITY_TYPES) for (const theme of THEMES) expect(TYPE_PALETTE[t][theme].bg).toMatch(/^#[0-9a-f]{6}$/);
  });

  it.each(THEMES)('text on every type meets WCAG AA (4.5:1) in %s', (theme) => {
    for (const t of ACTIVITY_TYPES) {
      const { bg, fg } = TYPE_PALETTE[t][theme];
      expect(contrastRatio(bg, fg), `${t} in ${theme}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each(THEMES)('every two types are tellable apart in %s (OKLab distance ≥ 0.08, four times a just-noticeable step)', (theme) => {
    let min = Infinity;
    let closest = '';
    for (const [i, a] of ACTIVITY_TYPES.entries()) {
      for (const b of ACTIVITY_TYPES.slice(i + 1)) {
        const d = oklabDistance(TYPE_PALETTE[a][theme].bg, TYPE_PALETTE[b][theme].bg);
        if (d < min) [min, closest] = [d, `${a}/${b}`];
      }
    }
    expect(min, `closest pair ${closest}`).toBeGreaterThanOrEqual(0.08);
  });

  it('the old palette\'s three purples would fail the distance check', () => {
    // meeting, presentation and training as they were: the complaint in issue #13.
    expect(oklabDistance('#7e22ce', '#6d28d9')).toBeLessThan(0.08);
  });

  it('writes one custom property pair per type for each theme', () => {
    const css = typeColourCss();
    for (const t of ACTIVITY_TYPES) {
      expect(css).toContain(`--t-${t}: ${TYPE_PALETTE[t].light.bg};`);
      expect(css).toContain(`--t-${t}: ${TYPE_PALETTE[t].dark.bg};`);
      expect(css).toContain(`--t-${t}-fg:`);
    }
    expect(css).toContain(":root[data-theme='dark']");
  });

  it('measures contrast and distance as the references do', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(oklabDistance('#000000', '#ffffff')).toBeCloseTo(1, 3);
  });
});
