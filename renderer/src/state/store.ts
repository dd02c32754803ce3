/**
 * UI state only (which view, what is selected, open dialogs, list filters, toasts). Activity data
 * never lives here: it is read from Dexie through the hooks in ../data.
 * One store made of slices; middleware (none yet) would go on the combined store only.
 */
import { create, type StateCreator } from 'zustand';
import type { CreateActivityInput, ListStatusFilter, ActivityType, Priority, ActivityableType, SortField, SortDirection } from '#shared/domain/index';

export const VIEWS = ['calendar', 'overdue', 'activities', 'review', 'billable', 'sync', 'settings'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<View, string> = {
  calendar: 'Calendar', overdue: 'Overdue', activities: 'Activities', review: 'Review', billable: 'Billable', sync: 'Sync', settings: 'Settings',
};

export interface NavSlice {
  view: View;
  /** True once a view was chosen (by the rep or on their behalf); the app no longer picks one for them. */
  viewChosen: boolean;
  setView: (view: View) => void;
  /**
   * Reminders came due while the app was closed: a notice with a way to the Overdue queue. The
   * queue opens by itself only if no view was chosen yet (at launch); it never pulls the rep
   * away from a view they opened.
   */
  remindersMissed: (count: number) => void;
}

export interface SelectionSlice {
  /** The activity shown in the detail panel (a lid), or null. */
  detailLid: string | null;
  /** The activity whose outcome dialog is open. */
  outcomeLid: string | null;
  /** Create form open with this prefill (null = closed). */
  createPrefill: Partial<CreateActivityInput> | null;
  /** The activity being edited in the form, or null. */
  editLid: string | null;
  openActivity: (lid: string) => void;
  closeActivity: () => void;
  openOutcome: (lid: string) => void;
  closeOutcome: () => void;
  openCreate: (prefill?: Partial<CreateActivityInput>) => void;
  openEdit: (lid: string) => void;
  closeForm: () => void;
}

export interface CalendarSlice {
  /** The day the calendar is centred on, as YYYY-MM-DD in the rep's zone. */
  selectedDate: string;
  calendarMode: 'day' | 'week' | 'month';
  setSelectedDate: (date: string) => void;
  setCalendarMode: (mode: CalendarSlice['calendarMode']) => void;
}

export interface ActivityFilters {
  type?: ActivityType | undefined;
  status?: ListStatusFilter | undefined;
  priority?: Priority | undefined;
  assigned_user_id?: string | undefined;
  activityable_type?: ActivityableType | undefined;
  activityable_id?: string | undefined;
  due_date_from?: string | undefined;
  due_date_to?: string | undefined;
  search: string;
  sort_by: SortField;
  sort_direction: SortDirection;
  /** With due date ascending: from today on first, then the earlier ones (ListOptions.upcomingFrom). */
  upcoming?: boolean | undefined;
  page: number;
  per_page: number;
}

/** assigned_user_id meaning the signed-in rep, whoever that turns out to be (resolved by the list). */
export const MY_ACTIVITIES = 'me';

/** The rep's own activities, upcoming first. */
export const DEFAULT_FILTERS: ActivityFilters = {
  search: '', assigned_user_id: MY_ACTIVITIES, sort_by: 'due_at', sort_direction: 'asc', upcoming: true, page: 1, per_page: 25,
};

export interface FiltersSlice {
  filters: ActivityFilters;
  /** Changing any filter but the page goes back to page 1. */
  setFilters: (patch: Partial<ActivityFilters>) => void;
  resetFilters: () => void;
}

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  message: string;
  /** A button on the notice that opens a view; such a notice stays longer. */
  action?: { label: string; view: View } | { label: string; lid: string };
  /** What the notice is about (e.g. 'signin'): it goes when that cause is gone (dismissCause). */
  cause?: string;
  /** Offers Undo of an undo entry (data/undo.ts) until `until` (its window), and maybe one more button. */
  undo?: { entry: number; at: number; until: number; extra?: { label: string; run: () => void }; merged?: boolean };
}

