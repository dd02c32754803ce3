/**
 * Seeded, reproducible fault injection for /api routes: the n-th API request gets the same fault
 * for the same seed and config, so a failing soak run can be replayed exactly.
 */
import { seededRng, weighted, type Rng } from './prng.ts';

export const FAULT_KINDS = ['error5xx', 'rateLimit', 'dropAfterCommit', 'slow'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultConfig {
  /** Share of API requests that get a fault, 0..1. */
  failRate: number;
  /** Relative weights of the fault kinds (0 = never). */
  kinds: Record<FaultKind, number>;
  /** How long a "slow" response waits after committing (past a client's timeout). */
  slowMs: number;
  /** Added to every API request before it is handled. */
  latencyMs: number;
  /** Retry-After (seconds) sent with 429. */
  retryAfterSeconds: number;
}

/** A change to the fault settings; kinds not named keep their weight. */
export type FaultPatch = Partial<Omit<FaultConfig, 'kinds'>> & { kinds?: Partial<Record<FaultKind, number>> };

export const DEFAULT_FAULTS: FaultConfig = {
  failRate: 0,
  kinds: { error5xx: 1, rateLimit: 1, dropAfterCommit: 1, slow: 1 },
  slowMs: 5_000,
  latencyMs: 0,
  retryAfterSeconds: 1,
};

/** 5xx statuses a "error5xx" fault answers with; none of them committed anything. */
const ERROR_STATUSES = [500, 502, 503, 504] as const;

export interface FaultDecision {
  kind: FaultKind | null;
  /** For error5xx: which status. */
  status: number;
}

export class FaultInjector {
  private rng: Rng;
  config: FaultConfig;

  constructor(seed: number, config: FaultPatch = {}) {
    this.rng = seededRng(seed);
    this.config = mergeFaults(DEFAULT_FAULTS, config);
  }

  set(partial: FaultPatch): void {
    this.config = mergeFaults(this.config, partial);
  }

  /** Always draws the same number of values per request so one decision never shifts the next. */
  next(): FaultDecision {
    const roll = this.rng();
    const kindRoll = this.rng();
    const statusRoll = this.rng();
    const status = ERROR_STATUSES[Math.floor(statusRoll * ERROR_STATUSES.length)] ?? 503;
    if (roll >= this.config.failRate) return { kind: null, status };
    return { kind: weighted(() => kindRoll, this.config.kinds), status };
  }
}

export function mergeFaults(base: FaultConfig, partial: FaultPatch): FaultConfig {
  const failRate = partial.failRate ?? base.failRate;
  if (!(failRate >= 0 && failRate <= 1)) throw new Error(`failRate must be between 0 and 1, got ${failRate}`);
    const kinds = { ...base.kinds };
  for (const [k, w] of Object.entries(partial.kinds ?? {}) as [FaultKind, number | undefined][]) {
    if (w !== undefined) kinds[k] = w;
  }
  return { ...base, ...partial, failRate, kinds };
}
