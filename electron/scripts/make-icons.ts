/**
 * Writes the packaged icons into build/ from the icon drawn in electron/main/icon.ts:
 * icon.png (512, Linux), icons/<size>x<size>.png (Linux hicolor set), icon.ico (Windows),
 * icon.icns (macOS). Run: npx tsx electron/scripts/make-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIcns, encodeIco, iconPng } from '../main/icon.ts';

const out = join(import.meta.dirname, '../../build');
mkdirSync(join(out, 'icons'), { recursive: true });

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
const png = new Map(sizes.map((s) => [s, iconPng(s)] as const));
const get = (s: (typeof sizes)[number]): Buffer => {
  const b = png.get(s);
  if (!b) throw new Error(`no ${s}px icon`);
  return b;
};

writeFileSync(join(out, 'icon.png'), get(512));
for (const s of [16, 32, 48, 64, 128, 256, 512] as const) writeFileSync(join(out, 'icons', `${s}x${s}.png`), get(s));
writeFileSync(join(out, 'icon.ico'), encodeIco([16, 24, 32, 48, 64, 128, 256].map((s) => ({ size: s, png: get(s as (typeof sizes)[number]) }))));
writeFileSync(
  join(out, 'icon.icns'),
  encodeIcns([
    { type: 'ic07', png: get(128) },
    { type: 'ic08', png: get(256) },
    { type: 'ic09', png: get(512) },
    { type: 'ic10', png: get(1024) },
  ]),
);
console.log(`icons written to ${out}`);
