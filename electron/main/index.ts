/**
 * Main process lifecycle: one instance, one window that hides to the tray, and the services only
 * main can host (network with the token, native reminders, tray, start at login, power events).
 */
import { join } from 'node:path';
import { BrowserWindow, app, dialog, ipcMain, nativeImage, net, powerMonitor, protocol, safeStorage, screen, session, shell } from 'electron';
import { z } from 'zod';
import { APP_ID, PRODUCT_NAME } from './app-info.ts';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.ts';
import { HIDDEN_ARG, isStartAtLogin, setStartAtLogin } from './autostart.ts';
import type { NativeImage } from 'electron';
import type { AutostartDeps } from './autostart.ts';
import { CalDavCredentialStore } from './caldav-store.ts';
import { MainCalDavTransport } from './caldav-transport.ts';
import { createHandlers } from './handlers.ts';
import { iconPng } from './icon.ts';
import { EventSender, registerIpcHandlers } from './ipc.ts';
import { jsonFile } from './json-file.ts';
import { currentLogFile, exportLogs, log, setupLogging } from './logging.ts';
import { ElectronNotifier, platformSupportsActions } from './notifier.ts';
import { ConnectivityWatch, watchPower } from './power.ts';
import { ReminderScheduler, schedulerStateSchema } from './reminders.ts';
import { contentSecurityPolicy, createAppUrlMatcher, hardenSession, hardenWebContents, secureWebPreferences } from './security.ts';
import { TokenStore } from './token-store.ts';
import { MainTransport } from './transport.ts';
import { TrayController } from './tray.ts';
import { restorableState, trackWindowState, windowStateFile } from './window-state.ts';

const TICK_MS = 15_000;

// Tests and the smoke run point userData at a fresh directory.
const userDataOverride = process.env['FIELDBOOK_USER_DATA'];
if (userDataOverride) app.setPath('userData', userDataOverride);

