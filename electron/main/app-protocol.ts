/**
 * The renderer is served from app://fieldbook/, a privileged custom scheme, instead of file://.
 * A file:// page shares its origin with every file on the disk (and the
 * grantFileProtocolExtraPrivileges fuse, now off, gave it more); app://fieldbook is an origin of
 * its own: 'self' in the CSP means the built renderer folder and nothing else, storage is keyed
 * to it, and the navigation guard and the IPC sender check compare against it.
 *
 * The handler serves files only from the built renderer folder: it refuses `..` (plain or
 * percent-encoded), backslashes, NUL, other hosts and unknown file types; it answers with the
 * right MIME type, nosniff, and the CSP as a response header (custom-scheme responses do not go
 * through webRequest.onHeadersReceived, so the header is set here too).
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'fieldbook';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** For protocol.registerSchemesAsPrivileged, before app ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: a real origin (relative URLs, storage, 'self'); secure: like https (secure context,
  // so navigator.storage.persist() and crypto.subtle work); supportFetchAPI: fetch() of our own
  // assets; corsEnabled: Vite emits `<script type="module" crossorigin>` and a module worker, which
  // load in CORS mode (our responses carry no Access-Control-Allow-Origin, so no other origin can
  // read them). No service workers, no CSP bypass.
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true, bypassCSP: false, allowServiceWorkers: false },
} as const;

/** Only what the renderer build emits. Anything else is not served. */
export const APP_MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Whether a URL (or an origin string) is on app://fieldbook, exactly: no other host, port or user info. */
export function isAppOriginUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  // app: is not a WHATWG "special" scheme, so URL.origin is "null": compare the parts.
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

export type AppFileResolution = { ok: true; path: string; mime: string } | { ok: false; status: 400 | 404; reason: string };

/** Maps an app:// URL to a file inside root, or says why not. Pure: no file system access. */
export function resolveAppFile(root: string, url: string): AppFileResolution {
  if (!isAppOriginUrl(url)) return { ok: false, status: 404, reason: 'not app://fieldbook' };
  const raw = new URL(url).pathname;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  // The URL parser already folds plain "/../"; these catch the encoded and Windows forms.
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((seg) => seg === '..' || seg === '.')) {
    return { ok: false, status: 400, reason: 'path traversal' };
  }
  const relativePath = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const file = resolve(base, relativePath);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    return { ok: false, status: 400, reason: 'outside the renderer folder' };
  }
  const mime = APP_MIME_TYPES[extname(file).toLowerCase()];
  if (!mime) return { ok: false, status: 404, reason: 'file type not served' };
  return { ok: true, path: file, mime };
}

export interface AppProtocolDeps {
  /** The built renderer folder (out/renderer). */
  root: string;
  /** The Content-Security-Policy header value. */
  csp: string;
  readFile?: (path: string) => Promise<Uint8Array>;
  warn?: (message: string) => void;
}

/** The protocol.handle('app', …) handler. */
export function createAppProtocolHandler(deps: AppProtocolDeps): (request: Request) => Promise<Response> {
  const read = deps.readFile ?? ((p: string) => readFile(p));
  const plain = (status: number, text: string): Response =>
    new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const found = resolveAppFile(deps.root, request.url);
    if (!found.ok) {
      deps.warn?.(`app:// refused ${request.url}: ${found.reason}`);
      return plain(found.status, found.status === 400 ? 'Bad request' : 'Not found');
    }
    let body: Uint8Array;
    try {
      body = await read(found.path);
    } catch {
      return plain(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: {
        'Content-Type': found.mime,
        'Content-Security-Policy': deps.csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  };
}
