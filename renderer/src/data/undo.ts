/**
 * The renderer's undo (issue #13) over shared/sync/undo: one undo stack per open store. Every
 * command the UI commits is held for the undo window and recorded here; each gets a notice with
 * Undo (the caller's own success notice takes its place in it), Ctrl+Z takes back the newest, and
 * the detail history offers Undo per change.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import {
  createUndoStack, holdOps, setRescheduleReason, undoOps, UNDO_WINDOW_MS,
  type Commands, type FieldbookDB, type OutboxOp, type UndoEntry, type UndoReport, type UndoStack,
} from '#shared/sync/index';
import { useUiStore } from '../state/store.ts';

interface Installed {
  db: FieldbookDB;
  stack: UndoStack;
  commands: Commands;
}

let current: Installed | null = null;
const EMPTY: readonly UndoEntry[] = [];

/** The undo window the UI's commands are made with (ms); `?undoMs=` shortens it for tests. */
export function undoWindowMs(search = globalThis.location?.search ?? ''): number {
  const v = Number(new URLSearchParams(search).get('undoMs'));
  return Number.isFinite(v) && v > 0 ? v : UNDO_WINDOW_MS;
}

/**
 * Sets up the stack for this store. `plain` are commands without an undo window: the inverse of a
 * change already sent goes with them (and is not itself held).
 */
export function installUndo(db: FieldbookDB, plain: Commands): UndoStack {
  const stack = createUndoStack({ db, commands: plain });
  current = { db, stack, commands: plain };
  return stack;
}

/** Called with each committed command's ops: recorded, and offered in a notice. */
export function recordCommitted(ops: OutboxOp[]): void {
  const entry = current?.stack.record(ops);
  if (entry) offer(entry);
}

function offer(entry: UndoEntry, extra?: { label: string; run: () => void }): void {
  useUiStore.getState().offerUndo(`${entry.label}.`, { entry: entry.id, at: Date.now(), until: entry.expires_at, ...(extra ? { extra } : {}) });
}

/**
 * Runs `work` (several commands, e.g. a drag that moves and resizes) as one undo entry and offers
 * it with `message`, and maybe a second button (the calendar's "Add reason").
 */
export async function asOneChange<T>(work: () => Promise<T>, message: (entry: UndoEntry) => string, extra?: (entry: UndoEntry) => { label: string; run: () => void }): Promise<{ result: T; entry: UndoEntry | null }> {
  if (!current) return { result: await work(), entry: null };
  const out = await current.stack.group(work);
  if (out.entry) {
    const e = out.entry;
    useUiStore.getState().offerUndo(message(e), { entry: e.id, at: Date.now(), until: e.expires_at, merged: true, ...(extra ? { extra: extra(e) } : {}) });
  }
  return out;
}

function tell(report: UndoReport | null): void {
  const ui = useUiStore.getState();
  for (const t of ui.toasts) if (t.undo) ui.dismissToast(t.id);
  if (!report) {
    ui.toast('Nothing to undo.', 'info');
    return;
  }
  ui.toast(report.message, report.complete ? 'info' : 'error');
}

/** Takes back an entry (the newest without an id) and says what happened. */
export async function undoEntry(id?: number): Promise<void> {
  if (!current) return;
  try {
    tell(await current.stack.undo(id));
  } catch (e) {
    useUiStore.getState().toast(`Undo failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

/** Takes back one op (the detail history): it leaves its entry, so the entry never sends it back twice. */
export async function undoOne(op: OutboxOp): Promise<void> {
  if (!current) return;
  const { db, stack, commands } = current;
  const entry = stack.entries().find((e) => e.ops.some((o) => o.op_id === op.op_id));
  const known = entry?.ops.find((o) => o.op_id === op.op_id) ?? op;
  stack.forget([op.op_id]);
  try {
    tell(await undoOps(db, [known], { commands }));
  } catch (e) {
    useUiStore.getState().toast(`Undo failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

/** The reason of a move still held goes with it; false when it already left. */
export async function addMoveReason(opId: string, reason: string): Promise<boolean> {
  return current ? setRescheduleReason(current.db, opId, reason) : false;
}

/** Keeps the ops held until `until` (e.g. while the rep writes the reason). */
export async function holdUntil(opIds: readonly string[], until: number): Promise<number> {
  return current ? holdOps(current.db, opIds, until) : 0;
}

function subscribe(listener: () => void): () => void {
  return current ? current.stack.subscribe(listener) : () => {};
}

/** The session's undo entries, oldest first (re-rendered when they change). */
export function useUndoEntries(): readonly UndoEntry[] {
  return useSyncExternalStore(subscribe, () => current?.stack.entries() ?? EMPTY);
}

/** Changes of this session still in their undo window (not sent, Undo available), ticking each second. */
export function useWaitingForUndo(): number {
  const entries = useUndoEntries();
  const [now, setNow] = useState(() => Date.now());
  const next = Math.min(...entries.flatMap((e) => e.ops.map((o) => o.hold_until ?? 0)).filter((t) => t > now));
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    const t = setTimeout(() => setNow(Date.now()), Math.max(0, Math.min(1_000, next - Date.now())));
    return () => clearTimeout(t);
  }, [next, now]);
  useEffect(() => { setNow(Date.now()); }, [entries]);
  return entries.reduce((n, e) => n + e.ops.filter((o) => (o.hold_until ?? 0) > now).length, 0);
}
