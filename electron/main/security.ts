/**
 * Window and session hardening, all in one place (and checked statically by test/security).
 * The renderer is treated as untrusted: sandboxed, isolated, no Node, a strict CSP, no
 * permissions but persistent storage, no navigation away from app://fieldbook, no new windows, and links leave only to the
 * system browser and only for http(s).
 */
import type { Session, Shell, WebContents, WebPreferences } from 'electron';
import { isAppOriginUrl } from './app-protocol.ts';

/** `devTools` only for unpackaged (developer) runs: an installed app gives no console to a shoulder-surfer. */
export function secureWebPreferences(preload: string, opts: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload,
    devTools: opts.devTools ?? false,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/**
 * The renderer never talks to the network itself (the CRM goes through main), so connect-src is
 * 'self'. Dev mode adds what Vite's dev server needs (HMR websocket, the React refresh preamble).
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devServerUrl ? new URL(devServerUrl) : null;
  const ws = dev ? ` ws://${dev.host}` : '';
  return [
    "default-src 'self'",
    `script-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    // Inline style attributes come from FullCalendar and React style props.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self'",
  ].join('; ');
}

/**
 * Decides whether a URL (or an origin string) is our own renderer: app://fieldbook/…, or the dev
 * server's origin when one is configured. Never file://: the app is not served from the disk.
 */
export function createAppUrlMatcher(opts: { devServerUrl?: string } = {}): (url: string) => boolean {
  const devOrigin = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  return (url: string): boolean => {
    if (isAppOriginUrl(url)) return true;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    return devOrigin !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === devOrigin;
  };
}

/**
 * The one permission the page gets: persistent storage (navigator.storage.persist()), so the
 * browser engine does not evict the rep's unsynced work under disk pressure. Only for our own
 * origin; everything else stays denied.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['persistent-storage']);

export function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The only place the app opens anything outside itself: http(s) only, never file:, smb:, custom schemes. */
export async function openExternalSafely(shell: Pick<Shell, 'openExternal'>, url: string): Promise<boolean> {
  if (!isHttpUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}

export function hardenSession(session: Session, opts: { devServerUrl?: string; isAppUrl: (url: string) => boolean }): void {
  const csp = contentSecurityPolicy(opts.devServerUrl);
  const { isAppUrl } = opts;
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  // Notifications come from main; the page needs no camera, location, clipboard-read, etc.
  // Electron's typings list the permissions it names; persistent-storage arrives as a plain string.
  session.setPermissionRequestHandler((wc, permission: string, callback, details) => {
    const from = details.requestingUrl || wc.getURL();
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(from));
  });
  session.setPermissionCheckHandler((_wc, permission: string, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}

export function hardenWebContents(
  contents: WebContents,
  deps: { isAppUrl: (url: string) => boolean; shell: Pick<Shell, 'openExternal'>; warn: (msg: string) => void },
): void {
  const leave = (url: string): void => {
    if (isHttpUrl(url)) void openExternalSafely(deps.shell, url);
    else deps.warn(`blocked navigation to ${url}`);
  };
  contents.on('will-navigate', (event, url) => {
    if (deps.isAppUrl(url)) return;
    event.preventDefault();
    leave(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (deps.isAppUrl(url)) return;
    event.preventDefault();
    deps.warn(`blocked redirect to ${url}`);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
}
