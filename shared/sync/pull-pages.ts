/**
 * Pull stage: fetching list pages. A GET is retried on transient failures within the run; a list
 * has at most pageCount pages, fetched CONCURRENCY at a time after the first; which failures end
 * a whole run rather than one row.
 */
import type { PageMeta } from '../api/envelope.ts';
import { ApiError, type Page } from '../api/client.ts';
import { backoffDelay } from './backoff.ts';
import { mapLimit, sleep, StoppedError, type SyncContext } from './context.ts';

/** Tries per GET before a transient failure (5xx, 429, timeout) ends the pull. */
const GET_ATTEMPTS = 4;

/**
 * A GET is safe to repeat: a transient failure is retried in the run with backoff (honouring
 * Retry-After, within the run's wait limit), so one lost page on a poor network does not cost the
 * whole pull, and the push that follows a pull is not held back by it.
 */
export async function retryGet<T>(ctx: SyncContext, get: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await get();
    } catch (e) {
      if (!(e instanceof ApiError) || e.kind !== 'transient' || attempt >= GET_ATTEMPTS) throw e;
      const delay = backoffDelay(attempt, ctx.random, e.retryAfterMs, ctx.backoff);
      if (delay > ctx.maxInRunWaitMs) throw e;
      await sleep(ctx, delay);
    }
  }
}

/**
 * Hard cap on pages of one list: 2 000 pages is 100 000 records at the smallest per_page a CRM
 * is seen to use (50) — twenty times a big rep's book — and about an hour of requests at the
 * stand-in's latency. Past it something is wrong with the server's meta, not with the data.
 */
export const MAX_PAGES = 2_000;

/** How many pages a list has, from its first page: never more than total/per_page or MAX_PAGES, whatever last_page says. */
export function pageCount(meta: PageMeta, firstItems: number, askedPerPage: number): number {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const said = num(meta.per_page);
  const perPage = said !== null && said >= 1 ? Math.floor(said) : Math.max(1, firstItems || askedPerPage);
  const total = num(meta.total);
  const byTotal = total !== null && total >= 0 ? Math.ceil(total / perPage) : null;
  const last = num(meta.last_page);
  let n = last !== null && last >= 1 ? Math.floor(last) : (byTotal ?? 1);
  if (byTotal !== null) n = Math.min(n, byTotal);
  return Math.max(1, Math.min(n, MAX_PAGES));
}

/**
 * Fetch pages 2..count of a list CONCURRENCY at a time; stops asking once a page comes back empty
 * (a server whose meta overstates the list).
 */
export async function restOfPages<T>(ctx: SyncContext, count: number, get: (page: number) => Promise<Page<T>>, handle: (page: Page<T>) => Promise<void>): Promise<void> {
  let exhausted = false;
  const pages = Array.from({ length: Math.max(0, count - 1) }, (_, i) => i + 2);
  await mapLimit(pages, ctx.concurrency, async (page) => {
    if (exhausted) return;
    const res = await retryGet(ctx, () => get(page));
    if (res.items.length === 0 && res.invalid === 0) { exhausted = true; return; }
    await handle(res);
  });
}

/** No answer at all (network down, timeout): the whole run cannot go on, unlike one bad row. */
export function noAnswer(e: unknown): boolean {
  return e instanceof ApiError && e.noResponse;
}

/** Errors that end a pull; anything else about one row is counted and the row kept. */
export function endsRun(e: unknown): boolean {
  return e instanceof StoppedError || (e instanceof ApiError && e.kind === 'auth') || noAnswer(e);
}
