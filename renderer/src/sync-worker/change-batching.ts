/**
 * Dexie tells other contexts (the UI thread, other tabs) about every committed write with a
 * BroadcastChannel message; each one re-runs every live query it touches there. A pull commits a
 * page at a time, so a 20 000-activity pull would re-run (and re-render) the UI's views hundreds
 * of times: that, not the engine, kept the UI thread busy. The worker therefore batches those
 * messages: the first change after a quiet spell goes out at once (a single edit still shows
 * immediately), later ones are merged into one message per window. The window starts at
 * `windowMs` and doubles while the burst goes on, up to `maxWindowMs`: a heavy view (a calendar
 * week of hundreds of events) re-renders every couple of seconds during a long pull instead of
 * twice a second, and a short burst still shows within the first window.
 *
 * Installed by replacing BroadcastChannel in the worker's own global scope for Dexie's channel
 * only, before Dexie creates it (worker.ts imports this module first). Merging uses Dexie's own
 * range-set union, handed in once Dexie has loaded (setMerge); until then nothing is held back.
 */

/** Dexie's cross-context change channel (dexie/src/globals/global-events.ts). */
export const DEXIE_CHANGE_CHANNEL = 'x-storagemutated-1';

/** Changed parts as Dexie posts them: one range set per "idb://db/table/index" key. */
export type ChangedParts = Record<string, unknown>;
export type MergeParts = (into: ChangedParts | null, parts: ChangedParts) => ChangedParts;

export interface BatcherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ChangeBatcher {
  post(parts: ChangedParts): void;
  /** Send what is held now (before the worker stops: the UI must not miss the last writes). */
  flush(): void;
  setMerge(merge: MergeParts): void;
  /** Messages sent and writes merged away (diagnostics). */
  stats(): { sent: number; merged: number };
}

export function createChangeBatcher(send: (parts: ChangedParts) => void, windowMs: number, maxWindowMs = windowMs, timers: BatcherTimers = globalThis): ChangeBatcher {
  let merge: MergeParts | null = null;
  let window = windowMs;
  let held: ChangedParts | null = null;
  let timer: unknown = null;
  let sent = 0;
  let merged = 0;

  const out = (parts: ChangedParts) => { sent++; send(parts); };

  function tick(): void {
    timer = null;
    if (!held) { window = windowMs; return; }
    const parts = held;
    held = null;
    out(parts);
    // Still busy: one message per window, the window growing, until one passes with nothing new.
    window = Math.min(maxWindowMs, window * 2);
    timer = timers.setTimeout(tick, window);
  }

  return {
    post(parts) {
      if (!merge || timer === null) {
        out(parts);
        if (merge) { window = windowMs; timer = timers.setTimeout(tick, window); }
        return;
      }
      if (held) merged++;
      held = merge(held, parts);
    },
    flush() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      window = windowMs;
      if (held) {
        const parts = held;
        held = null;
        out(parts);
      }
    },
    setMerge(m) { merge = m; },
    stats: () => ({ sent, merged }),
  };
}

interface ChannelLike {
  postMessage(message: unknown): void;
}
type ChannelCtor = new (name: string) => ChannelLike;

/** Swap in a BroadcastChannel whose Dexie channel posts through a batcher. Returns it (null: no BroadcastChannel here). */
export function installChangeBatching(windowMs: number, maxWindowMs: number, scope: { BroadcastChannel?: ChannelCtor } = globalThis): ChangeBatcher | null {
  const Native = scope.BroadcastChannel;
  if (!Native) return null;
  let dexieChannel: ChannelLike | null = null;
  const batcher = createChangeBatcher((parts) => dexieChannel?.postMessage(parts), windowMs, maxWindowMs);
  class BatchingChannel extends Native {
    private readonly batched: boolean;
    constructor(name: string) {
      super(name);
      this.batched = name === DEXIE_CHANGE_CHANNEL;
      if (this.batched) dexieChannel = { postMessage: (m) => super.postMessage(m) };
    }
    override postMessage(message: unknown): void {
      if (this.batched && message && typeof message === 'object') batcher.post(message as ChangedParts);
      else super.postMessage(message);
    }
  }
  scope.BroadcastChannel = BatchingChannel;
  return batcher;
}
