/**
 * BENCH_ONLY=bundle (issue #12, "renderer JavaScript loaded at start ≤ 800 kB before the first view
 * is interactive"). Builds the web renderer (vite.web.config.ts, the same chunks as the desktop
 * renderer: renderer/src/app/lazy-views.tsx splits the views), then reports:
 *
 * - `manifest`: from the build manifest, the entry chunk and what the first view (Calendar) needs
 *   on top of it: its chunk and their static imports. Deterministic; test/e2e/bundle-budget.e2e.test.ts
 *   holds the entry to its budget with the same function.
 * - `browser`: the production build served by Vite's preview server, opened signed in (demo CRM)
 *   in Debian Chromium: the bytes of every script the page had received when the Calendar grid
 *   appeared (the first view interactive), the sync worker's script apart, and everything loaded
 *   once the idle preload of the other views has finished.
 *
 * Bytes are the files as served (minified, uncompressed: what the renderer parses; Electron reads
 * them from disk without compression).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { startCrmServer } from '../crm-server/index.ts';
import { goal } from './goals.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = resolve(ROOT, 'vite.web.config.ts');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The goal: JavaScript the page loads before the first view is interactive. */
export const START_JS_GOAL_BYTES = 800_000;

/** One entry of Vite's build manifest (.vite/manifest.json). */
export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export interface StartSet {
  /** The entry chunk's file and bytes. */
  entry: { file: string; bytes: number };
  /** The entry and its static imports (files), and their bytes. */
  entryFiles: string[];
  entryClosureBytes: number;
  /** The first view's chunk and its static imports not already in the entry's closure. */
  firstView: { src: string; files: string[]; bytes: number };
  /** What the first view needs in all: entry closure + first view. */
  startBytes: number;
  /** Every JS file of the build except workers (what a page could load at most). */
  allPageJsBytes: number;
  /** Whether the entry chunk's code contains `needle` (e.g. a library's marker string). */
  entryHolds: (needle: string) => boolean;
}

/** The manifest a `build({ build: { manifest: true } })` wrote into outDir. */
export function readManifest(outDir: string): Manifest {
  return JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
}

/** Static imports of `key`, itself included, in the manifest. */
function closure(manifest: Manifest, key: string, into = new Set<string>()): Set<string> {
  if (into.has(key)) return into;
  into.add(key);
  for (const k of manifest[key]?.imports ?? []) closure(manifest, k, into);
  return into;
}

/**
 * What the start page loads before `firstViewSrc` (a source path relative to renderer/, e.g.
 * 'src/views/calendar/CalendarView.tsx') can render: the entry, its static imports, and that view's
 * chunk with its own.
 */
export function startSet(outDir: string, firstViewSrc = 'src/views/calendar/CalendarView.tsx'): StartSet {
  const manifest = readManifest(outDir);
  const bytes = (file: string) => statSync(join(outDir, file)).size;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry && k.endsWith('index.html'));
  if (!entryKey) throw new Error('the build manifest has no index.html entry');
  const entryFiles = [...closure(manifest, entryKey)].map((k) => manifest[k]!.file);
  if (!manifest[firstViewSrc]) throw new Error(`${firstViewSrc} is not a chunk of its own (is it still imported statically?)`);
  const viewFiles = [...closure(manifest, firstViewSrc)].map((k) => manifest[k]!.file).filter((f) => !entryFiles.includes(f));
  const sum = (files: string[]) => files.reduce((n, f) => n + bytes(f), 0);
  const entryFile = manifest[entryKey]!.file;
  const entryCode = readFileSync(join(outDir, entryFile), 'utf8');
  const assets = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js') && !f.startsWith('worker-'));
  return {
    entry: { file: entryFile, bytes: bytes(entryFile) },
    entryFiles,
    entryClosureBytes: sum(entryFiles),
    firstView: { src: firstViewSrc, files: viewFiles, bytes: sum(viewFiles) },
    startBytes: sum(entryFiles) + sum(viewFiles),
    allPageJsBytes: assets.reduce((n, f) => n + bytes(`assets/${f}`), 0),
    entryHolds: (needle) => entryCode.includes(needle),
  };
}

