/**
 * The bench judges itself: every figure with a goal is printed beside it (`goals`), and figures
 * that got more than 20% worse than the previous run's are listed (`regressions`).
 *
 * A bench part may return `goals: Goal[]` at its top level (use `goal()` below); run.ts collects
 * those of every part it ran and adds its own. The previous run is read from BENCH_LAST (default
 * bench-results/last.json, gitignored) and the merged result written back, so a BENCH_ONLY run
 * compares and updates only the figures it measured; the others keep their last value.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface Goal {
  /** Stable name across runs (the regression check matches on it), e.g. 'pull.ratio'. */
  name: string;
  value: number | null;
  /** The bound the figure must keep: at most (lower is better) or at least (higher is better). */
  atMost?: number;
  atLeast?: number;
  unit: string;
  /** Whether the figure holds its goal (false when it was not measured). */
  ok: boolean;
}

/** A figure beside its goal. Give exactly one of atMost / atLeast. */
export function goal(name: string, value: number | null | undefined, bound: { atMost: number } | { atLeast: number }, unit: string): Goal {
  const v = typeof value === 'number' && Number.isFinite(value) ? value : null;
  const ok = v !== null && ('atMost' in bound ? v <= bound.atMost : v >= bound.atLeast);
  return { name, value: v, ...bound, unit, ok };
}

export interface Regression {
  name: string;
  previous: number;
  now: number;
  /** How much worse, in the figure's own direction (0.25 = 25% worse). */
  worseBy: number;
  previousAt: string;
}

/** Worse by more than this share against the previous run: flagged. */
export const REGRESSION_SHARE = 0.2;

export interface StoredGoal extends Goal { at: string }

/** Figures that got worse than the previous run's by more than REGRESSION_SHARE. */
export function regressions(previous: readonly StoredGoal[], now: readonly Goal[]): Regression[] {
  const before = new Map(previous.map((g) => [g.name, g]));
  const out: Regression[] = [];
  for (const g of now) {
    const p = before.get(g.name);
    if (!p || p.value === null || g.value === null) continue;
    const higherIsBetter = g.atLeast !== undefined;
    // A figure at 0 before (nothing at all, e.g. 0 long tasks) cannot be worse "by a share": compare by its goal instead.
    const scale = p.value !== 0 ? Math.abs(p.value) : Math.abs(g.atMost ?? g.atLeast ?? 1) || 1;
    const worseBy = (higherIsBetter ? p.value - g.value : g.value - p.value) / scale;
    if (worseBy > REGRESSION_SHARE) out.push({ name: g.name, previous: p.value, now: g.value, worseBy: Math.round(worseBy * 1000) / 1000, previousAt: p.at });
  }
  return out;
}

/** Where the previous run's figures are kept. */
export function lastRunPath(): string {
  return process.env.BENCH_LAST ?? resolve(import.meta.dirname, '../../bench-results/last.json');
}

export interface LastRun { goals: StoredGoal[] }

export async function readLastRun(path = lastRunPath()): Promise<LastRun> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LastRun>;
    return { goals: Array.isArray(parsed.goals) ? parsed.goals : [] };
  } catch {
    return { goals: [] };
  }
}

/** The previous figures with this run's replacing theirs (a figure not measured now keeps its last value). */
export function mergeRuns(previous: readonly StoredGoal[], now: readonly Goal[], at: string): StoredGoal[] {
  const merged = new Map(previous.map((g) => [g.name, g]));
  for (const g of now) if (g.value !== null) merged.set(g.name, { ...g, at });
  return [...merged.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function writeLastRun(run: Record<string, unknown> & LastRun, path = lastRunPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(run, null, 2)}\n`);
}

/** Goals a part returned at its top level (`goals: Goal[]`), if any. */
export function goalsOf(part: unknown): Goal[] {
  if (!part || typeof part !== 'object' || !('goals' in part)) return [];
  const g = part.goals;
  return Array.isArray(g) ? g.filter((x): x is Goal => !!x && typeof x === 'object' && typeof (x as Goal).name === 'string') : [];
}
