/**
 * The import and global rules of eslint.config.js, run through ESLint's API on snippets placed in
 * each layer: shared/'s allow-lists (packages and globals), the front doors of shared/sync and
 * shared/api, and test support (*.testing.ts) kept out of production code. Type-aware rules are off
 * (disableTypeChecked) so a snippet needs no tsconfig project.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], ...tseslint.configs.disableTypeChecked }],
});

/** The layering rules a snippet breaks, at a path (which need not exist). */
async function broken(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-undef' || m.fatal)
    .map((m) => `${m.ruleId ?? 'fatal'}: ${m.message.split(' ')[0] ?? ''}`);
}
const uses = (names: string[]) => `export const used = [${names.join(', ')}];\n`;

describe('shared/: packages are an allow-list', () => {
  it('refuses state, React, data-fetching and Node packages', async () => {
    const code = [
      "import { create } from 'zustand';", "import { useLiveQuery } from 'dexie-react-hooks';",
      "import { QueryClient } from '@tanstack/react-query';", "import { useState } from 'react';", "import { readFileSync } from 'node:fs';",
      uses(['create', 'useLiveQuery', 'QueryClient', 'useState', 'readFileSync']),
    ].join('\n');
    expect(await broken('shared/sync/probe.ts', code)).toEqual([
      "no-restricted-imports: 'zustand'", "no-restricted-imports: 'dexie-react-hooks'",
      "no-restricted-imports: '@tanstack/react-query'", "no-restricted-imports: 'react'", "no-restricted-imports: 'node:fs'",
    ]);
  });

  it('accepts what shared/ needs, and its own modules', async () => {
    const code = [
      "import { Dexie } from 'dexie';", "import { z } from 'zod';", "import { ulid } from 'ulid';", "import { addDays } from 'date-fns';",
      "import { TZDate } from '@date-fns/tz';", "import ICAL from 'ical.js';", "import { createCommands } from './commands.ts';", "import { normalizeRemote } from '../domain/index.ts';",
      uses(['Dexie', 'z', 'ulid', 'addDays', 'TZDate', 'ICAL', 'createCommands', 'normalizeRemote']),
    ].join('\n');
    expect(await broken('shared/sync/probe.ts', code)).toEqual([]);
  });

  it('tests beside shared/ modules may also use vitest, fake-indexeddb and test support; production code may not', async () => {
    const code = "import 'fake-indexeddb/auto';\nimport { it } from 'vitest';\nimport { freshDb } from './store.testing.ts';\n" + uses(['it', 'freshDb']);
    expect(await broken('shared/sync/probe.test.ts', code)).toEqual([]);
    expect(await broken('shared/sync/probe.ts', code)).toEqual([
      "no-restricted-imports: 'fake-indexeddb/auto'", "no-restricted-imports: 'vitest'",
      "no-restricted-imports: './store.testing.ts'",
    ]);
  });
});

describe('shared/: globals are an allow-list', () => {
  it('navigator, location, window, document, process and self are undefined there', async () => {
    const code = uses(['navigator.onLine', 'location.href', 'window', 'document', 'process.env', 'self']);
    expect(await broken('shared/sync/probe.ts', code)).toEqual([
      "no-undef: 'navigator'", "no-undef: 'location'", "no-undef: 'window'", "no-undef: 'document'", "no-undef: 'process'", "no-undef: 'self'",
    ]);
  });

  it('the language, timers, the console and fetch are there', async () => {
    const code = "const t: Record<string, Promise<Response>> = {};\nconst h = setTimeout(() => console.log(new URL('http://x'), JSON.stringify(t)), 1);\nclearTimeout(h);\n"
      + uses(['fetch', 'new AbortController()', 'new TextDecoder()', 'Intl.DateTimeFormat', 'new Map<string, Date>()', 'structuredClone']);
    expect(await broken('shared/sync/probe.ts', code)).toEqual([]);
  });
});

describe('renderer/ and electron/: the front doors', () => {
  it('production code enters shared/sync and shared/api through index only, and never reaches test support', async () => {
    const code = [
      "import { openDatabase } from '#shared/sync/index';", "import { createFetchTransport } from '#shared/api/index';",
      "import { FieldbookDB } from '#shared/sync/db';", "import { ApiError } from '#shared/api/client';", "import { freshDb } from '#shared/sync/store.testing';",
      uses(['openDatabase', 'createFetchTransport', 'FieldbookDB', 'ApiError', 'freshDb']),
    ].join('\n');
    const expected = ["no-restricted-imports: '#shared/sync/db'", "no-restricted-imports: '#shared/api/client'", "no-restricted-imports: '#shared/sync/store.testing'"];
    expect(await broken('renderer/src/views/probe.tsx', code)).toEqual(expected);
    expect(await broken('electron/main/probe.ts', code)).toEqual(expected);
  });

  it('tests may also import test support, but not a module behind the door', async () => {
    const code = "import { freshDb } from '#shared/sync/store.testing';\nimport { FakeCrm } from '#shared/sync/fake-crm.testing';\nimport { pullActivities } from '#shared/sync/pull';\n"
      + uses(['freshDb', 'FakeCrm', 'pullActivities']);
    expect(await broken('renderer/src/sync-worker/probe.test.ts', code)).toEqual(["no-restricted-imports: '#shared/sync/pull'"]);
  });
});
