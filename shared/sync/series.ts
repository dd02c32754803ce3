/**
 * Recurring series over the local store. The CRM has no recurrence: a series is expanded on
 * create into real activities (one create op each) linked by custom_fields.series_id, so it works
 * offline and syncs like any other change. Every series command runs the store's own commands
 * inside ONE outer Dexie transaction (they become sub-transactions), so a series is written or
 * changed entirely or not at all.
 */
import { ulid } from 'ulid';
import {
  ValidationError, buildSeries, createActivitySchema, selectForEdit, selectForSeriesDelete, seriesEditPatches, seriesLink,
  seriesMembers, updateActivitySchema, type RecurrenceRuleInput, type SeriesScope, type UpdateActivityInput,
} from '../domain/index.ts';
import { ActivityNotFoundError, parseOrThrow, type BulkFailure, type Commands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import type { LocalActivity } from './types.ts';

export interface SeriesDeps {
  db: FieldbookDB;
  commands: Commands;
  /** Clock in epoch ms ("future" occurrences for delete). */
  now?: () => number;
  /** New series ids. Default: ULID. */
  newId?: () => string;
  /** The rep's IANA zone: "this and following" keeps wall-clock times there across DST. */
  timeZone: () => string;
}

export interface CreatedSeries {
  seriesId: string;
  /** The occurrences in order. */
  rows: LocalActivity[];
}

export interface SeriesEditResult {
  updated: LocalActivity[];
  /** In scope but closed (completed, cancelled) or otherwise not editable: left as they were. */
  skipped: LocalActivity[];
}

export interface SeriesDeleteResult {
  cancelled: string[];
  /** Past or closed occurrences, kept as history. */
  kept: string[];
  failed: BulkFailure[];
}

export interface SeriesCommands {
  createSeries(template: unknown, rule: RecurrenceRuleInput): Promise<CreatedSeries>;
  editSeries(lid: string, patch: unknown, scope: SeriesScope): Promise<SeriesEditResult>;
  /** Cancels the series' future open occurrences only. */
  deleteSeries(seriesId: string, reason?: string): Promise<SeriesDeleteResult>;
  /** Every live local occurrence of a series, in order. */
  members(seriesId: string): Promise<LocalActivity[]>;
}

export const SERIES_CANCEL_REASON = 'Recurring series ended';

export function createSeriesCommands(deps: SeriesDeps): SeriesCommands {
  const { db, commands } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => ulid());

  /** Live rows of a series. A full scan: custom_fields is not indexed, and series edits are rare. */
  async function liveMembers(seriesId: string): Promise<LocalActivity[]> {
    const rows = await db.activities.filter((a) => a.deleted === 0 && seriesLink(a)?.seriesId === seriesId).toArray();
    return seriesMembers(rows, seriesId);
  }

  async function createSeries(template: unknown, rule: RecurrenceRuleInput): Promise<CreatedSeries> {
    const valid = parseOrThrow(createActivitySchema, template);
    const seriesId = newId();
    // Expansion validates the rule (ValidationError per field) before anything is written.
    const inputs = buildSeries(valid, rule, seriesId);
    const rows = await db.transaction('rw', db.activities, db.outbox, async () => {
      const out: LocalActivity[] = [];
      for (const input of inputs) out.push(await commands.create(input));
      return out;
    });
    return { seriesId, rows };
  }

  async function editSeries(lid: string, patch: unknown, scope: SeriesScope): Promise<SeriesEditResult> {
    const valid: UpdateActivityInput = parseOrThrow(updateActivitySchema, patch);
    if (scope !== 'this' && scope !== 'following') throw new ValidationError({ scope: ['Choose "this one" or "this and following".'] });
    return db.transaction('rw', db.activities, db.outbox, async () => {
      const target = await db.activities.get(lid);
      if (!target || target.deleted === 1) throw new ActivityNotFoundError(lid);
      const link = seriesLink(target);
      const all = link ? await liveMembers(link.seriesId) : [target];
      // selectForEdit compares by identity: use the row object from the member list.
      const self = all.find((a) => a.lid === lid) ?? target;
      const { targets, skipped } = selectForEdit(all, self, scope);
      const updated: LocalActivity[] = [];
      // The edited one itself is closed: the store's command refuses it with its own message, or
      // applies what its status still allows (notes of a completed one).
      if (!targets.includes(self)) updated.push(await commands.update(lid, valid));
      for (const { item, patch: p } of seriesEditPatches(targets, self, valid, deps.timeZone())) {
        updated.push(await commands.update(item.lid, p));
      }
      return { updated, skipped };
    });
  }

  async function deleteSeries(seriesId: string, reason = SERIES_CANCEL_REASON): Promise<SeriesDeleteResult> {
    const all = await liveMembers(seriesId);
    if (all.length === 0) throw new ValidationError({ series_id: ['That series has no activities on this device.'] });
    const { cancel, keep } = selectForSeriesDelete(all, seriesId, now());
    if (cancel.length === 0) return { cancelled: [], kept: keep.map((a) => a.lid), failed: [] };
    // One bulk command: one transaction here, one bulk-actions request when pushed.
    const r = await commands.bulk({ action: 'cancel', lids: cancel.map((a) => a.lid), parameters: { reason } });
    return { cancelled: r.succeeded, kept: keep.map((a) => a.lid), failed: r.failed };
  }

  return { createSeries, editSeries, deleteSeries, members: liveMembers };
}
