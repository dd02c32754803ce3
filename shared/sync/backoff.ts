/**
 * Retry timing for transient failures: exponential backoff with jitter, never sooner than the
 * server's Retry-After (read by shared/api status.ts parseRetryAfter). Pure: the random source
 * and attempt number are passed in.
 */

export interface BackoffOptions {
  /** Delay scale of the first retry. */
  baseMs: number;
  /** Cap of the exponential part. */
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, factor: 2 };

/**
 * Delay before retry number `attempt` (1 = first retry). "Equal jitter": half of the exponential
 * step is fixed, half random, so retries of many activities spread out but never collapse to 0.
 * A Retry-After from the server is a floor: we wait at least that long, plus up to one base step
 * of jitter so a batch of 429s does not come back in lockstep.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  retryAfterMs: number | null = null,
  opts: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const n = Math.max(1, Math.floor(attempt));
  const exp = Math.min(opts.maxMs, opts.baseMs * opts.factor ** (n - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  if (retryAfterMs === null || !Number.isFinite(retryAfterMs) || retryAfterMs < 0) return Math.round(jittered);
  return Math.round(Math.max(jittered, retryAfterMs + random() * Math.min(opts.baseMs, exp)));
}
