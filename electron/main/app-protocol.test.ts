/**
 * The app:// protocol handler over a real renderer folder on disk: it serves only files inside
 * that folder, refuses traversal in every spelling, sends the right MIME type, nosniff and the CSP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, createAppProtocolHandler, isAppOriginUrl, resolveAppFile } from './app-protocol.ts';

vi.mock('electron', () => ({}));

let base: string;
let root: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'fieldbook-app-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Fieldbook</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'font.woff2'), 'w');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'assets', 'notes.exe'), 'MZ');
  // A secret next to the renderer folder, and one whose name starts like it.
  writeFileSync(join(base, 'session.json'), '{"token":"secret"}');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'evil');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const CSP = "default-src 'self'";

describe('app:// scheme', () => {
  it('is registered standard and secure, with fetch and CORS-mode (module script) support, no CSP bypass', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, bypassCSP: false, allowServiceWorkers: false },
    });
    expect(APP_INDEX_URL).toBe('app://fieldbook/index.html');
  });

  it('recognises app://fieldbook exactly', () => {
    for (const ok of ['app://fieldbook/index.html', 'app://fieldbook/index.html#/calendar', 'app://fieldbook', 'app://fieldbook/']) expect(isAppOriginUrl(ok)).toBe(true);
    for (const bad of ['app://fieldbook.evil/index.html', 'app://evil/index.html', 'app://x@fieldbook/', 'app://fieldbook:8080/', 'file:///app/out/renderer/index.html', 'http://fieldbook/', 'https://fieldbook/', 'not a url']) {
      expect(isAppOriginUrl(bad)).toBe(false);
    }
  });

  it('maps URLs to files inside the renderer folder with their MIME type', () => {
    expect(resolveAppFile(root, 'app://fieldbook/index.html')).toEqual({ ok: true, path: join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    expect(resolveAppFile(root, 'app://fieldbook/')).toMatchObject({ ok: true, path: join(root, 'index.html') });
    expect(resolveAppFile(root, 'app://fieldbook/assets/index-abc.js?v=1#x')).toMatchObject({ ok: true, path: join(root, 'assets', 'index-abc.js'), mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppFile(root, 'app://fieldbook/assets/index-abc.css')).toMatchObject({ mime: 'text/css; charset=utf-8' });
    expect(resolveAppFile(root, 'app://fieldbook/assets/font.woff2')).toMatchObject({ mime: 'font/woff2' });
    expect(resolveAppFile(root, 'app://fieldbook/assets/logo.svg')).toMatchObject({ mime: 'image/svg+xml' });
    expect(resolveAppFile(root, 'app://fieldbook/assets/a%20b.js')).toMatchObject({ ok: true, path: join(root, 'assets', 'a b.js') });
  });

  it.each([
    'app://fieldbook/%2E%2E%2Fsession.json',
    'app://fieldbook/assets/..%2f..%2fsession.json',
    'app://fieldbook/..%5csession.json',
    'app://fieldbook/assets%5c..%5c..%5csession.json',
    'app://fieldbook/%2e%2e%2frenderer-evil/x.js',
    'app://fieldbook/index.html%00.js',
    'app://fieldbook/%E0%A4%A',
  ])('refuses traversal and malformed paths: %s', (url) => {
    expect(resolveAppFile(root, url)).toMatchObject({ ok: false, status: 400 });
  });

  it('../ (plain, or %2e%2e as a whole segment) is folded by the URL parser and stays inside the folder', () => {
    expect(resolveAppFile(root, 'app://fieldbook/../../session.json')).toMatchObject({ ok: true, path: join(root, 'session.json') });
    expect(resolveAppFile(root, 'app://fieldbook/%2e%2e/session.json')).toMatchObject({ ok: true, path: join(root, 'session.json') });
  });

  it('refuses other hosts and file types it does not serve', () => {
    expect(resolveAppFile(root, 'app://evil/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(root, 'app://fieldbook/assets/notes.exe')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(root, 'app://fieldbook/assets')).toMatchObject({ ok: false, status: 404 });
  });

  it('the handler serves the file with its type, nosniff and the CSP header; refuses the rest', async () => {
    const warnings: string[] = [];
    const handle = createAppProtocolHandler({ root, csp: CSP, warn: (m) => warnings.push(m) });
    const index = await handle(new Request('app://fieldbook/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>Fieldbook</title>');

    const js = await handle(new Request('app://fieldbook/assets/index-abc.js'));
    expect([js.status, js.headers.get('content-type'), await js.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);

    const traversal = await handle(new Request('app://fieldbook/%2e%2e%2fsession.json'));
    expect(traversal.status).toBe(400);
    expect(await traversal.text()).not.toContain('secret');
    expect((await handle(new Request('app://fieldbook/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://fieldbook/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect(warnings.join('\n')).toContain('path traversal');
  });
});
