/**
 * Asks the browser engine to keep the app's storage (IndexedDB holds the outbox: the rep's work
 * not yet synced) instead of evicting it under disk pressure. Chromium answers without a prompt,
 * from its own rules (web mode: site engagement, an installed app, notification permission; the
 * desktop app: main's permission handler allows it for app://fieldbook). Never throws.
 */
import type { DurableStorage } from '#shared/ipc/platform';

type StorageLike = Pick<StorageManager, 'persist'> & Partial<Pick<StorageManager, 'persisted'>>;

/** One request per StorageManager: a second platform made at start (React's dev double boot) reuses it. */
const asked = new WeakMap<StorageLike, Promise<DurableStorage>>();

export function requestDurableStorage(storage: StorageLike | undefined = defaultStorage()): Promise<DurableStorage> {
  if (!storage || typeof storage.persist !== 'function') return Promise.resolve('unsupported');
  let answer = asked.get(storage);
  if (!answer) {
    answer = ask(storage);
    asked.set(storage, answer);
  }
  return answer;
}

async function ask(storage: StorageLike): Promise<DurableStorage> {
  try {
    // Already granted (a previous run): no need to ask again.
    if (typeof storage.persisted === 'function' && (await storage.persisted())) return 'granted';
    return (await storage.persist()) ? 'granted' : 'refused';
  } catch {
    // Opaque origin or storage disabled: the data is at the engine's mercy.
    return 'refused';
  }
}

function defaultStorage(): StorageLike | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.storage;
}
