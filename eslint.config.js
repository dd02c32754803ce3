// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layering: shared/ is "std" code that runs in main, renderer, workers and Node tests alike. */
const sharedLayering = {
  files: ['shared/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['electron', 'electron/*'], message: 'shared/ must not import electron (keep it framework-free).' },
        { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'shared/ must not import react.' },
        { group: ['node:*'], message: 'shared/ must not import Node built-ins (node:*).' },
        { group: ['fs', 'path', 'os', 'http', 'https', 'crypto', 'child_process', 'net', 'url', 'events', 'stream', 'util', 'worker_threads'], message: 'shared/ must not import Node built-ins.' },
        { group: ['**/renderer/**', '**/electron/**', '**/test/**'], message: 'shared/ must not import from other layers.' },
      ],
    }],
    'no-restricted-globals': ['error',
      { name: 'window', message: 'DOM-only global: not available in shared/.' },
      { name: 'document', message: 'DOM-only global: not available in shared/.' },
      { name: 'localStorage', message: 'DOM-only global: not available in shared/.' },
      { name: 'sessionStorage', message: 'DOM-only global: not available in shared/.' },
      { name: 'process', message: 'Node-only global: not available in shared/.' },
      { name: 'Buffer', message: 'Node-only global: not available in shared/.' },
      { name: 'require', message: 'Node-only global: not available in shared/.' },
    ],
  },
};

/** Outside shared/, shared code is imported by its package name (#shared/…), never by a relative path. */
const relativeShared = {
  group: ['../../shared/*', '../../../shared/*', '../shared/*'],
  message: 'Import shared code as #shared/… (package-style), not by relative path.',
};
const rendererNoElectron = {
  group: ['electron', 'electron/*'],
  message: 'The renderer talks to main only through window.fieldbook (preload).',
};
/** shared/sync and shared/api are entered through their index.ts only (the front door). */
const frontDoors = [
  { regex: '^#shared/sync/(?!index$)', message: 'Import shared/sync through its front door: #shared/sync/index.' },
  { regex: '^#shared/api/(?!index$)', message: 'Import shared/api through its front door: #shared/api/index.' },
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
  sharedLayering,
  // renderer/ and electron/: shared code by its package name, shared/sync and shared/api only through
  // their front doors (index.ts). Tests beside their modules may also reach test support.
  {
    files: ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [relativeShared, ...frontDoors] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererNoElectron, relativeShared, ...frontDoors] }] },
  },
  {
    files: ['electron/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [relativeShared] }] },
  },
  {
    files: ['renderer/**/*.test.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererNoElectron, relativeShared] }] },
  },
);
