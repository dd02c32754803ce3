/**
 * A live query whose input changes faster than it answers: the Activities search as the rep types.
 *
 * One query runs at a time. A new input does not abort a query still working on its first answer:
 * that answer is shown when it comes, and then the newest input (not every one typed meanwhile)
 * runs. So the list keeps answering while the rep types, at most one query behind, instead of
 * starting over on every key and showing nothing until the rep stops; and superseded reads never
 * compete with the newest one for IndexedDB. Once an input has its answer, a newer input replaces
 * its subscription at once (a re-run after a store change is aborted through the signal).
 *
 * Framework-free (a React hook wraps it below) so its scheduling is tested without a browser.
 */
import { liveQuery, type Subscription } from 'dexie';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

export interface Answer<K, T> {
  /** The input this answer is for (it lags the newest input while a query runs). */
  key: K;
  value: T;
}

interface Running<K> {
  key: K;
  abort: AbortController;
  answered: boolean;
  subscription?: Subscription;
}

export class LatestLiveQuery<K, T> {
  private wanted: { key: K } | null = null;
  private running: Running<K> | null = null;
  private answer: Answer<K, T> | undefined;
  private readonly listeners = new Set<() => void>();

  /** `run` must resolve (a failure is part of its value): a rejection is logged and skipped. */
  constructor(private readonly run: (key: K, signal: AbortSignal) => Promise<T>) {}

  /** Asks for `key`: runs now unless a query is still on its first answer (then it runs after). */
  request(key: K): void {
    this.wanted = { key };
    if (this.running?.key === key) return;
    if (!this.running || this.running.answered) this.start(key);
  }

  /** The newest answer shown (undefined until the first one). */
  readonly current = (): Answer<K, T> | undefined => this.answer;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Stops the running query; a later request starts again. */
  close(): void {
    this.stop();
    this.wanted = null;
  }

  private stop(): void {
    const r = this.running;
    this.running = null;
    if (!r) return;
    r.abort.abort();
    r.subscription?.unsubscribe();
  }

  private start(key: K): void {
    this.stop();
    const r: Running<K> = { key, abort: new AbortController(), answered: false };
    this.running = r;
    const settle = (answer: Answer<K, T> | null) => {
      if (this.running !== r) return;
      r.answered = true;
      if (answer) {
        this.answer = answer;
        for (const l of [...this.listeners]) l();
      }
      // Typed past while this ran: the newest input runs now.
      if (this.running === r && this.wanted && this.wanted.key !== key) this.start(this.wanted.key);
    };
    const subscription = liveQuery(() => this.run(key, r.abort.signal)).subscribe({
      next: (value) => settle({ key, value }),
      error: (e: unknown) => {
        console.error('Live query failed', e);
        settle(null);
      },
    });
    // An answer delivered synchronously may already have moved on to a newer input.
    if (this.running === r) r.subscription = subscription;
    else subscription.unsubscribe();
  }
}

/**
 * The newest answer of `run` for `key`, live (see LatestLiveQuery). `run` is read at each start, so
 * it may close over the render's values; `key` must change identity when its meaning does.
 */
export function useLatestLiveQuery<K, T>(key: K, run: (key: K, signal: AbortSignal) => Promise<T>): Answer<K, T> | undefined {
  const runRef = useRef(run);
  useEffect(() => { runRef.current = run; });
  const [query] = useState(() => new LatestLiveQuery<K, T>((k, signal) => runRef.current(k, signal)));
  useEffect(() => query.request(key), [query, key]);
  useEffect(() => () => query.close(), [query]);
  return useSyncExternalStore(query.subscribe, query.current);
}
