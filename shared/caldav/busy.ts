/**
 * The rep's other events as busy time (issue #14): the Fieldbook calendar shows them as busy
 * blocks, and the day-load and back-to-back warnings count them (shared/domain/load.ts, `busy`).
 * inbound.ts stores them (calendar_busy, one row per resource, a recurring one's occurrences in
 * a window as intervals); only their times are kept, never their titles.
 */
import type { BusyInterval } from '../domain/load.ts';
import type { FieldbookDB } from '../sync/db.ts';
import type { StoredBusyRow } from './inbound.ts';

export type { BusyInterval };

/** Busy intervals overlapping [fromMs, toMs), by start, each with the resource it comes from. */
export async function busyBlocks(db: FieldbookDB, fromMs: number, toMs: number): Promise<(BusyInterval & { href: string })[]> {
  // start_ms is the row's first occurrence: every row starting before the window's end, ending after its start.
  const rows = (await db.calendar_busy.where('start_ms').below(toMs).filter((r) => r.end_ms > fromMs).toArray()) as Partial<StoredBusyRow>[];
  const out: (BusyInterval & { href: string })[] = [];
  for (const r of rows) {
    if (r.href === undefined || r.start_ms === undefined || r.end_ms === undefined) continue;
    const intervals = r.intervals ?? [[r.start_ms, r.end_ms]];
    for (const [startMs, endMs] of intervals) if (startMs < toMs && endMs > fromMs) out.push({ startMs, endMs, href: r.href });
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}
