/**
 * The one palette of activity types: calendar events, badges, the legend and the month view all
 * read these pairs, through CSS custom properties (--t-<type> the fill, --t-<type>-fg the text on
 * it) that installTypeColours() writes for both themes. Nowhere else names a type's colour.
 *
 * Chosen, not hand-picked: an OKLCH search for 19 fills where white text (light theme) and near-black
 * text (dark theme) both reach WCAG AA 4.5:1, maximising the smallest OKLab distance between any two
 * types in each theme (≥ 0.09, about 4–5 just-noticeable differences; palette.test.ts checks both).
 * Each type keeps its hue across themes, lighter in dark. Type is also always written (badge text,
 * the event's name), so colour is never the only signal.
 */
import { ACTIVITY_TYPES, type ActivityType } from '#shared/domain/index';

export interface ColourPair {
  /** The fill (#rrggbb). */
  bg: string;
  /** Text drawn on the fill. */
  fg: string;
}

export interface TypeColour {
  light: ColourPair;
  dark: ColourPair;
}

const ON_LIGHT = '#ffffff';
const ON_DARK = '#111114';
const pair = (light: string, dark: string): TypeColour => ({ light: { bg: light, fg: ON_LIGHT }, dark: { bg: dark, fg: ON_DARK } });

export const TYPE_PALETTE: Record<ActivityType, TypeColour> = {
  call: pair('#0e66c8', '#5ea0f6'),
  email: pair('#1e7778', '#69acac'),
  meeting: pair('#7743cc', '#a984fb'),
  task: pair('#383a57', '#d8dcfb'),
  note: pair('#535535', '#c4c7a8'),
  demo: pair('#9b3c00', '#f79e77'),
  presentation: pair('#5e1865', '#f8b6fd'),
  proposal: pair('#00722a', '#80cc8c'),
  follow_up: pair('#735d8f', '#a794c1'),
  quote: pair('#706d06', '#a4a35c'),
  contract: pair('#084b0f', '#b9efb7'),
  appointment: pair('#bb1664', '#ef6a9a'),
  visit: pair('#941c95', '#e380e0'),
  webinar: pair('#00578a', '#8fcbfd'),
  training: pair('#563e98', '#b9a9fd'),
  support: pair('#7e3559', '#e69fbe'),
  escalation: pair('#d02f14', '#f56f57'),
  research: pair('#5a3202', '#ffd5b0'),
  other: pair('#9d6353', '#c59081'),
};

/** The CSS value of a type's fill and its text colour (follows the theme). */
export const typeFill = (t: ActivityType) => `var(--t-${t})`;
export const typeInk = (t: ActivityType) => `var(--t-${t}-fg)`;

/** The custom properties for both themes, as a style sheet's text. */
export function typeColourCss(): string {
  const vars = (theme: 'light' | 'dark') =>
    ACTIVITY_TYPES.map((t) => `--t-${t}: ${TYPE_PALETTE[t][theme].bg}; --t-${t}-fg: ${TYPE_PALETTE[t][theme].fg};`).join(' ');
  return `:root { ${vars('light')} }\n:root[data-theme='dark'] { ${vars('dark')} }\n`;
}

/** Writes the palette's custom properties into the document (once; main.tsx calls it before the first render). */
export function installTypeColours(doc: Document): void {
  if (doc.getElementById('fb-type-colours')) return;
  const style = doc.createElement('style');
  style.id = 'fb-type-colours';
  style.textContent = typeColourCss();
  doc.head.append(style);
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const l1 = relativeLuminance(a);
  const l2 = relativeLuminance(b);
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}

function linear(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  const ch = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return [ch((n >> 16) & 255), ch((n >> 8) & 255), ch(n & 255)];
}

function relativeLuminance(hex: string): number {
  const [r, g, b] = linear(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** #rrggbb in OKLab (Björn Ottosson's matrices), L in 0..1. */
export function toOklab(hex: string): [number, number, number] {
  const [r, g, b] = linear(hex);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Euclidean distance in OKLab (ΔEok; about 0.02 is just noticeable). */
export function oklabDistance(a: string, b: string): number {
  const p = toOklab(a);
  const q = toOklab(b);
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}
