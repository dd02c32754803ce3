/**
 * One sender across windows. In browsers and workers Web Locks (navigator.locks) give an exclusive
 * lock shared by every tab of the origin; elsewhere (Node tests, a single worker) an in-process
 * mutex keeps two engine instances on the same database from sending at once.
 */

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean; mode?: 'exclusive' }, cb: (lock: unknown) => Promise<T>): Promise<T>;
}

function webLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

const localTails = new Map<string, Promise<void>>();

/** In-process exclusive lock: waits for the previous holder of `name`. */
async function withLocalLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const prev = localTails.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  const tail = prev.then(() => mine);
  localTails.set(name, tail);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (localTails.get(name) === tail) localTails.delete(name);
  }
}

export interface SenderLock {
  /**
   * Run `fn` while holding the lock. `exclusive` tells fn that no other sender can be running, so
   * ops left 'inflight' belong to a dead sender and may be reclaimed before their lease ends.
   */
  run<T>(fn: (exclusive: boolean) => Promise<T>): Promise<T>;
}

export function createSenderLock(name: string): SenderLock {
  return {
    async run<T>(fn: (exclusive: boolean) => Promise<T>): Promise<T> {
      const locks = webLocks();
      if (locks) return locks.request(name, { mode: 'exclusive' }, () => fn(true));
      return withLocalLock(name, () => fn(true));
    },
  };
}
