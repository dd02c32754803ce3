/**
 * Every activity on this device: the guide's filters, sorts, paging and search, read live from
 * Dexie. It opens on the rep's own activities, upcoming first; a click anywhere on a row opens it.
 */
import { useEffect, useMemo, useRef } from 'react';
import {
  ACTIVITY_STATUS_LABELS, ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, ACTIVITYABLE_TYPES, LIST_STATUS_FILTERS, MIN_SEARCH_LENGTH,
  PRIORITIES, PRIORITY_LABELS, type ActivityableType, type DirectoryType, type ListStatusFilter,
  type SortField,
} from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { useActivityList, withMe } from '../../data/activities.ts';
import { useEntityNames, useUsers } from '../../data/entities.ts';
import { PriorityBadge, StatusBadge, SyncMark, TypeBadge } from '../../components/badges.tsx';
import { DIRECTORY_TYPE_LABELS, EntityPicker } from '../../components/EntityPicker.tsx';
import { formatInstant } from '../../lib/format.ts';
import { MY_ACTIVITIES, useUiStore } from '../../state/store.ts';

const STATUS_FILTER_LABELS: Record<ListStatusFilter, string> = { ...ACTIVITY_STATUS_LABELS, overdue: 'Overdue' };
/** Other also finds the types this version does not know (a newer CRM's), so none is out of reach of the filter. */
const TYPE_FILTER_LABELS = { ...ACTIVITY_TYPE_LABELS, other: 'Other (and types unknown to this version)' };
const SORT_LABELS: Record<SortField, string> = { due_at: 'Due date', created_at: 'Created', priority: 'Priority' };
type Order = 'upcoming' | 'asc' | 'desc';
const ORDER_LABELS: Record<Order, string> = { upcoming: 'Upcoming first', asc: 'Ascending', desc: 'Descending' };

