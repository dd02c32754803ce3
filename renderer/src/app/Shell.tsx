/** The frame: left navigation, status bar, the current view, and the dialogs any view can open. */
import { Suspense, useEffect } from 'react';
import { VIEW_PARTS, detailPart, formPart, outcomePart, preloadParts, PartBoundary, PartLoading } from './lazy-views.tsx';
import { ExportButton } from '../views/export/ExportButton.tsx';
import { Toasts } from '../components/Toasts.tsx';
import { ReminderCentre } from '../components/ReminderCentre.tsx';
import { shortcutBlocked } from '../components/shortcuts.ts';
import { VIEWS, VIEW_LABELS, useUiStore } from '../state/store.ts';
import { StatusBar } from './StatusBar.tsx';
import { NavIcon } from './NavIcon.tsx';
import { useApp } from './context.tsx';
import { SignInGate } from './SignInGate.tsx';
import { PlatformBridge } from './PlatformBridge.tsx';
import { CalendarSync } from '../caldav/CalendarSync.tsx';

export function Shell() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  const detailLid = useUiStore((s) => s.detailLid);
  const outcomeLid = useUiStore((s) => s.outcomeLid);
  const formOpen = useUiStore((s) => s.createPrefill !== null || s.editLid !== null);
  const { platform } = useApp();
  const openActivity = useUiStore((s) => s.openActivity);
  const openOutcome = useUiStore((s) => s.openOutcome);

  // A clicked reminder opens its activity (or outcome entry for "Done").
  useEffect(() => platform.on('reminderClicked', ({ lid, action }) => {
    if (action === 'done') openOutcome(lid);
    else openActivity(lid);
  }), [platform, openActivity, openOutcome]);

  // The other views' chunks load while the browser is idle after the first paint (lazy-views.tsx).
  useEffect(() => preloadParts(VIEW_PARTS[useUiStore.getState().view]), []);

  const openCreate = useUiStore((s) => s.openCreate);
  // Alt+1..n switch views from anywhere; "n" starts a new activity when not typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'n' && !e.altKey && !e.ctrlKey && !e.metaKey && !shortcutBlocked(e)) {
        e.preventDefault();
        openCreate();
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const i = Number(e.key) - 1;
      const v = VIEWS[i];
      if (v) {
        e.preventDefault();
        setView(v);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, openCreate]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">Skip to content</a>
      <nav className="sidenav" aria-label="Main">
        <div className="brand" aria-hidden="true"><span className="brand-mark">F</span>Fieldbook</div>
        <ul>
          {VIEWS.map((v, i) => (
            <li key={v}>
              <button
                type="button"
                className="nav-item"
                aria-current={view === v ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${i + 1}`}
                onClick={() => setView(v)}
              >
                <NavIcon view={v} />
                <span>{VIEW_LABELS[v]}</span>
              </button>
            </li>
          ))}
        </ul>
        <ExportButton />
      </nav>
      <div className="app-body">
        <StatusBar />
        <Toasts />
        <ReminderCentre />
        <main id="main" className="app-main" tabIndex={-1}>
          <SignInGate>
            <PartBoundary key={view} label={VIEW_LABELS[view]}>
              <Suspense fallback={<PartLoading label={VIEW_LABELS[view]} />}><CurrentView /></Suspense>
            </PartBoundary>
          </SignInGate>
        </main>
      </div>
      {detailLid && <Suspense fallback={<PartLoading label="the activity" hidden />}><detailPart.Component lid={detailLid} /></Suspense>}
      {formOpen && <Suspense fallback={<PartLoading label="the form" hidden />}><formPart.Component /></Suspense>}
      {outcomeLid && <Suspense fallback={<PartLoading label="the outcome form" hidden />}><outcomePart.Component lid={outcomeLid} /></Suspense>}
      <PlatformBridge />
      <CalendarSync />
    </div>
  );
}

/** The current view's part, keyed by view so each view mounts afresh, as before. */
function CurrentView() {
  const view = useUiStore((s) => s.view);
  const Part = VIEW_PARTS[view].Component;
  return <Part key={view} />;
}
