import { describe, expect, it, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import { APP_INDEX_URL } from './app-protocol.ts';
import { contentSecurityPolicy, createAppUrlMatcher, hardenSession, hardenWebContents, openExternalSafely, secureWebPreferences } from './security.ts';

vi.mock('electron', () => ({}));

const APP_URL = APP_INDEX_URL;

describe('window hardening', () => {
  it('web preferences: isolated, sandboxed, no Node, web security on', () => {
    expect(secureWebPreferences('/p.cjs', { devTools: true }).devTools).toBe(true);
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('CSP: no inline script and no network from the page in production; dev adds only what Vite needs', () => {
    const prod = contentSecurityPolicy();
    expect(prod).toContain("script-src 'self';");
    expect(prod).toContain("connect-src 'self';");
    expect(prod).toContain("object-src 'none'");
    expect(prod).not.toMatch(/unsafe-eval|\*/);
    const dev = contentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
  });

  it('the session sets the CSP header (replacing any other) and denies every permission but persistent storage for the app', () => {
    let onHeaders: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    let onRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: { requestingUrl: string }) => void) | undefined;
    let onCheck: ((wc: unknown, permission: string, requestingOrigin: string) => boolean) | undefined;
    const fake = {
      webRequest: { onHeadersReceived: (l: typeof onHeaders) => void (onHeaders = l) },
      setPermissionRequestHandler: (l: typeof onRequest) => void (onRequest = l),
      setPermissionCheckHandler: (l: typeof onCheck) => void (onCheck = l),
      setDevicePermissionHandler: () => undefined,
    };
    hardenSession(fake as unknown as Session, { isAppUrl: createAppUrlMatcher() });
    let headers: Record<string, string[]> = {};
    onHeaders?.({ responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [contentSecurityPolicy()] });
    const wc = { getURL: () => APP_URL };
    const answers: boolean[] = [];
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'unknown', 'storage-access']) {
      onRequest?.(wc, p, (g) => answers.push(g), { requestingUrl: APP_URL });
    }
    expect(answers).toEqual([false, false, false, false, false, false, false]);
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'unknown']) expect(onCheck?.(wc, p, 'app://fieldbook')).toBe(false);
  });

  it('persistent storage (navigator.storage.persist) is allowed for app://fieldbook only', () => {
    let onRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: { requestingUrl: string }) => void) | undefined;
    let onCheck: ((wc: unknown, permission: string, requestingOrigin: string) => boolean) | undefined;
    const fake = {
      webRequest: { onHeadersReceived: () => undefined },
      setPermissionRequestHandler: (l: typeof onRequest) => void (onRequest = l),
      setPermissionCheckHandler: (l: typeof onCheck) => void (onCheck = l),
      setDevicePermissionHandler: () => undefined,
    };
    hardenSession(fake as unknown as Session, { isAppUrl: createAppUrlMatcher() });
    const request = (url: string): boolean => {
      let granted: boolean | undefined;
      onRequest?.({ getURL: () => url }, 'persistent-storage', (g) => (granted = g), { requestingUrl: url });
      return granted === true;
    };
    expect(request(`${APP_URL}#/sync`)).toBe(true);
    expect(onCheck?.({}, 'persistent-storage', 'app://fieldbook')).toBe(true);
    for (const other of ['file:///app/out/renderer/index.html', 'https://evil.example/', 'app://evil/index.html', 'http://localhost:5173/']) {
      expect(request(other)).toBe(false);
      expect(onCheck?.({}, 'persistent-storage', new URL(other).protocol === 'file:' ? 'file://' : other)).toBe(false);
    }
  });

  function fakeContents() {
    const listeners = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (event: string, l: (e: { preventDefault(): void }, url: string) => void) => void listeners.set(event, l),
      setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
    };
    const opened: string[] = [];
    const warnings: string[] = [];
    hardenWebContents(contents as unknown as WebContents, {
      isAppUrl: createAppUrlMatcher(),
      shell: { openExternal: (u: string) => { opened.push(u); return Promise.resolve(); } },
      warn: (m) => warnings.push(m),
    });
    const navigate = (event: string, url: string): boolean => {
      let prevented = false;
      listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    return { navigate, open: (url: string) => openHandler?.({ url }), opened, warnings };
  }

  it('navigation away from the app is blocked; http(s) links go to the browser, nothing else does', () => {
    const c = fakeContents();
    expect(c.navigate('will-navigate', `${APP_URL}#/calendar`)).toBe(false);
    expect(c.navigate('will-navigate', 'https://example.com/doc')).toBe(true);
    expect(c.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    // The old file:// origin of the app is not the app any more.
    expect(c.navigate('will-navigate', 'file:///app/out/renderer/index.html')).toBe(true);
    expect(c.navigate('will-navigate', 'app://evil/index.html')).toBe(true);
    expect(c.navigate('will-redirect', `${APP_URL}#/calendar`)).toBe(false);
    expect(c.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(c.navigate('will-attach-webview', 'https://x')).toBe(true);
    expect(c.opened).toEqual(['https://example.com/doc']);
    expect(c.warnings.join('\n')).toContain('file:///etc/passwd');
  });

  it('new windows are always denied; http(s) targets open in the browser', () => {
    const c = fakeContents();
    expect(c.open('https://example.com/')).toEqual({ action: 'deny' });
    expect(c.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(c.open(APP_URL)).toEqual({ action: 'deny' });
    expect(c.opened).toEqual(['https://example.com/']);
  });

  it('openExternalSafely opens only http(s)', async () => {
    const opened: string[] = [];
    const shell = { openExternal: (u: string) => { opened.push(u); return Promise.resolve(); } };
    for (const url of ['file:///C:/Windows/System32/calc.exe', 'smb://host/share', 'javascript:alert(1)', 'ms-msdt:/id', 'not a url']) {
      expect(await openExternalSafely(shell, url)).toBe(false);
    }
    expect(await openExternalSafely(shell, 'http://example.com/a')).toBe(true);
    expect(opened).toEqual(['http://example.com/a']);
  });
});
