// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages shared/ may import: what it really needs (it runs in main, renderer, workers and Node alike). */
const SHARED_PACKAGES = ['dexie', 'zod', 'ulid', 'date-fns', '@date-fns/tz', 'saxes', 'ical.js'];
/** Tests beside shared/ modules, and test support (*.testing.ts), also have these. */
const SHARED_TEST_PACKAGES = [...SHARED_PACKAGES, 'vitest', 'fake-indexeddb'];
/** Globals shared/ may use beyond the ECMAScript ones: timers, the console, fetch and its types. Everything else is undefined there. */
const SHARED_GLOBALS = Object.fromEntries([
  'setTimeout', 'clearTimeout', 'queueMicrotask', 'structuredClone', 'console',
  'fetch', 'Request', 'RequestInit', 'Response', 'Headers', 'HeadersInit', 'AbortController', 'AbortSignal', 'DOMException',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
  // The store is IndexedDB (through Dexie): its types may be named.
  'IDBTransaction',
].map((name) => [name, 'readonly']));
const SHARED_TEST_GLOBALS = { ...SHARED_GLOBALS, MessageChannel: 'readonly', MessagePort: 'readonly' };

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** An import of anything but these packages (or a relative path, or #shared/…). */
const onlyPackages = (/** @type {string[]} */ names, /** @type {string} */ message) => ({
  regex: `^(?!\\.{1,2}/|#shared/|(${names.map(escape).join('|')})(/|$))`,
  message,
});
const sharedPackages = onlyPackages(SHARED_PACKAGES, `shared/ imports only ${SHARED_PACKAGES.join(', ')} and its own modules (no electron, react, state or Node packages; eslint.config.js SHARED_PACKAGES).`);
const sharedTestPackages = onlyPackages(SHARED_TEST_PACKAGES, `Tests in shared/ import only ${SHARED_TEST_PACKAGES.join(', ')} and shared/ modules.`);
const otherLayers = { group: ['**/renderer/**', '**/electron/**', '**/test/**'], message: 'shared/ must not import from other layers.' };
/** Test support lives beside production code as *.testing.ts; only tests (and other test support) import it. */
const testSupport = { regex: '\\.testing(\\.ts)?$', message: 'Test support (*.testing.ts) is for tests only.' };
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/*.testing.ts'];

/**
 * Layering: shared/ is "std" code that runs in main, renderer, workers and Node tests alike. Its
 * packages and its globals are allow-lists: no-undef over the ECMAScript library only (the
 * parser's lib; tsconfig's WebWorker lib would declare navigator, location, self, …) plus SHARED_GLOBALS.
 */
const sharedLayering = [
  {
    files: ['shared/**/*.ts'],
    languageOptions: { parserOptions: { lib: ['es2023'] }, globals: SHARED_GLOBALS },
    rules: {
      'no-undef': 'error',
      'no-restricted-imports': ['error', { patterns: [sharedPackages, otherLayers, testSupport] }],
    },
  },
  {
    files: TEST_FILES.map((f) => `shared/${f}`),
    languageOptions: { globals: SHARED_TEST_GLOBALS },
    rules: { 'no-restricted-imports': ['error', { patterns: [sharedTestPackages, otherLayers] }] },
  },
];

/** Outside shared/, shared code is imported by its package name (#shared/…), never by a relative path. */
const relativeShared = {
  group: ['../../shared/*', '../../../shared/*', '../shared/*'],
  message: 'Import shared code as #shared/… (package-style), not by relative path.',
};
const rendererNoElectron = {
  group: ['electron', 'electron/*'],
  message: 'The renderer talks to main only through window.fieldbook (preload).',
};
/**
 * shared/sync and shared/api are entered through their index.ts only (the front door). Test support
 * (*.testing) is left to the testSupport pattern: tests may import it, production code may not.
 */
const frontDoors = [
  { regex: '^#shared/sync/(?!index$|.*\\.testing$)', message: 'Import shared/sync through its front door: #shared/sync/index.' },
  { regex: '^#shared/api/(?!index$|.*\\.testing$)', message: 'Import shared/api through its front door: #shared/api/index.' },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.crm-data/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...sharedLayering,
  // renderer/ and electron/: shared code by its package name, shared/sync and shared/api only through
  // their front doors (index.ts), no test support outside tests.
  {
    files: ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [relativeShared, ...frontDoors, testSupport] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererNoElectron, relativeShared, ...frontDoors, testSupport] }] },
  },
  {
    files: TEST_FILES.map((f) => `electron/${f}`),
    rules: { 'no-restricted-imports': ['error', { patterns: [relativeShared, ...frontDoors] }] },
  },
  {
    files: TEST_FILES.map((f) => `renderer/${f}`),
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererNoElectron, relativeShared, ...frontDoors] }] },
  },
);
