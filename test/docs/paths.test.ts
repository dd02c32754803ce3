/**
 * Docs that can't drift (issue #16, "The design in the repo"): every file a doc names exists, and
 * so does every file a source comment names. A rename that forgets docs/ or a comment fails here.
 *
 * What counts as naming a file:
 * - in docs/*.md and the READMEs: a `backticked` path or a markdown link target, taken from the
 *   repository root or from the doc's own folder (electron/README.md says `main/index.ts`);
 * - in comments of .ts/.tsx/.mjs files: a path that starts at a top-level folder of the repository
 *   (`shared/sync/engine.ts`), a relative one (`./rows.ts`), or a bare file name (`engine.ts`),
 *   which must be the name of some file in the repository.
 * Globs (`*`), runtime files outside the repository (`userData/session.json`) and URL paths
 * (`/openapi.json`) are not claims about this tree and are skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TOP = new Set(['shared', 'renderer', 'electron', 'test', 'scripts', 'docs', 'build']);
/** A bare file name in a doc is a claim only for source and doc files (not `session.json` in userData). */
const FILE_EXT = /\.(?:tsx?|mjs|md|css)$/;

/** Files git knows (tracked, and new ones not ignored): the tree as a checkout has it. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter((f) => f && existsSync(join(ROOT, f)));
}

const FILES = repoFiles();
/** This file: its own examples of missing files are not claims. */
const SELF = 'test/docs/paths.test.ts';
const NAMES = new Set(FILES.map((f) => basename(f)));

/** `a/{b,c}.png` → a/b.png, a/c.png. */
function expandBraces(p: string): string[] {
  const m = /^(.*)\{([^}]*)\}(.*)$/.exec(p);
  if (!m) return [p];
  return m[2]!.split(',').flatMap((alt) => expandBraces(`${m[1]}${alt}${m[3]}`));
}

const exists = (p: string) => existsSync(join(ROOT, p));

interface Missing { file: string; line: number; path: string }

/** Paths a markdown file names that are not in the tree. */
function missingInDoc(docPath: string, text: string): Missing[] {
  const docDir = dirname(docPath);
  const missing: Missing[] = [];
  text.split('\n').forEach((line, i) => {
    const claims = [
      ...[...line.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!),
      ...[...line.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t)),
    ];
    for (const raw of claims) {
      const token = raw.replace(/[.,:;]+$/, '').replace(/\/$/, '');
      if (token.includes('*') || token.startsWith('/') || token.startsWith('#') || token.includes('(') || /^[a-z]+:/.test(token)) continue;
      const first = token.split('/')[0]!;
      const isPath = token.includes('/') ? TOP.has(first) || existsSync(join(ROOT, docDir, first)) || first === '.' || first === '..' : FILE_EXT.test(token);
      if (!isPath) continue;
      for (const p of expandBraces(token)) {
        const ok = p.includes('/') ? exists(p) || exists(normalize(join(docDir, p))) : NAMES.has(p) || exists(join(docDir, p));
        if (!ok) missing.push({ file: docPath, line: i + 1, path: p });
      }
    }
  });
  return missing;
}

/** Paths named in a source file's comments that are not in the tree. */
function missingInComments(srcPath: string, text: string): Missing[] {
  const dir = dirname(srcPath);
  const missing: Missing[] = [];
  text.split('\n').forEach((line, i) => {
    const at = line.search(/\/\/|\/\*|^\s*\*/);
    if (at < 0) return;
    const comment = line.slice(at);
    for (const m of comment.matchAll(/(?<![\w./@-])(\.{0,2}\/?[\w@-]+(?:\/[\w.@-]+)*\.(?:tsx?|mjs|md|css))(?![\w/-])/g)) {
      const token = m[1]!;
      // A URL path, or a suffix pattern ('.test.ts', '*.e2e.test.ts'): not a file.
      if (token.startsWith('/') || (token.startsWith('.') && !/^\.\.?\//.test(token))) continue;
      const first = token.split('/')[0]!;
      let ok: boolean;
      if (first === '.' || first === '..') ok = exists(normalize(join(dir, token)));
      else if (token.includes('/')) {
        if (!TOP.has(first)) continue;
        ok = exists(token);
      } else ok = NAMES.has(token);
      if (!ok) missing.push({ file: srcPath, line: i + 1, path: token });
    }
  });
  return missing;
}

const DOCS = [
  ...(existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : []),
  ...FILES.filter((f) => basename(f) === 'README.md' && !f.startsWith('node_modules/')),
];

describe('docs name files that exist', () => {
  it('finds the docs and READMEs it checks', () => {
    for (const d of ['README.md', 'electron/README.md', 'shared/README.md', 'renderer/README.md', 'docs/architecture.md', 'docs/sync-flow.md', 'docs/crm-contract.md', 'docs/recipes.md', 'docs/headless.md']) {
      expect(DOCS, d).toContain(d);
    }
  });

  it('every path in docs/*.md and the READMEs exists', () => {
    const missing = DOCS.flatMap((d) => missingInDoc(d, readFileSync(join(ROOT, d), 'utf8')));
    expect(missing).toEqual([]);
  });

  it('every file a source comment names exists', () => {
    const sources = FILES.filter((f) => /\.(?:tsx?|mjs)$/.test(f) && f !== SELF && (TOP.has(f.split('/')[0]!) || !f.includes('/')));
    const missing = sources.flatMap((f) => missingInComments(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(missing).toEqual([]);
  });

  it('no comment cites CONTRACT-NOTES or ARCHITECTURE, which are not in the repository (docs/ is)', () => {
    const sources = FILES.filter((f) => /\.(?:tsx?|mjs|md)$/.test(f) && f !== SELF && (TOP.has(f.split('/')[0]!) || !f.includes('/')));
    const cites = sources.flatMap((f) => readFileSync(join(ROOT, f), 'utf8').split('\n')
      .map((line, i) => ({ file: f, line: i + 1, text: line.trim() }))
      .filter((l) => /CONTRACT-NOTES|\bARCHITECTURE\b/.test(l.text)));
    expect(cites).toEqual([]);
  });

  it('catches a missing file (the checks themselves)', () => {
    expect(missingInDoc('docs/x.md', 'see `shared/sync/no-such-file.ts` and [the engine](../shared/sync/index.ts)')).toEqual([
      { file: 'docs/x.md', line: 1, path: 'shared/sync/no-such-file.ts' },
    ]);
    expect(missingInComments('shared/sync/x.ts', '// see ./no-such.ts, engine.ts and nothing-here.ts\nconst a = "b.ts";')).toEqual([
      { file: 'shared/sync/x.ts', line: 1, path: './no-such.ts' },
      { file: 'shared/sync/x.ts', line: 1, path: 'nothing-here.ts' },
    ]);
  });
});
