/**
 * Pull stage: storing rows. One writer per run takes the rows the page handlers hand it and stores
 * them in as few transactions as the network allows, so the next pages are fetched while earlier
 * ones are written.
 */

/** Rows one transaction of the writer stores at most. */
const WRITE_BATCH = 1000;
/**
 * Rows queued past this make the page handlers wait (bounded memory) until the writer has taken
 * enough into its transactions to bring the queue back under it: not until the queue is empty, or
 * every handler would stop fetching at once and the writer then sit idle for a round trip while
 * the next pages came (stop-and-go, the network and the store taking turns instead of overlapping).
 */
const MAX_QUEUED = 3000;

/**
 * One writer per run: rows queued by the page handlers are stored in order, what queued while a
 * transaction ran going into the next one (up to WRITE_BATCH). The first failure is kept and
 * thrown to every later add and to flush; rows still queued then are dropped (the run fails).
 */
export interface Writer<T> {
  /** Queue rows; waits only while too many are queued. Throws the writer's first failure. */
  add(rows: T[]): Promise<void>;
  /** Resolves when every queued row is stored; throws the writer's first failure. */
  flush(): Promise<void>;
}

export function createWriter<T>(write: (rows: T[]) => Promise<void>): Writer<T> {
  const queued: T[] = [];
  let running: Promise<void> | null = null;
  let failed: { error: unknown } | null = null;
  /** Handlers held back by a full queue, let go once it is under MAX_QUEUED (or the writer stops). */
  let held: (() => void)[] = [];
  const release = (all: boolean) => {
    if (!held.length || (!all && queued.length > MAX_QUEUED)) return;
    const go = held;
    held = [];
    for (const resolve of go) resolve();
  };
  const check = () => { if (failed) throw failed.error; };
  const drain = async (): Promise<void> => {
    // Returns to start() before the first write, so `running` is set while this runs.
    await Promise.resolve();
    try {
      while (queued.length > 0 && !failed) {
        const batch = queued.splice(0, WRITE_BATCH);
        release(false);
        await write(batch);
      }
    } catch (e) {
      failed = { error: e };
      queued.length = 0;
    } finally {
      running = null;
      release(true);
    }
  };
  const start = (): Promise<void> => (running ??= drain());
  return {
    async add(rows: T[]): Promise<void> {
      check();
      for (const row of rows) queued.push(row);
      // Not awaited: a failure is kept and thrown below or by the next add or flush.
      void start();
      if (queued.length > MAX_QUEUED) await new Promise<void>((resolve) => { held.push(resolve); });
      check();
    },
    async flush(): Promise<void> {
      while (running || queued.length > 0) await start();
      check();
    },
  };
}
