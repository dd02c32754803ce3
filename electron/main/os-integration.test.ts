import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, Dialog } from 'electron';
import { autostartDesktopFile, desktopEntry, isStartAtLogin, setStartAtLogin } from './autostart.ts';
import type { AutostartDeps } from './autostart.ts';
import { exportLogs } from './logging.ts';
import { ConnectivityWatch, watchPower } from './power.ts';
import { restorableState } from './window-state.ts';

const notifications = vi.hoisted(() => [] as { options: { actions: { text: string }[] }; listeners: Map<string, (...a: unknown[]) => void>; shown: boolean }[]);
vi.mock('electron', () => ({
  Notification: class {
    static isSupported = (): boolean => true;
    listeners = new Map<string, (...a: unknown[]) => void>();
    shown = false;
    constructor(public options: { actions: { text: string }[] }) {
      notifications.push(this);
    }
    on(event: string, l: (...a: unknown[]) => void): void {
      this.listeners.set(event, l);
    }
    show(): void {
      this.shown = true;
    }
    close(): void {}
  },
}));
vi.mock('electron-log/node', () => ({ default: { info: () => {}, warn: () => {} } }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-os-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start at login', () => {
  const deps = (platform: NodeJS.Platform, app = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => ({ openAtLogin: true })) }): AutostartDeps => ({
    platform,
    app: app as unknown as AutostartDeps['app'],
    appId: 'com.fieldbook.app',
    productName: 'Fieldbook',
    executable: '/opt/My "Apps"/Fieldbook.AppImage',
    env: { XDG_CONFIG_HOME: dir, HOME: '/nonexistent' },
  });

  it('Linux: writes and removes an XDG autostart entry that starts hidden', () => {
    const d = deps('linux');
    const file = autostartDesktopFile(d);
    expect(file).toBe(join(dir, 'autostart', 'com.fieldbook.app.desktop'));
    setStartAtLogin(true, d);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\nName=Fieldbook\n');
    expect(text).toContain('Exec="/opt/My \\"Apps\\"/Fieldbook.AppImage" --hidden\n');
    expect(isStartAtLogin(d)).toBe(true);
    setStartAtLogin(false, d);
    expect(existsSync(file)).toBe(false);
    expect(isStartAtLogin(d)).toBe(false);
    expect(d.app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it.each(['darwin', 'win32'] as const)('%s: uses setLoginItemSettings', (platform) => {
    const d = deps(platform);
    setStartAtLogin(true, d);
    expect(d.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] });
    expect(isStartAtLogin(d)).toBe(true);
  });

  it('the desktop entry escapes what the spec requires', () => {
    expect(desktopEntry({ productName: 'Fieldbook', executable: '/a/$b`c\\d' })).toContain('Exec="/a/\\$b\\`c\\\\d" --hidden');
  });
});

describe('window state', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('keeps a position that is on a current display', () => {
    const s = { x: 100, y: 100, width: 1000, height: 700, maximized: true };
    expect(restorableState(s, screens)).toEqual(s);
  });
  it('drops a position on a monitor that is gone, keeping the size', () => {
    expect(restorableState({ x: 2500, y: 100, width: 1000, height: 700, maximized: false }, screens)).toEqual({ width: 1000, height: 700, maximized: false });
  });
  it('first run gets a sensible default', () => {
    expect(restorableState(null, screens)).toEqual({ width: 1280, height: 800, maximized: false });
  });
});

describe('power and connectivity', () => {
  it('resume and unlock trigger the catch-up', () => {
    const listeners = new Map<string, () => void>();
    const onResume = vi.fn();
    watchPower({ powerMonitor: { on: (e: string, l: () => void) => listeners.set(e, l) } as never, onResume });
    listeners.get('resume')?.();
    listeners.get('unlock-screen')?.();
    expect(onResume).toHaveBeenCalledTimes(2);
  });

  it('reports only edges of the OS online flag', () => {
    let online = false;
    const changes: boolean[] = [];
    const watch = new ConnectivityWatch(() => online, (o) => changes.push(o));
    watch.check();
    online = true;
    watch.check();
    watch.check();
    online = false;
    watch.check();
    expect(changes).toEqual([true, false]);
  });
});

describe('export logs', () => {
  const dialog = (filePath: string | undefined) =>
    ({ showSaveDialog: vi.fn(() => Promise.resolve({ canceled: filePath === undefined, filePath: filePath ?? '' })) }) as unknown as Pick<Dialog, 'showSaveDialog'>;

  it('saves rotated + current log where the rep chose, defaulting to Downloads', async () => {
    const logFile = join(dir, 'main.log');
    writeFileSync(join(dir, 'main.old.log'), 'old line\n');
    writeFileSync(logFile, 'new line\n');
    const target = join(dir, 'out.log');
    const d = dialog(target);
    const saved = await exportLogs({ dialog: d, window: null, downloadsDir: '/home/rep/Downloads', logFile, now: new Date('2026-03-02T09:05:00Z') });
    expect(saved).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('old line\nnew line\n');
    expect(d.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: '/home/rep/Downloads/fieldbook-logs-20260302-0905.log' }));
  });

  it('returns null when cancelled', async () => {
    expect(await exportLogs({ dialog: dialog(undefined), window: {} as BrowserWindow, downloadsDir: dir, logFile: join(dir, 'x.log'), now: new Date() })).toBeNull();
  });
});

describe('native notifier', () => {
  it('maps notification buttons to action indexes and clicks to click', async () => {
    const { ElectronNotifier, platformSupportsActions } = await import('./notifier.ts');
    expect([platformSupportsActions('darwin'), platformSupportsActions('win32'), platformSupportsActions('linux')]).toEqual([true, true, false]);
    const notifier = new ElectronNotifier(undefined, { warn: () => {} });
    const click = vi.fn();
    const action = vi.fn();
    notifier.show({ id: 'k', title: 'T', body: 'B', actions: ['Snooze 5 min', 'Done'] }, { click, action });
    const n = notifications.at(-1);
    expect(n?.shown).toBe(true);
    expect(n?.options.actions).toEqual([{ type: 'button', text: 'Snooze 5 min' }, { type: 'button', text: 'Done' }]);
    n?.listeners.get('action')?.({ actionIndex: 1, selectionIndex: -1 });
    n?.listeners.get('click')?.();
    expect(action).toHaveBeenCalledWith(1);
    expect(click).toHaveBeenCalledTimes(1);
  });
});