export interface ToastSlice {
  toasts: Toast[];
  toast: (message: string, kind?: Toast['kind'], action?: Toast['action'], cause?: string) => void;
  dismissToast: (id: number) => void;
  /**
   * A notice with Undo for a change just made. The success notice its command's caller gives next
   * takes its place in this one (one notice per change, with Undo), not a second notice.
   */
  offerUndo: (message: string, undo: NonNullable<Toast['undo']>) => void;
  /** Removes every notice about this cause (its problem is solved). */
  dismissCause: (cause: string) => void;
}

export type UiState = NavSlice & SelectionSlice & CalendarSlice & FiltersSlice & ToastSlice;
type Slice<T> = StateCreator<UiState, [], [], T>;

const createNavSlice: Slice<NavSlice> = (set, get) => ({
  view: 'calendar',
  viewChosen: false,
  setView: (view) => set({ view, viewChosen: true }),
  remindersMissed: (count) => {
    const { viewChosen, setView, toast } = get();
    toast(`${count} reminder${count === 1 ? '' : 's'} came due while Fieldbook was closed.`, 'info', { label: 'Open Overdue', view: 'overdue' });
    if (!viewChosen) setView('overdue');
  },
});

const createSelectionSlice: Slice<SelectionSlice> = (set) => ({
  detailLid: null,
  outcomeLid: null,
  createPrefill: null,
  editLid: null,
  openActivity: (lid) => set({ detailLid: lid }),
  closeActivity: () => set({ detailLid: null }),
  openOutcome: (lid) => set({ outcomeLid: lid }),
  closeOutcome: () => set({ outcomeLid: null }),
  openCreate: (prefill = {}) => set({ createPrefill: prefill, editLid: null }),
  openEdit: (lid) => set({ editLid: lid, createPrefill: null }),
  closeForm: () => set({ createPrefill: null, editLid: null }),
});

function todayLocal(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const createCalendarSlice: Slice<CalendarSlice> = (set) => ({
  selectedDate: todayLocal(),
  calendarMode: 'week',
  setSelectedDate: (selectedDate) => set({ selectedDate }),
  setCalendarMode: (calendarMode) => set({ calendarMode }),
});

const createFiltersSlice: Slice<FiltersSlice> = (set) => ({
  filters: DEFAULT_FILTERS,
  setFilters: (patch) =>
    set((s) => ({ filters: { ...s.filters, ...patch, page: patch.page ?? (Object.keys(patch).length ? 1 : s.filters.page) } })),
  resetFilters: () => set({ filters: DEFAULT_FILTERS }),
});

let toastSeq = 0;
const createToastSlice: Slice<ToastSlice> = (set) => ({
  toasts: [],
  toast: (message, kind = 'info', action, cause) =>
    set((s) => {
      const last = s.toasts[s.toasts.length - 1];
      if (kind === 'success' && !action && !cause && last?.undo && !last.undo.merged && Date.now() - last.undo.at < 2_000) {
        return { toasts: [...s.toasts.slice(0, -1), { ...last, message, undo: { ...last.undo, merged: true } }] };
      }
      return { toasts: [...s.toasts.filter((t) => !cause || t.cause !== cause).slice(-4), { id: ++toastSeq, kind, message, ...(action ? { action } : {}), ...(cause ? { cause } : {}) }] };
    }),
  offerUndo: (message, undo) =>
    set((s) => ({ toasts: [...s.toasts.filter((t) => !t.undo).slice(-4), { id: ++toastSeq, kind: 'success', message, undo }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  dismissCause: (cause) => set((s) => ({ toasts: s.toasts.filter((t) => t.cause !== cause) })),
});

export const useUiStore = create<UiState>()((...a) => ({
  ...createNavSlice(...a),
  ...createSelectionSlice(...a),
  ...createCalendarSlice(...a),
  ...createFiltersSlice(...a),
  ...createToastSlice(...a),
}));
