import { describe, expect, it } from 'vitest';
import { classifyStatus, mayHaveApplied, parseRetryAfter, wasRefused } from './status.ts';

describe('classifyStatus', () => {
  it.each([
    [400, 'rejected'], [401, 'auth'], [403, 'rejected'], [404, 'not_found'], [408, 'transient'], [409, 'conflict'],
    [410, 'not_found'], [412, 'precondition'], [422, 'rejected'], [425, 'transient'], [429, 'transient'], [500, 'transient'],
    [502, 'transient'], [503, 'transient'], [504, 'transient'],
  ] as const)('%i → %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
  });
});

describe('wasRefused / mayHaveApplied', () => {
  it('a refusal is a 4xx the server will give again; 410 Gone like 404', () => {
    for (const s of [400, 403, 404, 410, 412, 422]) expect(wasRefused(s)).toBe(true);
    for (const s of [401, 408, 409, 425, 429, 500, 503, 0]) expect(wasRefused(s)).toBe(false);
    expect(wasRefused(null)).toBe(false);
    expect(wasRefused(undefined)).toBe(false);
  });

  it('only 500, 502 and 504 may have applied a write', () => {
    expect([400, 409, 429, 500, 502, 503, 504].filter(mayHaveApplied)).toEqual([500, 502, 504]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', undefined, 0)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', undefined, 0)).toBe(0);
  });

  it('reads an HTTP-date against the server Date header, not the client clock', () => {
    const clientNow = Date.parse('2030-01-01T00:00:00Z'); // far off from the server's clock
    expect(parseRetryAfter('Wed, 21 Oct 2025 07:28:30 GMT', 'Wed, 21 Oct 2025 07:28:00 GMT', clientNow)).toBe(30_000);
  });

  it('falls back to the client clock without a Date header, and ignores junk', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2025 07:28:30 GMT', undefined, Date.parse('2025-10-21T07:28:20Z'))).toBe(10_000);
    expect(parseRetryAfter('soon', undefined, 0)).toBeNull();
    expect(parseRetryAfter(undefined, undefined, 0)).toBeNull();
  });
});