let mainWindow: BrowserWindow | null = null;
let quitting = false;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  // Every renderer sandboxed, whatever a future window forgets to say.
  app.enableSandbox();
  // The renderer is served from app://fieldbook (a standard, secure origin of its own), never
  // file://. Schemes must be registered before ready.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const userData = app.getPath('userData');
  setupLogging(app.getPath('logs'), !app.isPackaged);
  log.info(`starting ${PRODUCT_NAME} ${app.getVersion()} on ${process.platform}`);

  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const rendererDir = join(import.meta.dirname, '../renderer');
  const isAppUrl = createAppUrlMatcher(devServerUrl ? { devServerUrl } : {});
  const startHidden = process.argv.includes(HIDDEN_ARG);

  app.on('web-contents-created', (_e, contents) => {
    hardenWebContents(contents, { isAppUrl, shell, warn: (m) => log.warn(m) });
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // Closing the window keeps the app in the tray so reminders still fire.
  app.on('window-all-closed', () => {});

  const events = new EventSender();
  const icon = nativeImage.createFromBuffer(iconPng(256));

  function showWindow(): BrowserWindow {
    const win = mainWindow ?? createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return win;
  }

  function createWindow(): BrowserWindow {
    const stateFile = windowStateFile(join(userData, 'window-state.json'), (m) => log.warn(m));
    const state = restorableState(stateFile.read(), screen.getAllDisplays().map((d) => d.workArea));
    const win = new BrowserWindow({
      ...state,
      minWidth: 720,
      minHeight: 500,
      show: false,
      title: PRODUCT_NAME,
      icon,
      backgroundColor: '#ffffff',
      webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/index.cjs'), { devTools: !app.isPackaged }),
    });
    trackWindowState(win, stateFile);
    win.on('close', (e) => {
      if (quitting) return;
      e.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      mainWindow = null;
    });
    win.once('ready-to-show', () => {
      if (state.maximized) win.maximize();
      // Launched at login with --hidden: stay in the tray until the rep opens the window.
      if (!startHidden) win.show();
    });
    events.attach(win.webContents);
    if (devServerUrl) void win.loadURL(devServerUrl);
    else void win.loadURL(APP_INDEX_URL);
    mainWindow = win;
    return win;
  }

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, { isAppUrl, ...(devServerUrl ? { devServerUrl } : {}) });
    protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: rendererDir, csp: contentSecurityPolicy(devServerUrl), warn: (m) => log.warn(m) }));

    const tokens = new TokenStore(join(userData, 'session.json'), safeStorage, process.platform, log);
    tokens.load();

    const transport = new MainTransport({
      fetch: (url, init) => net.fetch(url, init),
      isOnline: () => net.isOnline(),
      credentials: () => tokens.get(),
      onOnlineChange: (online) => {
        log.info(`CRM ${online ? 'reachable' : 'unreachable'}`);
        events.send('online', { online });
      },
    });

    const calendarAccount = new CalDavCredentialStore(join(userData, 'caldav.json'), safeStorage, process.platform, log);
    calendarAccount.load();
    const caldav = {
      store: calendarAccount,
      // Node's fetch, not net.fetch: a CalDAV client must see a 3xx (discovery through
      // /.well-known/caldav), and net.fetch rejects a redirect it is told not to follow.
      transport: new MainCalDavTransport({ fetch: (url, init) => fetch(url, init), credential: () => calendarAccount.get() }),
    };

    const scheduler = new ReminderScheduler({
      clock: { now: () => Date.now() },
      notifier: new ElectronNotifier(icon, log),
      storage: jsonFile(join(userData, 'reminders.json'), schedulerStateSchema, (m) => log.warn(m)),
      timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
      locale: app.getLocale(),
      supportsActions: platformSupportsActions(process.platform),
      onOpen: (lid, action) => {
        showWindow();
        events.send('reminderClicked', { lid, action });
      },
      onMissed: (lids) => events.send('remindersMissed', { lids }),
      // The OS did not show it: the app's reminder centre does (the window is shown for it).
      onUnshown: (key, reminder) => {
        showWindow();
        events.send('reminderDue', { key, reminder });
      },
      onSummaryClicked: (lids) => {
        showWindow();
        events.send('remindersMissed', { lids });
      },
    });

    const tray = new TrayController(
      trayIcon(),
      { today: 0, overdue: 0, paused: scheduler.isPaused() },
      {
        open: () => showWindow(),
        syncNow: () => events.send('syncNow', {}),
        setPaused: (paused) => {
          scheduler.setPaused(paused);
          tray.setPaused(paused);
          log.info(`reminders ${paused ? 'paused' : 'resumed'}`);
          scheduler.tick();
        },
        quit: () => {
          quitting = true;
          app.quit();
        },
      },
    );

    const autostart: AutostartDeps = {
      platform: process.platform,
      app,
      appId: APP_ID,
      productName: PRODUCT_NAME,
      executable: process.env['APPIMAGE'] ?? process.execPath,
    };
    applyFirstRunStartAtLogin(userData, autostart);

    registerIpcHandlers(
      ipcMain,
      createHandlers({
        tokens,
        transport,
        scheduler,
        tray,
        startAtLogin: { set: (enabled) => setStartAtLogin(enabled, autostart), get: () => isStartAtLogin(autostart) },
        exportLogs: () =>
          exportLogs({ dialog, window: mainWindow, downloadsDir: app.getPath('downloads'), logFile: currentLogFile(), now: new Date() }),
        shell,
        log,
        caldav,
      }),
      isAppUrl,
      log,
    );

    createWindow();

    const connectivity = new ConnectivityWatch(
      () => net.isOnline(),
      (online) => {
        if (online) events.send('resumed', {});
        else transport.checkOs();
      },
    );
    const tick = (): void => {
      scheduler.tick();
      connectivity.check();
    };
    tick();
    setInterval(tick, TICK_MS);
    watchPower({
      powerMonitor,
      onResume: () => {
        log.info('resumed: catching up reminders and syncing');
        scheduler.tick();
        events.send('resumed', {});
      },
    });
  });
}

/** 16 pt tray icon (32 px @2x); on macOS a template image, as menu-bar icons should be. */
function trayIcon(): NativeImage {
  const mac = process.platform === 'darwin';
  const img = nativeImage.createFromBuffer(iconPng(32, mac ? 'template' : 'color'), { scaleFactor: 2 });
  if (mac) img.setTemplateImage(true);
  return img;
}

/** Packaged builds start at login by default (reminders need the app running); the rep can turn it off. */
function applyFirstRunStartAtLogin(userData: string, autostart: AutostartDeps): void {
  if (!app.isPackaged) return;
  const file = jsonFile(join(userData, 'first-run.json'), z.object({ startAtLoginApplied: z.boolean() }));
  if (file.read()?.startAtLoginApplied) return;
  try {
    setStartAtLogin(true, autostart);
  } catch (e) {
    log.warn(`could not enable start at login: ${e instanceof Error ? e.message : String(e)}`);
  }
  file.write({ startAtLoginApplied: true });
}
