import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { scanSource, scanTree } from './scanner.ts';

vi.mock('electron', () => ({}));

const ELECTRON_DIR = join(import.meta.dirname, '../../electron');

describe('static security check of electron/**', () => {
  it('finds nothing in the real code', () => {
    const { files, findings } = scanTree(ELECTRON_DIR);
    // The scan must actually cover the modules that matter.
    expect(files).toEqual(expect.arrayContaining(['main/index.ts', 'main/ipc.ts', 'main/security.ts', 'preload/index.ts']));
    expect(findings).toEqual([]);
  });

  it.each([
    ['main/security.ts', 'sandbox: true,', 'sandbox: false,', 'insecure-option'],
    ['main/security.ts', 'if (!isHttpUrl(url)) return false;', '', 'unchecked-open-external'],
    ['main/ipc.ts', 'schema.safeParse(args[0])', 'schema.parse(args[0])', 'unvalidated-ipc'],
    ['main/index.ts', 'registerIpcHandlers(\n      ipcMain,', "ipcMain.handle('debug', () => process.env);\n    registerIpcHandlers(\n      ipcMain,", 'unvalidated-ipc'],
    ['main/index.ts', 'webPreferences: secureWebPreferences(', 'webPreferences: ({ nodeIntegration: true }) && secureWebPreferences(', 'unsafe-web-preferences'],
  ])('a weakened %s (%s → %s) is caught', (file, from, to, rule) => {
    const real = readFileSync(join(ELECTRON_DIR, file), 'utf8');
    expect(real).toContain(from);
    const mutated = real.replace(from, to);
    expect(scanSource(file, mutated).map((f) => f.rule)).toContain(rule);
  });
});

describe('the scanner catches bad code (fixtures)', () => {
  const rules = (file: string, src: string): string[] => scanSource(file, src).map((f) => `${f.rule}@${f.line}`);

  it.each([
    ['nodeIntegration: true', 'nodeIntegration: true'],
    ['contextIsolation: false', 'contextIsolation: false'],
    ['sandbox: false', 'sandbox: false'],
    ['webSecurity: false', 'webSecurity: false'],
    ['allowRunningInsecureContent: true', 'allowRunningInsecureContent: true'],
    ['enableRemoteModule: true', 'enableRemoteModule: true'],
    ['experimentalFeatures: true', 'experimentalFeatures: true'],
    ['webviewTag: true', 'webviewTag: true'],
    ['a non-literal sandbox', 'sandbox: process.env.X === "1"'],
  ])('insecure option %s', (_name, option) => {
    const src = `import { BrowserWindow } from 'electron';\nconst prefs = {\n  ${option},\n};\n`;
    expect(rules('main/window.ts', src)).toEqual(['insecure-option@3']);
  });

  it('a window with hand-written or missing webPreferences', () => {
    const src = [
      "import { BrowserWindow } from 'electron';",
      'new BrowserWindow({ width: 800 });',
      "new BrowserWindow({ webPreferences: { preload: 'p.js' } });",
      "new BrowserWindow({ webPreferences: secureWebPreferences('p.js') });",
    ].join('\n');
    expect(rules('main/window.ts', src)).toEqual(['unsafe-web-preferences@2', 'unsafe-web-preferences@3']);
  });

  it('ipcMain handlers registered outside the validating wrapper', () => {
    const src = [
      "import { ipcMain } from 'electron';",
      "ipcMain.handle('secret', () => 42);",
      "ipcMain.on('x', () => {});",
      'const alias = ipcMain;',
      'registerIpcHandlers(ipcMain, handlers, isAppUrl, log);',
    ].join('\n');
    expect(rules('main/index.ts', src)).toEqual(['unvalidated-ipc@2', 'unvalidated-ipc@3', 'unvalidated-ipc@4']);
  });

  it('ipcMain.handle in ipc.ts but not inside handleValidated, and a wrapper that stopped validating', () => {
    const src = [
      'function helper(ipcMain: IpcMainLike) {',
      "  ipcMain.handle('x', () => 1);",
      '}',
      'function handleValidated(ipcMain: IpcMainLike, channel: string, handler: () => unknown) {',
      '  ipcMain.handle(channel, () => handler());',
      '}',
    ].join('\n');
    expect(rules('main/ipc.ts', src)).toEqual(['unvalidated-ipc@2', 'unvalidated-ipc@4']);
  });

  it('shell.openExternal without the http(s) check', () => {
    const src = [
      "import { shell } from 'electron';",
      'export function openLink(url: string) { void shell.openExternal(url); }',
      'export async function openExternalSafely(shell: Shell, url: string) { await shell.openExternal(url); return true; }',
    ].join('\n');
    expect(rules('main/links.ts', src)).toEqual(['unchecked-open-external@2', 'unchecked-open-external@3']);
    expect(rules('main/security.ts', src)).toEqual(['unchecked-open-external@2', 'unchecked-open-external@3']);
  });

  it('a preload exposing ipcRenderer', () => {
    const src = [
      "import { contextBridge, ipcRenderer } from 'electron';",
      "contextBridge.exposeInMainWorld('ipc', ipcRenderer);",
      "contextBridge.exposeInMainWorld('api', { ipcRenderer });",
    ].join('\n');
    expect(rules('preload/index.ts', src)).toEqual(['exposed-ipc-renderer@2', 'exposed-ipc-renderer@3']);
  });

  it('good code passes', () => {
    const src = [
      "import { BrowserWindow, ipcMain } from 'electron';",
      "const win = new BrowserWindow({ show: false, webPreferences: secureWebPreferences('p.cjs') });",
      'registerIpcHandlers(ipcMain, handlers, isAppUrl, log);',
      'const prefs = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true };',
    ].join('\n');
    expect(rules('main/index.ts', src)).toEqual([]);
  });
});
