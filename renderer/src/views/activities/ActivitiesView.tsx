/** Every activity on this device: the guide's filters, sorts, paging and search, read live from Dexie. */
import { useEffect, useMemo, useRef } from 'react';
import {
  ACTIVITY_STATUS_LABELS, ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, ACTIVITYABLE_TYPES, LIST_STATUS_FILTERS, MIN_SEARCH_LENGTH,
  PRIORITIES, PRIORITY_LABELS, type ActivityableType, type DirectoryType, type ListStatusFilter,
  type SortField,
} from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { useActivityList } from '../../data/activities.ts';
import { useEntityNames, useUsers } from '../../data/entities.ts';
import { PriorityBadge, StatusBadge, SyncMark, TypeBadge } from '../../components/badges.tsx';
import { DIRECTORY_TYPE_LABELS, EntityPicker } from '../../components/EntityPicker.tsx';
import { formatInstant } from '../../components/format.ts';
import { useUiStore } from '../../state/store.ts';

const STATUS_FILTER_LABELS: Record<ListStatusFilter, string> = { ...ACTIVITY_STATUS_LABELS, overdue: 'Overdue' };
const SORT_LABELS: Record<SortField, string> = { due_at: 'Due date', created_at: 'Created', priority: 'Priority' };

export function ActivitiesView() {
  const { settings, currentUser } = useApp();
  const filters = useUiStore((s) => s.filters);
  const setFilters = useUiStore((s) => s.setFilters);
  const resetFilters = useUiStore((s) => s.resetFilters);
  const openActivity = useUiStore((s) => s.openActivity);
  const openCreate = useUiStore((s) => s.openCreate);
  const { page, error, stale, search: shownSearch } = useActivityList(filters);
  const users = useUsers();
  const items = page?.items;
  const nameKeys = useMemo(
    () => (items ?? []).flatMap((a) => [[a.activityable_type, a.activityable_id] as const, ['user', a.assigned_user_id] as const]) as [DirectoryType, string][],
    [items],
  );
  const names = useEntityNames(nameKeys);
  const searchShort = filters.search.trim().length > 0 && filters.search.trim().length < MIN_SEARCH_LENGTH;
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
            placeholder="Subject or description"
            value={filters.search}
            aria-describedby="act-search-hint"
            onChange={(e) => setFilters({ search: e.target.value })}
          />
          <div id="act-search-hint" className={`field-hint ${searchShort ? 'field-warning' : ''}`}>
            {searchShort ? `Type at least ${MIN_SEARCH_LENGTH} characters to search.` : `Search needs at least ${MIN_SEARCH_LENGTH} characters.`}
          </div>
        </div>
        <Select label="Type" value={filters.type} options={ACTIVITY_TYPES} labels={ACTIVITY_TYPE_LABELS}
          onChange={(v) => setFilters({ type: v })} />
        <Select label="Status" value={filters.status} options={LIST_STATUS_FILTERS} labels={STATUS_FILTER_LABELS}
          onChange={(v) => setFilters({ status: v })} />
        <Select label="Priority" value={filters.priority} options={PRIORITIES} labels={PRIORITY_LABELS}
          onChange={(v) => setFilters({ priority: v })} />
        <div className="field">
          <label htmlFor="act-assignee">Assignee</label>
          <select id="act-assignee" value={filters.assigned_user_id ?? ''} onChange={(e) => setFilters({ assigned_user_id: e.target.value || undefined })}>
            <option value="">Anyone</option>
            {currentUser && <option value={currentUser.id}>Me ({currentUser.name})</option>}
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
        <Select label="Order" value={filters.sort_direction} options={['asc', 'desc'] as const} labels={{ asc: 'Ascending', desc: 'Descending' }} required
          onChange={(v) => setFilters({ sort_direction: (v ?? 'asc') })} />
        <button type="button" className="button" onClick={resetFilters}>Reset filters</button>
      </search>

      {error && <p className="form-error" role="alert">{error}</p>}

      <div className="table-wrap" aria-busy={stale || !page}>
        <table className="list">
          <caption className="sr-only">Activities{meta && !meta.total_pending ? `, ${meta.total} in all` : ''}</caption>
          <colgroup>
            <col />
            <col style={{ width: 115 }} />
            <col style={{ width: 170 }} />
            <col style={{ width: 92 }} />
            <col style={{ width: 172 }} />
            <col style={{ width: 145 }} />
            <col style={{ width: 100 }} />
            <col style={{ width: 90 }} />
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
              <tr key={a.lid} className={a.is_overdue ? 'is-overdue' : ''} data-lid={a.lid}>
                <td className="subject-cell">
                  <button type="button" onClick={() => openActivity(a.lid)}>{a.subject}</button>
                </td>
                <td><TypeBadge type={a.type} /></td>
                <td><StatusBadge status={a.status} overdue={a.is_overdue} /></td>
                <td><PriorityBadge priority={a.priority} /></td>
                <td className="due-cell">{formatInstant(a.due_at, settings.timeZone, 'd MMM yyyy, HH:mm')}</td>
                <td className="clip">{names?.get(`${a.activityable_type}:${a.activityable_id}`) ?? a.activityable?.name ?? a.activityable_id}</td>
                <td className="clip">{a.assigned_user_id === currentUser?.id ? 'Me' : names?.get(`user:${a.assigned_user_id}`) ?? a.assigned_user?.name ?? a.assigned_user_id}</td>
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
