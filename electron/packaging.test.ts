import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { APP_ID, PRODUCT_NAME } from './main/app-info.ts';
import { iconPng } from './main/icon.ts';

vi.mock('electron', () => ({}));

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

interface YamlLib {
  load(text: string): unknown;
}
interface ConfigLib {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
}

function loadBuilderConfig(): Record<string, unknown> {
  const yaml = require('js-yaml') as YamlLib;
  return yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

/** Decodes the pixel data of a PNG written by encodePng (8-bit RGBA, filter 0). */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + len;
  }
  return { width, height, pixels: inflateSync(Buffer.concat(idat)) };
}

describe('packaging', () => {
  it('electron-builder.yml passes electron-builder\'s own schema and keeps the app identity', async () => {
    const config = loadBuilderConfig();
    const builder = require('app-builder-lib/out/util/config/config') as ConfigLib;
    await expect(builder.validateConfiguration(config, { isEnabled: false, add: () => {} })).resolves.toBeUndefined();
    expect(config['appId']).toBe(APP_ID);
    expect(config['productName']).toBe(PRODUCT_NAME);
    expect(config['files']).toContain('out/**/*');
    const targets = (key: string): unknown => (config[key] as { target: unknown }).target;
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac')).toEqual(['dmg']);
  });

  it('the fuses close every door we do not use, file:// extra privileges included (the app is served from app://)', async () => {
    const fuses = loadBuilderConfig()['electronFuses'];
    expect(fuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // What electron-builder really writes into the binary, through its own mapping to @electron/fuses.
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<Record<string | number, unknown>> } };
    };
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
    const written = await PlatformPackager.prototype.generateFuseConfig.call({}, fuses);
    const option = FuseV1Options['GrantFileProtocolExtraPrivileges'];
    expect(option).toBeTypeOf('number');
    expect(written[option ?? -1]).toBe(false);
    expect(written[FuseV1Options['RunAsNode'] ?? -1]).toBe(false);
  });

  it('the icons in build/ are the drawn icon, in valid PNG, ICO and ICNS containers', () => {
    const png = readFileSync(join(root, 'build/icon.png'));
    expect(png.equals(iconPng(512))).toBe(true);
    const { width, height, pixels } = decodePng(png);
    expect([width, height, pixels.length]).toEqual([512, 512, (512 * 4 + 1) * 512]);

    const ico = readFileSync(join(root, 'build/icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 7]);
    const lastOffset = ico.readUInt32LE(6 + 6 * 16 + 12);
    expect(ico.subarray(lastOffset, lastOffset + 4).toString('latin1')).toBe('\x89PNG');

    const icns = readFileSync(join(root, 'build/icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.toString('ascii', 8, 12)).toBe('ic07');
  });
});
