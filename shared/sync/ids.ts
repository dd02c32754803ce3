/**
 * Local ids (ULIDs) without one crypto call per character. ulid() with no PRNG of its own looks
 * its PRNG up again on every id, and that PRNG draws one byte per call from
 * crypto.getRandomValues: 16 calls (and 16 typed arrays) per id. A first sync of 20 000
 * activities made 320 000 of them, 1.5 s of the sync worker's 11 s busy time in a Chromium CPU
 * profile. Here the bytes come from the same source (crypto.getRandomValues, a Web Crypto global
 * in browsers, workers and Node) in blocks of POOL, turned into the library's fractions the way
 * its own PRNG does (byte / 256), so the ids are the same kind of ULID, only cheaper to make.
 */
import { ulid, type PRNG } from 'ulid';

/** Random bytes drawn at once (16 ids' worth per 256). */
const POOL = 4096;

/** A PRNG over crypto.getRandomValues that refills a block of POOL bytes when it runs out. */
export function pooledCryptoPrng(getRandomValues: (a: Uint8Array<ArrayBuffer>) => unknown = (a) => globalThis.crypto.getRandomValues(a)): PRNG {
  const bytes = new Uint8Array(new ArrayBuffer(POOL));
  let next = POOL;
  return () => {
    if (next >= POOL) {
      getRandomValues(bytes);
      next = 0;
    }
    return (bytes[next++] as number) / 256;
  };
}

const prng = pooledCryptoPrng();

/** A new ULID (time now, 80 random bits from the pooled crypto PRNG). */
export function newLocalId(): string {
  return ulid(undefined, prng);
}
