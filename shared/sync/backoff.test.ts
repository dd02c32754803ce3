import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

const opts = { baseMs: 1_000, maxMs: 60_000, factor: 2 };

describe('backoffDelay', () => {
  it('doubles per attempt, with half of each step random', () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const step = 1_000 * 2 ** (attempt - 1);
      expect(backoffDelay(attempt, () => 0, null, opts)).toBe(step / 2);
      expect(backoffDelay(attempt, () => 0.999999, null, opts)).toBe(Math.round(step - step / 2 * 0.000001));
    }
  });

  it('caps the exponential part', () => {
    expect(backoffDelay(30, () => 1, null, opts)).toBe(60_000);
    expect(backoffDelay(30, () => 0, null, opts)).toBe(30_000);
  });

  it('spreads retries of many activities (jitter)', () => {
    let x = 0;
    const random = () => (x = (x * 9301 + 49297) % 233280) / 233280;
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, random, null, opts)));
    expect(delays.size).toBeGreaterThan(30);
  });

  it('never retries sooner than Retry-After, even on the first attempt', () => {
    expect(backoffDelay(1, () => 0, 5_000, opts)).toBe(5_000);
    expect(backoffDelay(1, () => 1, 5_000, opts)).toBe(6_000);
    // A short Retry-After does not shorten our own backoff.
    expect(backoffDelay(5, () => 0, 10, opts)).toBe(8_000);
  });
});
