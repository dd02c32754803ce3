/**
 * One rule for single-key shortcuts (n, /, j, k, c, r, d, …): they never fire while the rep is
 * typing (focus in an input, textarea, select or contenteditable) or while a dialog is open or
 * opening (the app's detail, outcome and activity form may read their activity first), so a
 * letter typed into a field stays a letter.
 */
import { useUiStore } from '../state/store.ts';

const TEXT_TARGET = 'input, textarea, select, [contenteditable]:not([contenteditable="false"]), dialog';
/** Where Ctrl+Z belongs to the field (its own text undo), not to the app. */
const TYPING_TARGET = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

/** True when a single-key shortcut must not run for this key event. */
export function shortcutBlocked(e: { target: EventTarget | null }): boolean {
  const t = e.target;
  if (t instanceof Element && t.closest(TEXT_TARGET)) return true;
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && (active.isContentEditable || active.closest(TEXT_TARGET))) return true;
  const ui = useUiStore.getState();
  if (ui.detailLid !== null || ui.outcomeLid !== null || ui.createPrefill !== null || ui.editLid !== null) return true;
  return document.querySelector('dialog[open]') !== null;
}

/** True while the rep types in a field: a key there is the field's (e.g. Ctrl+Z undoes their typing). */
export function typingIn(e: { target: EventTarget | null }): boolean {
  const t = e.target;
  if (t instanceof Element && t.closest(TYPING_TARGET)) return true;
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== document.body && (active.isContentEditable || active.closest(TYPING_TARGET) !== null);
}

/** Ctrl+Z (Cmd+Z on a Mac) without Shift or Alt: the app's Undo of the last change. */
export function isUndoKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): boolean {
  return (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z';
}
