/**
 * Main-process lifecycle against a stand-in for the electron module: single instance, AppUserModelId,
 * window state, close-to-tray, tray menu, IPC registration, resume, and a reminder click end to end.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { INVOKE_CHANNELS } from '#shared/ipc/contract';

type Listener = (...args: unknown[]) => void;

const h = vi.hoisted(() => {
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(event: string, l: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
      return this;
    }
    once(event: string, l: Listener): this {
      return this.on(event, l);
    }
    emit(event: string, ...args: unknown[]): void {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
  }

  const state = {
    dir: '',
    lock: true,
    windows: [] as FakeWindow[],
    trays: [] as FakeTray[],
    notifications: [] as FakeNotification[],
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    windowCreated: null as null | ((w: FakeWindow) => void),
    ready: false,
  };

  class FakeWebContents extends Emitter {
    sent: { channel: string; payload: unknown }[] = [];
    send(channel: string, payload: unknown): void {
      this.sent.push({ channel, payload });
    }
    isDestroyed(): boolean {
      return false;
    }
    isLoading(): boolean {
      return false;
    }
  }

  class FakeWindow extends Emitter {
    visible = false;
    focused = 0;
    loaded: string | null = null;
    bounds = { x: 0, y: 0, width: 0, height: 0 };
    webContents = new FakeWebContents();
    constructor(public options: Record<string, unknown>) {
      super();
      this.bounds = { x: Number(options['x'] ?? 10), y: Number(options['y'] ?? 10), width: Number(options['width']), height: Number(options['height']) };
      state.windows.push(this);
      state.windowCreated?.(this);
    }
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
    focus(): void {
      this.focused++;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    maximize(): void {}
    isMaximized(): boolean {
      return false;
    }
    getNormalBounds(): typeof this.bounds {
      return this.bounds;
    }
    loadFile(p: string): Promise<void> {
      this.loaded = p;
      return Promise.resolve();
    }
    loadURL(u: string): Promise<void> {
      this.loaded = u;
      return Promise.resolve();
    }
    /** Simulates the user closing the window; returns whether the close was prevented. */
    userClose(): boolean {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      return prevented;
    }
  }

  class FakeTray extends Emitter {
    menu: MenuItemConstructorOptions[] = [];
    constructor() {
      super();
      state.trays.push(this);
    }
    setContextMenu(m: { template: MenuItemConstructorOptions[] }): void {
      this.menu = m.template;
    }
    setToolTip(): void {}
    destroy(): void {}
  }

  class FakeNotification extends Emitter {
    shown = false;
    static isSupported(): boolean {
      return true;
    }
    constructor(public options: { title: string; body: string; actions: unknown[] }) {
      super();
      state.notifications.push(this);
    }
    show(): void {
      this.shown = true;
    }
    close(): void {}
  }

  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: () => state.lock,
    setAppUserModelId: vi.fn(),
    enableSandbox: vi.fn(),
    setPath: vi.fn(),
    getPath: (name: string) => join(state.dir, name),
    isPackaged: false,
    getVersion: () => '0.1.0',
    getLocale: () => 'en-GB',
    quit: vi.fn(),
    whenReady: () => Promise.resolve().then(() => {
      state.ready = true;
    }),
    setLoginItemSettings: vi.fn(),
    getLoginItemSettings: () => ({ openAtLogin: false }),
  });
  const powerMonitor = new Emitter();

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) },
    ipcMain: { handle: (c: string, l: (event: unknown, ...args: unknown[]) => unknown) => void state.handlers.set(c, l) },
    nativeImage: { createFromBuffer: () => ({}) },
    net: { fetch: vi.fn(), isOnline: () => true },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => {
        if (state.ready) throw new Error('registerSchemesAsPrivileged after ready');
      }),
      handle: vi.fn(),
    },
    powerMonitor,
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: vi.fn() },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
      },
    },
    shell: { openExternal: vi.fn() },
    dialog: { showSaveDialog: vi.fn() },
  };
  return { state, electron, FakeWindow };
});

vi.mock('electron', () => h.electron);
vi.mock('electron-log/node', () => {
  const noop = (): void => {};
  return {
    default: {
      info: noop,
      warn: noop,
      error: noop,
      transports: { file: { getFile: () => ({ path: join(h.state.dir, 'main.log') }) }, console: {} },
      errorHandler: { startCatching: noop },
    },
  };
});

type FakeWindow = InstanceType<typeof h.FakeWindow>;
const realPlatform = process.platform;

beforeEach(() => {
  vi.resetModules();
  vi.useFakeTimers({ toFake: ['setInterval'] });
  h.state.dir = mkdtempSync(join(tmpdir(), 'fieldbook-main-'));
  h.state.lock = true;
  h.state.windows = [];
  h.state.trays = [];
  h.state.notifications = [];
  h.state.handlers.clear();
  h.state.ready = false;
  h.electron.app.listeners.clear();
  h.electron.powerMonitor.listeners.clear();
  vi.clearAllMocks();
});
afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(process, 'platform', { value: realPlatform });
  rmSync(h.state.dir, { recursive: true, force: true });
});

/** Imports main and resolves once its window exists (everything else is set up synchronously around it). */
async function boot(): Promise<FakeWindow> {
  const created = new Promise<FakeWindow>((resolve) => (h.state.windowCreated = resolve));
  await import('./index.ts');
  return created;
}

