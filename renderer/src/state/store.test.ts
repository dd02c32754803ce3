import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, useUiStore } from './store.ts';

beforeEach(() => {
  useUiStore.setState({ view: 'calendar', viewChosen: false, filters: DEFAULT_FILTERS, detailLid: null, outcomeLid: null, createPrefill: null, editLid: null, toasts: [] });
});

describe('UI store', () => {
  it('goes back to page 1 when a filter changes, keeps the page when paging', () => {
    const s = useUiStore.getState();
    s.setFilters({ page: 3 });
    expect(useUiStore.getState().filters.page).toBe(3);
    s.setFilters({ type: 'call' });
    expect(useUiStore.getState().filters).toMatchObject({ type: 'call', page: 1 });
    s.resetFilters();
    expect(useUiStore.getState().filters).toEqual(DEFAULT_FILTERS);
  });

  it('opens create with a prefill and edit by lid, never both', () => {
    const s = useUiStore.getState();
    s.openCreate({ type: 'demo', subject: 'Demo - Acme' });
    expect(useUiStore.getState()).toMatchObject({ createPrefill: { type: 'demo' }, editLid: null });
    s.openEdit('L1');
    expect(useUiStore.getState()).toMatchObject({ createPrefill: null, editLid: 'L1' });
    s.closeForm();
    expect(useUiStore.getState()).toMatchObject({ createPrefill: null, editLid: null });
  });

  it('keeps at most five toasts', () => {
    for (let i = 0; i < 8; i++) useUiStore.getState().toast(`t${i}`);
    expect(useUiStore.getState().toasts.map((t) => t.message)).toEqual(['t3', 't4', 't5', 't6', 't7']);
  });

  it('a notice about a cause goes when that cause is gone, and a newer one about it replaces the older', () => {
    const s = useUiStore.getState();
    s.toast('Could not load the directory: 401', 'error', undefined, 'signin');
    s.toast('Saved.', 'success');
    s.toast('The CRM did not say who you are.', 'info', undefined, 'signin');
    expect(useUiStore.getState().toasts.map((t) => t.message)).toEqual(['Saved.', 'The CRM did not say who you are.']);
    useUiStore.getState().dismissCause('signin');
    expect(useUiStore.getState().toasts.map((t) => t.message)).toEqual(['Saved.']);
  });

  it('missed reminders open Overdue at launch, but never pull the rep away from a view they chose', () => {
    useUiStore.getState().remindersMissed(3);
    expect(useUiStore.getState()).toMatchObject({ view: 'overdue' });
    expect(useUiStore.getState().toasts.at(-1)).toMatchObject({
      message: '3 reminders came due while Fieldbook was closed.', action: { label: 'Open Overdue', view: 'overdue' },
    });

    useUiStore.setState({ view: 'calendar', viewChosen: false, toasts: [] });
    useUiStore.getState().setView('review');
    useUiStore.getState().remindersMissed(1);
    expect(useUiStore.getState().view).toBe('review');
    expect(useUiStore.getState().toasts.map((t) => t.message)).toEqual(['1 reminder came due while Fieldbook was closed.']);
  });
});
