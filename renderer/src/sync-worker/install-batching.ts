/**
 * Side effect, imported first by worker.ts: batch Dexie's change notices from this worker (see
 * change-batching.ts). Nothing here may import Dexie, or Dexie would open its channel first.
 */
import { installChangeBatching } from './change-batching.ts';

/** The first merged change notice of a burst follows within this many ms… */
export const CHANGE_WINDOW_MS = 250;
/** …and while a pull keeps writing, the windows grow to this. */
export const CHANGE_MAX_WINDOW_MS = 2_000;

export const changeBatcher = installChangeBatching(CHANGE_WINDOW_MS, CHANGE_MAX_WINDOW_MS);
