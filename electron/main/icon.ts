/**
 * The app icon, drawn in code and encoded as PNG with node:zlib: the same pixels serve the tray,
 * the window, and (through electron/scripts/make-icons.ts) the packaged icons in build/.
 */
import { crc32, deflateSync } from 'node:zlib';

const BLUE = [37, 99, 235] as const;
const AMBER = [245, 158, 11] as const;

/** Colour at a point of the unit square (0..1): a rounded blue tile, a white "F", an amber reminder dot. */
function shade(u: number, v: number): readonly [number, number, number, number] {
  const r = 0.2;
  const cx = Math.min(Math.max(u, r), 1 - r);
  const cy = Math.min(Math.max(v, r), 1 - r);
  if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) return [0, 0, 0, 0];
  if ((u - 0.72) ** 2 + (v - 0.28) ** 2 < 0.11 ** 2) return [...AMBER, 255];
  const stem = u >= 0.3 && u <= 0.42 && v >= 0.22 && v <= 0.8;
  const top = u >= 0.3 && u <= 0.58 && v >= 0.22 && v <= 0.33;
  const middle = u >= 0.3 && u <= 0.54 && v >= 0.46 && v <= 0.56;
  if (stem || top || middle) return [255, 255, 255, 255];
  return [...BLUE, 255];
}

/** macOS menu-bar "template" variant: the glyph alone in black; the OS tints it for light/dark bars. */
function shadeTemplate(u: number, v: number): readonly [number, number, number, number] {
  const c = shade(u, v);
  const glyph = c[3] > 0 && !(c[0] === BLUE[0] && c[1] === BLUE[1] && c[2] === BLUE[2]);
  return glyph ? [0, 0, 0, 255] : [0, 0, 0, 0];
}

/** RGBA pixels, 4×4 supersampled so the edges are smooth at every size. */
export function drawIcon(size: number, variant: 'color' | 'template' = 'color'): Buffer {
  const sample = variant === 'template' ? shadeTemplate : shade;
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = sample((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size);
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const o = (y * size + x) * 4;
      px[o] = a ? Math.round(r / a) : 0;
      px[o + 1] = a ? Math.round(g / a) : 0;
      px[o + 2] = a ? Math.round(b / a) : 0;
      px[o + 3] = Math.round(a / (n * n));
    }
  }
  return px;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function encodePng(rgba: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function iconPng(size: number, variant: 'color' | 'template' = 'color'): Buffer {
  return encodePng(drawIcon(size, variant), size, size);
}

/** Windows .ico holding PNG images (supported since Vista). */
export function encodeIco(pngs: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

/** macOS .icns with PNG members (ic07 128, ic08 256, ic09 512, ic10 1024). */
export function encodeIcns(pngs: { type: 'ic07' | 'ic08' | 'ic09' | 'ic10'; png: Buffer }[]): Buffer {
  const members = pngs.map(({ type, png }) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const total = 8 + members.reduce((n, m) => n + m.length, 0);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(total, 4);
  return Buffer.concat([h, ...members]);
}