export function ActivitiesView() {
  const { settings, currentUser } = useApp();
  const filters = useUiStore((s) => s.filters);
  const setFilters = useUiStore((s) => s.setFilters);
  const resetFilters = useUiStore((s) => s.resetFilters);
  const openActivity = useUiStore((s) => s.openActivity);
  const openCreate = useUiStore((s) => s.openCreate);
  const myId = currentUser?.id;
  // "Mine" (the default) is the signed-in rep; everyone's until who that is is known.
  const listFilters = useMemo(() => withMe(filters, myId), [filters, myId]);
  const { page, error, stale, search: shownSearch } = useActivityList(listFilters);
  const users = useUsers();
  const items = page?.items;
  const nameKeys = useMemo(
    () => (items ?? []).flatMap((a) => [[a.activityable_type, a.activityable_id] as const, ['user', a.assigned_user_id] as const]) as [DirectoryType, string][],
    [items],
  );
  const names = useEntityNames(nameKeys);
  // Said only while it applies (one character typed), not as a standing hint.
  const searchShort = filters.search.trim().length > 0 && filters.search.trim().length < MIN_SEARCH_LENGTH;
  const order: Order = filters.sort_by === 'due_at' && filters.upcoming && filters.sort_direction === 'asc' ? 'upcoming' : filters.sort_direction;
  const meta = page?.meta;
  const searchRef = useRef<HTMLInputElement>(null);
  // "/" jumps to search, as in most list tools.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && e.target.closest('input, textarea, select, dialog');
      if (e.key === '/' && !typing && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="view" aria-labelledby="activities-title">
      <header className="view-header">
        <h1 id="activities-title">Activities</h1>
        <div className="actions">
          <button type="button" className="button primary" onClick={() => openCreate()}>New activity</button>
        </div>
      </header>

      <search className="filters" aria-label="Filter activities">
        <div className="field search">
          <label htmlFor="act-search">Search</label>
          <input
            id="act-search"
            ref={searchRef}
            aria-keyshortcuts="/"
            type="search"
            placeholder="Subject, description or outcome"
            value={filters.search}
            aria-describedby={searchShort ? 'act-search-hint' : undefined}
            onChange={(e) => setFilters({ search: e.target.value })}
          />
          {searchShort && <div id="act-search-hint" className="field-hint field-warning">Type at least {MIN_SEARCH_LENGTH} characters to search.</div>}
        </div>
        <Select label="Type" value={filters.type} options={ACTIVITY_TYPES} labels={TYPE_FILTER_LABELS}
          onChange={(v) => setFilters({ type: v })} />
        <Select label="Status" value={filters.status} options={LIST_STATUS_FILTERS} labels={STATUS_FILTER_LABELS}
          onChange={(v) => setFilters({ status: v })} />
        <Select label="Priority" value={filters.priority} options={PRIORITIES} labels={PRIORITY_LABELS}
          onChange={(v) => setFilters({ priority: v })} />
        <div className="field">
          <label htmlFor="act-assignee">Assignee</label>
          <select
            id="act-assignee"
            value={filters.assigned_user_id === MY_ACTIVITIES ? myId ?? MY_ACTIVITIES : filters.assigned_user_id ?? ''}
            onChange={(e) => setFilters({ assigned_user_id: e.target.value || undefined })}
          >
            <option value="">Anyone</option>
            <option value={myId ?? MY_ACTIVITIES}>{currentUser ? `Me (${currentUser.name})` : 'Me'}</option>
            {(users ?? []).filter((u) => u.id !== currentUser?.id).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="act-from">Due from</label>
          <input id="act-from" type="date" value={filters.due_date_from ?? ''} onChange={(e) => setFilters({ due_date_from: e.target.value || undefined })} />
        </div>
        <div className="field">
          <label htmlFor="act-to">Due to</label>
          <input id="act-to" type="date" value={filters.due_date_to ?? ''} onChange={(e) => setFilters({ due_date_to: e.target.value || undefined })} />
        </div>
        {/* The guide's activityable_type filters on its own; a record of that type narrows it further. */}
        <Select label="Related to" value={filters.activityable_type} options={ACTIVITYABLE_TYPES} labels={DIRECTORY_TYPE_LABELS}
          onChange={(v) => setFilters({ activityable_type: v, activityable_id: undefined })} />
        {filters.activityable_type && (
          <div className="field entity-filter">
            <EntityPicker<ActivityableType>
              key={filters.activityable_type}
              label="Related record"
              types={[filters.activityable_type]}
              clearable
              value={filters.activityable_id ? { type: filters.activityable_type, id: filters.activityable_id } : null}
              onChange={(v) => setFilters({ activityable_id: v?.id })}
            />
          </div>
        )}
        <Select label="Sort by" value={filters.sort_by} options={['due_at', 'created_at', 'priority'] as const} labels={SORT_LABELS} required
          onChange={(v) => setFilters({ sort_by: (v ?? 'due_at') })} />
        <Select<Order> label="Order" value={order} options={filters.sort_by === 'due_at' ? ['upcoming', 'asc', 'desc'] : ['asc', 'desc']} labels={ORDER_LABELS} required
          onChange={(v) => setFilters(v === 'upcoming' ? { sort_direction: 'asc', upcoming: true } : { sort_direction: v ?? 'asc', upcoming: false })} />
        <button type="button" className="button" onClick={resetFilters}>Reset filters</button>
      </search>

      {error && <p className="form-error" role="alert">{error}</p>}

      <div className="table-wrap" aria-busy={stale || !page}>
        <table className="list activities-list">
          <caption className="sr-only">Activities{meta && !meta.total_pending ? `, ${meta.total} in all` : ''}</caption>
          <colgroup>
            <col />
            <col style={{ width: 110 }} />
            <col style={{ width: 150 }} />
            <col style={{ width: 92 }} />
            <col style={{ width: 160 }} />
            <col style={{ width: 145 }} />
            <col style={{ width: 100 }} />
            <col style={{ width: 122 }} />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Due</th>
              <th scope="col">Related</th>
              <th scope="col">Assignee</th>
              <th scope="col"><span className="sr-only">Sync</span></th>
            </tr>
          </thead>
          {/* data-search: the search this list answers, so tests and the bench can tell a stale list. */}
          <tbody data-search={shownSearch}>
            {(items ?? []).map((a) => (
              // The whole row opens the activity: a click anywhere on it; from the keyboard, Enter on its
              // subject (the row's one tab stop; its click reaches the row).
              <tr key={a.lid} className={`opens${a.is_overdue ? ' is-overdue' : ''}`} data-lid={a.lid} onClick={() => openActivity(a.lid)}>
                <td className="subject-cell">
                  <button type="button">{a.subject}</button>
                </td>
                <td><TypeBadge type={a.type} /></td>
                <td><StatusBadge status={a.status} overdue={a.is_overdue} /></td>
                <td><PriorityBadge priority={a.priority} /></td>
                <td className="due-cell">{formatInstant(a.due_at, settings.timeZone, 'shortDateTime')}</td>
                {/* Names only: a record the directory doesn't know is said so, never shown as its id. */}
                <td className="clip">{names?.get(`${a.activityable_type}:${a.activityable_id}`) ?? a.activityable?.name ?? (names ? <span className="muted">{unknownEntity(a.activityable_type)}</span> : '')}</td>
                <td className="clip">{a.assigned_user_id === currentUser?.id ? 'Me' : names?.get(`user:${a.assigned_user_id}`) ?? a.assigned_user?.name ?? (names ? <span className="muted">Unknown user</span> : '')}</td>
                <td><SyncMark sync={a.sync} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && page.items.length === 0 && <p className="empty">No activities match these filters.</p>}
      </div>

      {meta && (
        <nav className="pager" aria-label="Pages">
          <span className="muted small">
            {meta.total === 0 ? 'No activities'
              : `${(meta.current_page - 1) * meta.per_page + 1}–${Math.min(meta.current_page * meta.per_page, meta.total)} of ${meta.total_pending ? 'many (counting…)' : meta.total}`}
          </span>
          <div className="actions row-tight">
            <label className="sr-only" htmlFor="act-per-page">Rows per page</label>
            <select id="act-per-page" className="compact" value={filters.per_page} onChange={(e) => setFilters({ per_page: Number(e.target.value) })}>
              {[25, 50, 100].map((n) => <option key={n} value={n}>{n} per page</option>)}
            </select>
            <button type="button" className="button small" disabled={meta.current_page <= 1} onClick={() => setFilters({ page: meta.current_page - 1 })}>Previous</button>
            <span className="small">Page {meta.current_page}{meta.total_pending ? '' : ` of ${meta.last_page}`}</span>
            <button type="button" className="button small" disabled={meta.current_page >= meta.last_page} onClick={() => setFilters({ page: meta.current_page + 1 })}>Next</button>
          </div>
        </nav>
      )}
    </section>
  );
}

function unknownEntity(type: string): string {
  const label = (DIRECTORY_TYPE_LABELS as Record<string, string | undefined>)[type];
  return label ? `Unknown ${label.toLowerCase()}` : 'Unknown record';
}

interface SelectProps<V extends string> {
  label: string;
  value: V | undefined;
  options: readonly V[];
  labels: Record<V, string>;
  onChange: (v: V | undefined) => void;
  required?: boolean;
}

function Select<V extends string>({ label, value, options, labels, onChange, required }: SelectProps<V>) {
  const id = `act-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange((e.target.value || undefined) as V | undefined)}>
        {!required && <option value="">Any</option>}
        {options.map((o) => <option key={o} value={o}>{labels[o]}</option>)}
      </select>
    </div>
  );
}
