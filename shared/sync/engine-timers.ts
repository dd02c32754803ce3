/**
 * The engine's timers: the poll interval with its idle backoff (and the next retry), the push
 * when an undo hold ends, and the debounced run after a local edit. stopTimers clears them all.
 */
import { fire, type EngineCore } from './engine-core.ts';
import { scheduleStatusRefresh } from './engine-status.ts';

/** The next poll: the interval (doubling while quiet, up to the cap) or the retry time, whichever is sooner. */
export function armTimer(core: EngineCore, retryAt: number | null): void {
  if (core.stopped || !core.started) return;
  const { opts, timers, handles } = core;
  if (handles.tick !== null) timers.clearTimeout(handles.tick);
  handles.tick = null;
  const base = opts.intervalMs ?? 60_000;
  const cap = core.visible ? (opts.idleBackoff?.visible ?? 4) : (opts.idleBackoff?.hidden ?? 15);
  const interval = base * Math.min(cap, 2 ** Math.min(core.quiet, 16));
  const delays: number[] = [];
  if (interval > 0) delays.push(interval);
  if (retryAt !== null) delays.push(Math.max(0, retryAt - core.now()));
  if (!delays.length || !core.status.get().online) return;
  handles.tick = timers.setTimeout(() => { handles.tick = null; core.timerFired = true; fire(core, 'poll'); }, Math.min(...delays));
}

/** A push when the earliest hold ends (a push only: the CRM is not polled for it). */
export function armHold(core: EngineCore, at: number | null): void {
  const { timers, handles } = core;
  if (handles.holdTimer !== null) timers.clearTimeout(handles.holdTimer);
  handles.holdTimer = null;
  if (core.stopped || !core.started || at === null) return;
  handles.holdTimer = timers.setTimeout(() => { handles.holdTimer = null; fire(core, 'push'); }, Math.max(0, at - core.now()));
}

/** A local change: show it soon and push it after the debounce (2 s unless told). */
export function notifyLocalChange(core: EngineCore): void {
  if (core.stopped) return;
  const { timers, handles } = core;
  core.quiet = 0;
  scheduleStatusRefresh(core);
  if (handles.debounce !== null) timers.clearTimeout(handles.debounce);
  handles.debounce = timers.setTimeout(() => { handles.debounce = null; fire(core, 'edit'); }, core.opts.debounceMs ?? 2_000);
}

/** Going offline: no poll until back online. */
export function clearTick(core: EngineCore): void {
  if (core.handles.tick !== null) { core.timers.clearTimeout(core.handles.tick); core.handles.tick = null; }
}

export function stopTimers(core: EngineCore): void {
  const { handles, timers } = core;
  for (const h of [handles.debounce, handles.tick, handles.statusTimer, handles.holdTimer]) if (h !== null) timers.clearTimeout(h);
  handles.debounce = handles.tick = handles.statusTimer = handles.holdTimer = null;
}
