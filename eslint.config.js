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
  {
    files: ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../shared/*', '../../../shared/*', '../shared/*'], message: 'Import shared code as #shared/… (package-style), not by relative path.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*'], message: 'The renderer talks to main only through window.fieldbook (preload).' },
        { group: ['../../shared/*', '../../../shared/*', '../shared/*'], message: 'Import shared code as #shared/… (package-style), not by relative path.' },
      ] }],
    },
  },
);