/** Builds the web renderer with a manifest into a fresh temporary directory (remove it after). */
export async function buildWeb(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'fieldbook-bundle-'));
  // Vite builds what NODE_ENV says when it is set (vitest sets 'test': React's development build,
  // a third larger): the shipped build is the production one.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: CONFIG, logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true, manifest: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

/** The sync worker's script(s) in a build. */
function workerBytes(outDir: string): number {
  return readdirSync(join(outDir, 'assets')).filter((f) => f.startsWith('worker-') && f.endsWith('.js'))
    .reduce((n, f) => n + statSync(join(outDir, 'assets', f)).size, 0);
}

interface Loaded { url: string; bytes: number; at: number }

/** Opens the built app signed in and sums the scripts received until the Calendar grid shows. */
async function measureInBrowser(outDir: string) {
  const server = await preview({ configFile: CONFIG, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const crm = await startCrmServer({ port: 0, demo: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('preview server has no port');
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, timezoneId: 'Europe/Berlin', locale: 'en-GB', serviceWorkers: 'block' });
    const page = await context.newPage();
    const loaded: Loaded[] = [];
    const pending: Promise<void>[] = [];
    const t0 = Date.now();
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'script' && !/\.m?js(\?|$)/.test(res.url())) return;
      pending.push(res.body().then((b) => { loaded.push({ url: res.url(), bytes: b.length, at: Date.now() - t0 }); }, () => undefined));
    });
    const q = new URLSearchParams({ db: `bundle-${Date.now()}`, crm: crm.url, token: crm.token });
    await page.goto(`http://127.0.0.1:${address.port}/?${q.toString()}`);
    await page.locator('.fb-calendar-view .fc-view').waitFor({ timeout: 60_000 });
    const interactiveAt = Date.now() - t0;
    await Promise.all(pending.splice(0));
    const isWorker = (l: Loaded) => /\/worker-[^/]*\.js/.test(l.url);
    const before = loaded.filter((l) => l.at <= interactiveAt);
    // Then the idle preload fetches the other views: wait until every page chunk has arrived.
    const allPage = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js') && !f.startsWith('worker-') && !f.startsWith('electron-')).length;
    const deadline = Date.now() + 30_000;
    while (loaded.filter((l) => !isWorker(l) && /\/assets\//.test(l.url)).length < allPage && Date.now() < deadline) {
      await page.waitForEvent('response', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
      await Promise.all(pending.splice(0));
    }
    await context.close();
    const sum = (ls: Loaded[]) => ls.reduce((n, l) => n + l.bytes, 0);
    return {
      interactiveMs: interactiveAt,
      pageScriptBytesBeforeInteractive: sum(before.filter((l) => !isWorker(l))),
      pageScriptsBeforeInteractive: before.filter((l) => !isWorker(l)).length,
      workerScriptBytesBeforeInteractive: sum(before.filter(isWorker)),
      pageScriptBytesAfterPreload: sum(loaded.filter((l) => !isWorker(l))),
      pageScriptsAfterPreload: loaded.filter((l) => !isWorker(l)).length,
    };
  } finally {
    await browser.close();
    await crm.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}

export async function bundleBench() {
  const outDir = await buildWeb();
  try {
    const set = startSet(outDir);
    const browserFigures = await measureInBrowser(outDir);
    const goals = [
      goal('bundle.startPageJsBytes', browserFigures.pageScriptBytesBeforeInteractive, { atMost: START_JS_GOAL_BYTES }, 'bytes of page scripts before the Calendar shows'),
    ];
    return {
      goals,
      note: 'Web production build (vite.web.config.ts), minified, uncompressed bytes. First view: Calendar. The sync worker\'s script is counted apart.',
      manifest: {
        entry: set.entry,
        entryFiles: set.entryFiles,
        entryClosureBytes: set.entryClosureBytes,
        firstView: set.firstView,
        startBytes: set.startBytes,
        goalBytes: START_JS_GOAL_BYTES,
        allPageJsBytes: set.allPageJsBytes,
        workerBytes: workerBytes(outDir),
        entryHoldsFullCalendar: set.entryHolds('fc-daygrid'),
      },
      browser: { ...browserFigures, goalBytes: START_JS_GOAL_BYTES },
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Run on its own: `npx tsx test/bench/bundle.ts` prints the figures.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await bundleBench(), null, 2));
