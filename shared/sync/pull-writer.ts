/**
 * Pull stage: storing rows. One writer per run takes the rows the page handlers hand it and stores
 * them in as few transactions as the network allows, so the next pages are fetched while earlier
 * ones are written.
 */

/** Rows one transaction of the writer stores at most. */
const WRITE_BATCH = 1000;
/** Rows queued past this make the page handlers wait for the writer (bounded memory). */
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
  const check = () => { if (failed) throw failed.error; };
  const drain = async (): Promise<void> => {
    // Returns to start() before the first write, so `running` is set while this runs.
    await Promise.resolve();
    try {
      while (queued.length > 0 && !failed) await write(queued.splice(0, WRITE_BATCH));
    } catch (e) {
      failed = { error: e };
      queued.length = 0;
    } finally {
      running = null;
    }
  };
  const start = (): Promise<void> => (running ??= drain());
  return {
    async add(rows: T[]): Promise<void> {
      check();
      queued.push(...rows);
      const run = start();
      if (queued.length > MAX_QUEUED) await run;
      check();
    },
    async flush(): Promise<void> {
      while (running || queued.length > 0) await start();
      check();
    },
  };
}