function appFrame() {
  const win = h.state.windows[0];
  return { senderFrame: { url: win?.loaded ?? '', parent: null } };
}

function trayItem(id: string): MenuItemConstructorOptions | undefined {
  return h.state.trays[0]?.menu.find((i) => i.id === id);
}

describe('main process', () => {
  it('a second instance quits at once and creates nothing', async () => {
    h.state.lock = false;
    await import('./index.ts');
    expect(h.electron.app.quit).toHaveBeenCalled();
    expect(h.state.handlers.size).toBe(0);
    expect(h.state.windows).toHaveLength(0);
  });

  it('boots: AppUserModelId on Windows, a hardened window on the built renderer, every IPC channel registered', async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    const win = await boot();
    expect(h.electron.app.setAppUserModelId).toHaveBeenCalledWith('com.fieldbook.app');
    expect(h.electron.app.enableSandbox).toHaveBeenCalled();
    expect(win.options['webPreferences']).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String((win.options['webPreferences'] as { preload: string }).preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(win.loaded).toBe('app://fieldbook/index.html');
    expect([...h.state.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('serves the renderer from app://fieldbook: the scheme is privileged before ready, handled after, and file:// is not the app', async () => {
    await boot();
    expect(h.electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) as unknown }),
    ]);
    expect(h.electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const handler = h.electron.protocol.handle.mock.calls[0]?.[1] as (r: Request) => Promise<Response>;
    expect((await handler(new Request('app://fieldbook/%2e%2e%2fmain%2findex.js'))).status).toBe(400);
    // The IPC sender check follows the new origin.
    await expect(Promise.resolve(h.state.handlers.get('auth:session')?.(appFrame(), undefined))).resolves.toMatchObject({ signedIn: false });
    const fromFile = { senderFrame: { url: 'file:///opt/Fieldbook/resources/app.asar/out/renderer/index.html', parent: null } };
    await expect(Promise.resolve().then(() => h.state.handlers.get('auth:session')?.(fromFile, undefined))).rejects.toThrow(/sender is not the app window/);
  });

  it('closing hides to the tray; Quit in the tray menu really quits', async () => {
    const win = await boot();
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(win.userClose()).toBe(true);
    expect(win.visible).toBe(false);

    h.electron.app.emit('second-instance');
    expect(win.visible).toBe(true);

    (trayItem('quit')?.click as () => void)();
    expect(h.electron.app.quit).toHaveBeenCalled();
    expect(win.userClose()).toBe(false);
  });

  it('restores the saved window size and position and saves it on close', async () => {
    mkdirSync(join(h.state.dir, 'userData'), { recursive: true });
    writeFileSync(join(h.state.dir, 'userData', 'window-state.json'), JSON.stringify({ x: 100, y: 50, width: 1000, height: 700, maximized: false }));
    const win = await boot();
    expect(win.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 700 });
    win.bounds = { x: 200, y: 120, width: 1100, height: 760 };
    win.userClose();
    expect(JSON.parse(readFileSync(join(h.state.dir, 'userData', 'window-state.json'), 'utf8'))).toEqual({
      x: 200, y: 120, width: 1100, height: 760, maximized: false,
    });
  });

  it('tray counts follow tray:counts; Sync now and resume reach the renderer', async () => {
    const win = await boot();
    await h.state.handlers.get('tray:counts')?.(appFrame(), { today: 4, overdue: 2 });
    expect(trayItem('today')?.label).toBe('Today: 4');
    expect(trayItem('overdue')?.label).toBe('Overdue: 2');
    (trayItem('sync')?.click as () => void)();
    h.electron.powerMonitor.emit('resume');
    expect(win.webContents.sent).toEqual([
      { channel: 'event:syncNow', payload: {} },
      { channel: 'event:resumed', payload: {} },
    ]);
  });

  it('a reminder set over IPC becomes a native notification; clicking it opens the app on that activity', async () => {
    const win = await boot();
    win.hide();
    await h.state.handlers.get('reminders:set')?.(appFrame(), [
      { lid: 'L1', subject: 'Call Dana', reminder_at: new Date().toISOString(), due_at: null, type: 'call', entity_name: 'Acme', location: null, phone: '+1 555' },
    ]);
    const n = h.state.notifications[0];
    expect(n?.shown).toBe(true);
    expect(n?.options.title).toBe('Call Dana');
    expect(n?.options.body).toContain('Acme');
    n?.emit('click');
    expect(win.visible).toBe(true);
    expect(win.webContents.sent).toContainEqual({ channel: 'event:reminderClicked', payload: { lid: 'L1', action: 'open' } });
  });

  it('the token stays in memory (and says so) when the OS has no secure storage', async () => {
    await boot();
    const signIn = await h.state.handlers.get('auth:signIn')?.(appFrame(), { baseUrl: 'https://crm.example.com', token: 't0k' });
    expect(signIn).toEqual({ tokenPersisted: false });
    expect(await h.state.handlers.get('auth:session')?.(appFrame(), undefined)).toEqual({
      baseUrl: 'https://crm.example.com', signedIn: true, tokenPersisted: false,
    });
  });
});
