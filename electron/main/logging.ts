/**
 * Logging with electron-log. Its Node flavour is used on purpose: `electron-log/main` registers
 * its own ipcMain handlers on import, which would bypass our validating IPC wrapper.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import log from 'electron-log/node';
import type { BrowserWindow, Dialog } from 'electron';

export { log };

export function setupLogging(logsDir: string, verboseConsole: boolean): void {
  log.transports.file.resolvePathFn = () => join(logsDir, 'main.log');
  log.transports.file.level = 'info';
  log.transports.file.maxSize = 5 * 1024 * 1024;
  log.transports.console.level = verboseConsole ? 'debug' : false;
  log.errorHandler.startCatching({ showDialog: false });
}

export function currentLogFile(): string {
  return log.transports.file.getFile().path;
}

export interface ExportDeps {
  dialog: Pick<Dialog, 'showSaveDialog'>;
  window: BrowserWindow | null;
  downloadsDir: string;
  logFile: string;
  now: Date;
}

/**
 * "Export logs": asks where to save (default: Downloads) and writes the rotated and current log
 * as one file for support. Resolves with the saved path, or null when cancelled.
 */
export async function exportLogs(deps: ExportDeps): Promise<string | null> {
  const stamp = deps.now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const options = {
    title: 'Export logs',
    defaultPath: join(deps.downloadsDir, `fieldbook-logs-${stamp}.log`),
    filters: [{ name: 'Log files', extensions: ['log', 'txt'] }],
  };
  const result = deps.window ? await deps.dialog.showSaveDialog(deps.window, options) : await deps.dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  const old = deps.logFile.replace(/\.log$/, '.old.log');
  if (existsSync(old)) {
    writeFileSync(result.filePath, Buffer.concat([readFileSync(old), existsSync(deps.logFile) ? readFileSync(deps.logFile) : Buffer.alloc(0)]));
  } else if (existsSync(deps.logFile)) {
    copyFileSync(deps.logFile, result.filePath);
  } else {
    writeFileSync(result.filePath, 'No log entries yet.\n');
  }
  log.info(`logs exported to ${result.filePath}`);
  return result.filePath;
}
