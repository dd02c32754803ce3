/**
 * Start at login, so reminders fire without the rep opening the app. macOS and Windows through
 * app.setLoginItemSettings; Linux (no such API) through an XDG autostart .desktop entry.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';

export const HIDDEN_ARG = '--hidden';

export interface AutostartDeps {
  platform: NodeJS.Platform;
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  appId: string;
  productName: string;
  /** What to launch: the AppImage when running from one (execPath points inside its mount). */
  executable: string;
  env?: NodeJS.ProcessEnv;
}

export function autostartDesktopFile(deps: Pick<AutostartDeps, 'appId' | 'env'>): string {
  const env = deps.env ?? process.env;
  const configHome = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(configHome, 'autostart', `${deps.appId}.desktop`);
}

/** Desktop Entry Exec quoting: double quotes, with ", `, $ and \ escaped. */
function quoteExec(arg: string): string {
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function desktopEntry(deps: Pick<AutostartDeps, 'productName' | 'executable'>): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${deps.productName}`,
    `Exec=${quoteExec(deps.executable)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function setStartAtLogin(enabled: boolean, deps: AutostartDeps): void {
  if (deps.platform === 'linux') {
    const file = autostartDesktopFile(deps);
    if (enabled) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, desktopEntry(deps));
    } else {
      rmSync(file, { force: true });
    }
    return;
  }
  deps.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
}

export function isStartAtLogin(deps: AutostartDeps): boolean {
  if (deps.platform === 'linux') return existsSync(autostartDesktopFile(deps));
  return deps.app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
}
