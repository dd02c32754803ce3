/**
 * Retry timing for transient failures: exponential backoff with jitter, never sooner than the
 * server's Retry-After. Pure: the random source and attempt number are passed in.
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

/**
 * Retry-After as milliseconds: either delta-seconds or an HTTP-date. An HTTP-date is measured
 * against the response's own Date header (server clock against server clock); the client clock is
 * only used when the server sent no Date.
 */
export function parseRetryAfter(value: string | undefined, serverDate: string | undefined, clientNowMs: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  const ref = serverDate !== undefined && !Number.isNaN(Date.parse(serverDate)) ? Date.parse(serverDate) : clientNowMs;
  return Math.max(0, at - ref);
}
