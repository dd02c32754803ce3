/**
 * The views and the large dialogs, each loaded as its own chunk (issue #12: the start page loads
 * only what the first view needs). `lazyPart` wraps React.lazy so that:
 *
 * - a part that has already loaded renders synchronously, with no Suspense fallback for a frame
 *   (React.lazy alone suspends once per component even when its chunk is in the cache);
 * - `preload()` fetches the chunk ahead of need; `preloadParts()` fetches every part once the
 *   browser is idle after the first view has painted, so switching views never waits on the network
 *   or the disk.
 *
 * The budget for the start chunk is checked by test/e2e/bundle-budget.e2e.test.ts; the bench part
 * test/bench/bundle.ts prints what the start page loads beside the goal.
 */
import { Component as ReactComponent, lazy, useState, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import type { View } from '../state/store.ts';

export interface LazyPart<P extends object> {
  /** Renders the part, suspending (to the nearest Suspense) only while its chunk loads. */
  Component: (props: P) => ReactNode;
  /** Starts loading the chunk (once); resolves when the part can render without suspending. */
  preload: () => Promise<unknown>;
}

export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): LazyPart<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = (): Promise<ComponentType<P>> => {
    pending ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        // A failed load (e.g. offline before the chunk was cached) may be retried later.
        pending = null;
        throw e;
      },
    );
    return pending;
  };
  const Lazy = lazy(async () => ({ default: await preload() }));
  function Component(props: P): ReactNode {
    // Chosen once per mount: switching from Lazy to the loaded type later would remount the part.
    const [Ready] = useState(() => loaded);
    return Ready ? <Ready {...props} /> : <Lazy {...props} />;
  }
  return { Component, preload };
}

export const calendarPart = lazyPart(() => import('../views/calendar/CalendarView.tsx').then((m) => m.CalendarView));
export const overduePart = lazyPart(() => import('../views/overdue/OverdueView.tsx').then((m) => m.OverdueView));
export const activitiesPart = lazyPart(() => import('../views/activities/ActivitiesView.tsx').then((m) => m.ActivitiesView));
export const reviewPart = lazyPart(() => import('../views/review/ReviewView.tsx').then((m) => m.ReviewView));
export const billablePart = lazyPart(() => import('../views/billable/BillableView.tsx').then((m) => m.BillableView));
export const syncPart = lazyPart(() => import('../views/sync/SyncView.tsx').then((m) => m.SyncView));
export const settingsPart = lazyPart(() => import('../views/settings/SettingsView.tsx').then((m) => m.SettingsView));
export const detailPart = lazyPart(() => import('../views/activities/ActivityDetail.tsx').then((m) => m.ActivityDetail));
export const formPart = lazyPart(() => import('../views/activities/ActivityFormDialog.tsx').then((m) => m.ActivityFormDialog));
export const outcomePart = lazyPart(() => import('../views/outcome/OutcomeDialog.tsx').then((m) => m.OutcomeDialog));

export const VIEW_PARTS: Record<View, LazyPart<object>> = {
  calendar: calendarPart,
  overdue: overduePart,
  activities: activitiesPart,
  review: reviewPart,
  billable: billablePart,
  sync: syncPart,
  settings: settingsPart,
};

/** Every part, the likeliest next ones first (the detail and form open from every view). */
const PRELOAD_ORDER: readonly Pick<LazyPart<never>, 'preload'>[] = [
  overduePart, activitiesPart, detailPart, formPart, outcomePart, calendarPart, reviewPart, billablePart, syncPart, settingsPart,
];

/**
 * Loads every part, one after another, each when the browser is idle, starting once `first` (the
 * view on screen) has loaded, so the first view never shares the wire or the parser with the
 * rest. Call it from an effect (after the first paint); the returned function stops it. A part that
 * fails to load is left for its first use.
 */
export function preloadParts(first?: Pick<LazyPart<never>, 'preload'>): () => void {
  let cancelled = false;
  const idle = (fn: () => void) =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 2_000 }) : setTimeout(fn, 50);
  const next = (i: number) => {
    const part = PRELOAD_ORDER[i];
    if (cancelled) return;
    if (!part) {
      // Every part has been fetched (or has failed and waits for its first use): what a page that
      // is about to lose the network (and has no service worker yet) can check for.
      document.documentElement.dataset.parts = 'loaded';
      return;
    }
    idle(() => {
      if (cancelled) return;
      part.preload().catch(() => undefined).finally(() => next(i + 1));
    });
  };
  void (first?.preload() ?? Promise.resolve()).catch(() => undefined).finally(() => next(0));
  return () => { cancelled = true; };
}

/**
 * What a part's place shows while its chunk loads (rarely seen: the parts preload on idle). A
 * view's place says so in the view; a dialog's only tells assistive technology (`hidden`), so the
 * frame does not shift for the moment before the dialog opens.
 */
export function PartLoading({ label, hidden = false }: { label: string; hidden?: boolean }) {
  return (
    <div className={hidden ? 'sr-only' : 'empty'} role="status" aria-live="polite" aria-busy="true">
      Loading {label}…
    </div>
  );
}

/**
 * Where a part failed to load (its chunk missing after an update, or unreadable): says so in
 * place, with a way to try again, instead of the whole window going blank. Errors a part throws
 * while rendering land here too and are logged.
 */
export class PartBoundary extends ReactComponent<{ label: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.label} could not be shown`, error, info.componentStack);
  }
  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="empty" role="alert">
        <p>{this.props.label} could not be loaded.</p>
        <button type="button" className="button" onClick={() => window.location.reload()}>Reload Fieldbook</button>
      </div>
    );
  }
}
