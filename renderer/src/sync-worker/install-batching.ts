/**
 * Side effect, imported first by worker.ts: batch Dexie's change notices from this worker (see
 * change-batching.ts). Nothing here may import Dexie, or Dexie would open its channel first.
 */
import { installChangeBatching } from './change-batching.ts';

/** At most one change notice per this many ms while a pull keeps writing. */
export const CHANGE_WINDOW_MS = 500;

export const changeBatcher = installChangeBatching(CHANGE_WINDOW_MS);
