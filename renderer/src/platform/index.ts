/** Picks the platform the renderer runs on: the desktop bridge when present, else web mode. */
import type { Platform } from '#shared/ipc/platform';
import { createWebPlatform, type WebPlatformOptions } from './web.ts';

interface ElectronModule {
  createElectronPlatform: () => Platform;
}

// A glob, not a static import: the desktop adapter is optional in web-only builds.
const electronModules = import.meta.glob<ElectronModule>('./electron.ts');

export async function pickPlatform(webOptions: WebPlatformOptions = {}): Promise<Platform> {
  const bridge = (window as unknown as { fieldbook?: unknown }).fieldbook;
  const load = electronModules['./electron.ts'];
  if (bridge && load) {
    const mod = await load();
    return mod.createElectronPlatform();
  }
  return createWebPlatform(webOptions);
}
