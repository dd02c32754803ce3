/**
 * Window and session hardening, all in one place (and checked statically by test/security).
 * The renderer is treated as untrusted: sandboxed, isolated, no Node, a strict CSP, no
 * permissions, no navigation away from the app, no new windows, and links leave only to the
 * system browser and only for http(s).
 */
import { pathToFileURL } from 'node:url';
import type { Session, Shell, WebContents, WebPreferences } from 'electron';

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

/** Decides whether a URL is our own renderer: the built index.html, or the dev server's origin. */
export function createAppUrlMatcher(opts: { rendererIndexHtml: string; devServerUrl?: string }): (url: string) => boolean {
  const fileUrl = pathToFileURL(opts.rendererIndexHtml).href;
  const devOrigin = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  return (url: string): boolean => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (u.protocol === 'file:') return `${u.protocol}//${u.host}${u.pathname}` === fileUrl;
    return devOrigin !== null && u.origin === devOrigin;
  };
}

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

export function hardenSession(session: Session, devServerUrl?: string): void {
  const csp = contentSecurityPolicy(devServerUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  // Notifications come from main; the page needs no camera, location, clipboard-read, etc.
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
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
