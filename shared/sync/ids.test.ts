import { decodeTime, isValid, ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { newLocalId, pooledCryptoPrng } from './ids.ts';

describe('local ids', () => {
  it('are ULIDs of now, all different', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newLocalId());
    const after = Date.now();
    expect(ids.every((id) => isValid(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [ids[0] as string, ids[ids.length - 1] as string]) {
      expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id)).toBeLessThanOrEqual(after);
    }
  });

  it('draw crypto randomness in blocks, not once per character', () => {
    let calls = 0;
    const prng = pooledCryptoPrng((a) => { calls++; return globalThis.crypto.getRandomValues(a); });
    for (let i = 0; i < 1000; i++) ulid(undefined, prng);
    // 16 random characters per id, 4 096 bytes per call: 16 000 draws in 4 calls (ulid's own PRNG makes 16 000).
    expect(calls).toBe(4);
  });

  it('turn bytes into fractions below 1 as ulid does (byte / 256), every character reachable', () => {
    let fill = 0;
    const prng = pooledCryptoPrng((a) => { for (let i = 0; i < a.length; i++) a[i] = (fill++) % 256; return a; });
    const seen = new Set<number>();
    for (let i = 0; i < 256; i++) {
      const x = prng();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      seen.add(Math.floor(x * 32));
    }
    expect(seen.size).toBe(32);
  });
});
