/**
 * The sync engine's own types: what it is built from (SyncEngineOptions), what the UI drives
 * (SyncEngine; the sync worker's RPC is derived from it, see renderer/src/sync-worker/protocol.ts)
 * and what a run reports. engine.ts implements them; code outside shared/sync names them through
 * the front door (index.ts).
 */
import type { CrmClient, RemoteUser } from '../api/client.ts';
import type { Transport } from '../ipc/platform.ts';
import type { BackoffOptions } from './backoff.ts';
import type { Timers } from './context.ts';
import type { FieldbookDB } from './db.ts';
import type { PullOptions, PullReport, RefreshOutcome } from './pull.ts';
import type { PushReport } from './push.ts';
import type { StatusListener, SyncStatus } from './status.ts';

export interface SyncEngineOptions {
  db: FieldbookDB;
  transport: Transport;
  /** The signed-in rep's user id (scope of the pull); null until known. */
  currentUserId: () => string | null;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
  timers?: Timers;
  /** Activities pushed in parallel (default 6). */
  concurrency?: number;
  /** per_page asked for on lists (default 100, the contract's maximum). */
  pageSize?: number;
  /** Attempts before an op is shown as stuck (default 10). */
  maxAttempts?: number;
  leaseMs?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Quiet time after a local change before pushing (default 2 s). */
  debounceMs?: number;
  /** Periodic sync while online (default 60 s; 0 = off). */
  intervalMs?: number;
  /** Idle polls back off to at most this many intervals: { visible: 4, hidden: 15 }. */
  idleBackoff?: { visible?: number; hidden?: number };
  /** Push waits inside a run for retries at most this far away (default 30 s). */
  maxInRunWaitMs?: number;
  lockName?: string;
  pull?: PullOptions;
  /** Inject a client (tests); default: createCrmClient(transport). */
  client?: CrmClient;
  /** Hears each run's report as it ends (diagnostics, the cost bench). */
  onRun?: (kind: string, report: SyncReport) => void;
}

export interface SyncReport {
  push: PushReport | null;
  pull: PullReport | null;
  /** Why the run stopped early, if it did. */
  error: string | null;
  skipped?: 'offline' | 'auth' | 'stopped';
}

export type ConflictChoice = 'mine' | 'theirs' | { value: unknown };

export interface SyncEngine {
  start(): void;
  /** Stop all timers and runs; a stopped engine writes nothing more. Resolves when its run has ended. */
  stop(): Promise<void>;
  syncNow(): Promise<SyncReport>;
  push(): Promise<SyncReport>;
  pull(opts?: PullOptions): Promise<SyncReport>;
  notifyLocalChange(): void;
  setOnline(online: boolean): void;
  /** The system woke from sleep. */
  resume(): void;
  /**
   * The window was shown/focused (true) or hidden (false). Shown: poll at once (unless one just
   * ran) and stop backing off; hidden: idle polls back off further.
   */
  setVisible(visible: boolean): void;
  /** GET one activity now (the rep opened it) and merge it like a pull row; offline it does nothing. */
  refreshActivity(lid: string): Promise<RefreshOutcome>;
  /** The rep signed in again after a 401: resume syncing. */
  authRestored(): void;
  getStatus(): SyncStatus;
  subscribe(listener: StatusListener): () => void;
  retryOp(opId: string, newPayload?: Record<string, unknown>): Promise<void>;
  discardOp(opId: string): Promise<void>;
  resolveConflict(id: string, choice: ConflictChoice): Promise<void>;
  pullDirectory(): Promise<Record<string, number>>;
  /** GET /users/me where the server offers it; null where it does not (ask the rep instead). */
  whoAmI(): Promise<RemoteUser | null>;
  readonly client: CrmClient;
}

/** A test/bench handle on an engine: when nothing is running or queued. Not part of the RPC surface. */
export interface SyncEngineInternals extends SyncEngine {
  whenIdle(): Promise<void>;
}

/** What the UI calls on the engine, wherever it runs (in its thread or in the sync worker): the engine without its CRM client, which stays beside it. */
export type SyncEnginePort = Omit<SyncEngine, 'client'>;
