/**
 * A focused static security check of the Electron code (in the spirit of Electronegativity,
 * which is not installed here and exits 0 on findings anyway). It parses each file with the
 * TypeScript compiler and reports:
 *  - insecure-option: webPreferences that turn off isolation/sandbox/web security or turn on Node,
 *    remote, webviews, insecure content or experimental features;
 *  - unsafe-web-preferences: a window whose webPreferences do not come from secureWebPreferences();
 *  - unvalidated-ipc: ipcMain registrations outside the validating wrapper (ipc.ts handleValidated),
 *    or ipcMain handed anywhere but registerIpcHandlers(); a wrapper that stops validating;
 *  - unchecked-open-external: shell.openExternal outside openExternalSafely, or that function
 *    losing its http(s) check;
 *  - exposed-ipc-renderer: the preload exposing ipcRenderer itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface Finding {
  file: string;
  line: number;
  rule: 'insecure-option' | 'unsafe-web-preferences' | 'unvalidated-ipc' | 'unchecked-open-external' | 'exposed-ipc-renderer';
  message: string;
}

/** Options that must be literally `true`. */
const MUST_BE_TRUE = new Set(['contextIsolation', 'sandbox', 'webSecurity']);
/** Options that must be absent or literally `false`. */
const MUST_NOT_BE_TRUE = new Set([
  'nodeIntegration',
  'nodeIntegrationInWorker',
  'nodeIntegrationInSubFrames',
  'allowRunningInsecureContent',
  'experimentalFeatures',
  'enableRemoteModule',
  'webviewTag',
]);
const WINDOW_CLASSES = new Set(['BrowserWindow', 'BrowserView', 'WebContentsView']);
const IPC_REGISTRATIONS = new Set(['handle', 'handleOnce', 'on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

const IPC_WRAPPER_FILE = 'main/ipc.ts';
const IPC_WRAPPER_FN = 'handleValidated';
const SAFE_OPEN_FILE = 'main/security.ts';
const SAFE_OPEN_FN = 'openExternalSafely';

function propName(name: ts.PropertyName): string | null {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : null;
}

function enclosingFunctionName(node: ts.Node): string | null {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name) return n.name.text;
    if ((ts.isMethodDeclaration(n) || ts.isPropertyAssignment(n)) && propName(n.name)) return propName(n.name);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) {
      return n.name.text;
    }
  }
  return null;
}

function isTypePosition(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isTypeNode(n) || ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) return true;
    if (ts.isStatement(n) || ts.isExpression(n)) return false;
  }
  return false;
}

/** `fileName` is relative to the scanned root (e.g. "main/ipc.ts"); it decides where wrappers may live. */
export function scanSource(fileName: string, text: string): Finding[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const file = fileName.split(sep).join('/');
  const findings: Finding[] = [];
  const add = (node: ts.Node, rule: Finding['rule'], message: string): void => {
    findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, rule, message });
  };

  const visit = (node: ts.Node): void => {
    // insecure-option: anywhere an object literal sets one of these keys.
    if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) {
      const name = propName(node.name);
      const value = ts.isPropertyAssignment(node) ? node.initializer : null;
      if (name && MUST_BE_TRUE.has(name) && value?.kind !== ts.SyntaxKind.TrueKeyword) {
        add(node, 'insecure-option', `${name} must be literally true`);
      }
      if (name && MUST_NOT_BE_TRUE.has(name) && value?.kind !== ts.SyntaxKind.FalseKeyword) {
        add(node, 'insecure-option', `${name} must be absent or literally false`);
      }
      if (name === 'webPreferences') {
        const ok = value && ts.isCallExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'secureWebPreferences';
        if (!ok) add(node, 'unsafe-web-preferences', 'webPreferences must be secureWebPreferences(...) from security.ts');
      }
    }

    // unsafe-web-preferences: a window created without webPreferences relies on defaults.
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && WINDOW_CLASSES.has(node.expression.text)) {
      const arg = node.arguments?.[0];
      const hasPrefs = arg && ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => p.name && propName(p.name) === 'webPreferences');
      if (!hasPrefs) add(node, 'unsafe-web-preferences', `new ${node.expression.text}() without webPreferences: secureWebPreferences(...)`);
    }

    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const target = node.expression.expression;

      // unvalidated-ipc: registrations only inside the wrapper.
      if (ts.isIdentifier(target) && target.text === 'ipcMain' && IPC_REGISTRATIONS.has(method)) {
        if (!(file.endsWith(IPC_WRAPPER_FILE) && enclosingFunctionName(node) === IPC_WRAPPER_FN)) {
          add(node, 'unvalidated-ipc', `ipcMain.${method}() outside ${IPC_WRAPPER_FN} in ${IPC_WRAPPER_FILE}`);
        }
      }

      // unchecked-open-external
      if (method === 'openExternal') {
        if (!(file.endsWith(SAFE_OPEN_FILE) && enclosingFunctionName(node) === SAFE_OPEN_FN)) {
          add(node, 'unchecked-open-external', `openExternal() outside ${SAFE_OPEN_FN} (http(s) check)`);
        }
      }

      // exposed-ipc-renderer
      if (method === 'exposeInMainWorld') {
        const exposed = node.arguments[1];
        const leaks =
          exposed &&
          ((ts.isIdentifier(exposed) && exposed.text === 'ipcRenderer') ||
            (ts.isObjectLiteralExpression(exposed) &&
              exposed.properties.some(
                (p) => (ts.isShorthandPropertyAssignment(p) && p.name.text === 'ipcRenderer') || (ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer) && p.initializer.text === 'ipcRenderer'),
              )));
        if (leaks) add(node, 'exposed-ipc-renderer', 'the preload must not expose ipcRenderer itself');
      }
    }

    // unvalidated-ipc: ipcMain may only be passed to registerIpcHandlers outside the wrapper module.
    if (ts.isIdentifier(node) && node.text === 'ipcMain' && !file.endsWith(IPC_WRAPPER_FILE) && !isTypePosition(node)) {
      const p = node.parent;
      const isImport = ts.isImportSpecifier(p);
      const isRegistrationArg = ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 'registerIpcHandlers' && p.arguments[0] === node;
      const isCallTarget = ts.isPropertyAccessExpression(p) && p.expression === node; // reported above when it registers
      if (!isImport && !isRegistrationArg && !isCallTarget) add(node, 'unvalidated-ipc', 'ipcMain used outside registerIpcHandlers()');
    }

    // The wrappers themselves must keep doing their job.
    if (ts.isFunctionDeclaration(node) && node.name) {
      const body = node.body?.getText(sf) ?? '';
      if (file.endsWith(IPC_WRAPPER_FILE) && node.name.text === IPC_WRAPPER_FN && !(body.includes('senderFrame') && body.includes('.safeParse('))) {
        add(node, 'unvalidated-ipc', `${IPC_WRAPPER_FN} no longer checks senderFrame and safeParse()s the payload`);
      }
      if (file.endsWith(SAFE_OPEN_FILE) && node.name.text === SAFE_OPEN_FN && !/if \(!isHttpUrl\(url\)\) return/.test(body)) {
        add(node, 'unchecked-open-external', `${SAFE_OPEN_FN} no longer rejects non-http(s) URLs first`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

/** Every non-test .ts file under `root`. */
export function scanTree(root: string): { files: string[]; findings: Finding[] } {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(root);
  const findings = files.flatMap((f) => scanSource(relative(root, f), readFileSync(f, 'utf8')));
  return { files: files.map((f) => relative(root, f)), findings };
}
