/**
 * The navigation's "Export calendar…" button. The dialog (and the .ics writer) is a chunk of its own,
 * loaded when the button is first pointed at or focused, so the start page does not carry it.
 */
import { Suspense, useState } from 'react';
import { lazyPart, PartLoading } from '../../app/lazy-views.tsx';

const exportPart = lazyPart(() => import('./ExportDialog.tsx').then((m) => m.ExportDialog));

export function ExportButton() {
  const [open, setOpen] = useState(false);
  const warm = () => { exportPart.preload().catch(() => undefined); };
  return (
    <>
      <button type="button" className="nav-item" onClick={() => setOpen(true)} onPointerEnter={warm} onFocus={warm}>
        <svg className="nav-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path d="M12 4v11M7 10l5 5 5-5M5 20h14" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span>Export calendar…</span>
      </button>
      {open && (
        <Suspense fallback={<PartLoading label="the export dialog" hidden />}>
          <exportPart.Component onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
