/**
 * Push, the run object: what one push run's stages (schedule, claim, send, bulk, answer) share.
 * One is made per pushOutbox call; nothing outlives the run.
 */
import type { CrmClient } from '../../api/client.ts';
import type { Activity } from '../../domain/index.ts';
import type { SyncContext } from '../context.ts';
import type { FieldbookDB } from '../db.ts';
import type { LocalActivity, OutboxOp } from '../types.ts';
import type { EntityIdResolver, PushReport } from './rules.ts';

export interface PushRun {
  ctx: SyncContext;
  db: FieldbookDB;
  client: CrmClient;
  report: PushReport;
  /** Bulk groups (by group id) whose leader waits for members still on their way: the lids parked on it. */
  parked: Map<string, Set<string>>;
  /** Bulk groups whose members go alone from now on. */
  individual: Set<string>;
  /** Lids a worker is on now. */
  active: Set<string>;
  /** Lids of the current pass still to be taken by a worker (answers may add a child or a group's lids). */
  queue: string[];
  /**
   * Lids tried without progress since the last pass that moved something. They are not tried again
   * until something moves, so passes that move nothing cannot spin; a lid outside the set (its
   * retry time came while a pass moved nothing) still goes, rather than being dropped until the
   * next sync.
   */
  stalled: Set<string>;
  onProgress: () => void;
  resolveEntityId: EntityIdResolver;
  /** The server honours Idempotency-Key (as seen so far). */
  idempotent: () => boolean;
}

export function createRun(ctx: SyncContext, onProgress: () => void, resolveEntityId: EntityIdResolver): PushRun {
  return {
    ctx, db: ctx.db, client: ctx.client, onProgress, resolveEntityId,
    report: { requests: 0, succeeded: 0, failed: 0, retried: 0, conflicts: 0, authRequired: false, nextRetryAt: null, nextHoldAt: null },
    parked: new Map(), individual: new Set(), active: new Set(), queue: [], stalled: new Set(),
    idempotent: () => ctx.client.extensions().idempotency,
  };
}

export type Step =
  | { kind: 'none' }
  | { kind: 'send'; op: OutboxOp; row: LocalActivity };

export interface Success {
  remote: Activity | null;
  deleted?: boolean;
  child?: Activity | null;
}

export type LidStep = Step & { claimed?: boolean };

export class ClaimLost extends Error {}
