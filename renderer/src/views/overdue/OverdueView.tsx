/**
 * The overdue queue: every overdue activity, grouped by how late, sortable by priority and by
 * the related opportunity's value, virtualized (10 000 rows stay smooth), and worked from the
 * keyboard (j/k, space/x, c, r, d) as an ARIA listbox with multi-select.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { canPerform } from '#shared/domain/index';
import { entitiesByRef, entityKey, overdueQueue, type LocalActivity } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';
import { useUiStore } from '../../state/store.ts';
import { PriorityBadge, StatusBadge, SyncMark, TypeBadge } from '../../components/badges.tsx';
import { displayLocale, formatWhen } from '../../lib/format.ts';
import { currencyOf } from '../billable/money.ts';
import { shortcutBlocked } from '../../components/shortcuts.ts';
import { useNow } from '../../lib/hooks.ts';
import {
  LATENESS_LABELS, QUEUE_SORT_LABELS, TRIAGE_KEYS, classify, filterItems, groupAndSort, triageCommand, whyNotAllowed,
  queueInHand, type QueueItem, type QueueRow, type QueueSort, type TriageAction,
} from './overdue-model.ts';
import { BulkCompleteDialog, CancelDialog, RescheduleDialog, type Target } from './TriageDialogs.tsx';
import './overdue.css';

type Item = QueueItem<LocalActivity>;
type OpenDialog = { kind: 'reschedule' | 'cancel' | 'complete'; targets: Target[] } | null;


/**
 * Rows the queue draws before the whole queue is read: more than a screenful (the listbox shows
 * about a dozen). The oldest ones, in the order "Most overdue first" shows them.
 */
export const FIRST_SCREEN_ROWS = 60;

/**
 * Open activities due before now, live from the [open+due_ms] index; plus directory names and values.
 * Two reads, one after the other: the oldest FIRST_SCREEN_ROWS (one bounded index read, on screen
 * at once), then the whole queue (thousands of rows at 100 000 activities: hundreds of ms on
 * disk), which replaces them when it comes. `partial` says only the first screen is in hand.
 */
function useOverdue(now: number, userId: string | null) {
  const { db } = useApp();
  const mine = userId ? { assigned_user_id: userId } : {};
  const first = useLiveQuery(() => overdueQueue(db, now, { ...mine, limit: FIRST_SCREEN_ROWS }), [db, now, userId]);
  // Started once the first screen is in: read together, the long read held the short one back
  // (IndexedDB served them side by side, and the first screen came with the whole queue).
  const firstIn = first !== undefined;
  const all = useLiveQuery(() => (firstIn ? overdueQueue(db, now, mine) : undefined), [db, now, userId, firstIn]);
  const { rows, partial } = queueInHand(first, all, FIRST_SCREEN_ROWS);
  // Only the records the queue's rows name, by key (not the whole directory on every change).
  const directory = useLiveQuery(async () => {
    const entities = await entitiesByRef(db, (rows ?? []).map((a) => [a.activityable_type, a.activityable_id] as const));
    const values = new Map<string, number | null>();
    const names = new Map<string, string>();
    for (const e of entities.values()) {
      if (e.type === 'opportunity') values.set(e.id, e.value ?? null);
      names.set(entityKey(e.type, e.id), e.name);
    }
    return { values, names };
  }, [db, rows]);
  return { rows, partial, directory };
}

export function OverdueView() {
  const { settings, currentUser } = useApp();
  const zone = settings.timeZone;
  const now = useNow();
  // The rep's own queue by default (the guide: GET /activities/overdue?assigned_user_id=me).
  const [onlyMine, setOnlyMine] = useState(true);
  const { rows: inHand, partial, directory } = useOverdue(now, onlyMine ? (currentUser?.id ?? null) : null);
  const [sort, setSort] = useState<QueueSort>('due');
  const [filter, setFilter] = useState('');
  // The first screen is the oldest rows, i.e. the top of "Most overdue first" unfiltered; any other
  // order or a filter needs the whole queue.
  const rows = partial && (sort !== 'due' || filter.trim() !== '') ? undefined : inHand;
  const openActivity = useUiStore((s) => s.openActivity);
  const openOutcome = useUiStore((s) => s.openOutcome);
  const toast = useUiStore((s) => s.toast);
  const [cursor, setCursor] = useState(0);
  const [anchor, setAnchor] = useState<number | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const classified = useMemo(
    () => classify(rows ?? [], { nowMs: now, zone, values: directory?.values ?? new Map() }),
    [rows, now, zone, directory],
  );
  const nameOf = useCallback(
    (a: LocalActivity) => a.activityable?.name ?? directory?.names.get(`${a.activityable_type}:${a.activityable_id}`) ?? null,
    [directory],
  );
  const shown = useMemo(() => filterItems(classified, filter, nameOf), [classified, filter, nameOf]);
  const queue = useMemo(() => groupAndSort(shown, sort), [shown, sort]);
  const { items } = queue;
  const rowOfItem = useMemo(() => {
    const m: number[] = [];
    queue.rows.forEach((r, i) => { if (r.kind === 'item') m[r.index] = i; });
    return m;
  }, [queue.rows]);

  // Keep the cursor on a real row as the list shrinks.
  const active = items[Math.min(cursor, Math.max(0, items.length - 1))];
  useEffect(() => {
    if (cursor > 0 && cursor >= items.length) setCursor(Math.max(0, items.length - 1));
  }, [items, cursor]);
  // Drop selections that left the queue (done elsewhere, synced away); a filter keeps them selected.
  useEffect(() => {
    setSelected((s) => {
      if (s.size === 0) return s;
      const present = new Set(classified.map((i) => i.a.lid));
      const next = new Set([...s].filter((l) => present.has(l)));
      return next.size === s.size ? s : next;
    });
  }, [classified]);

  const virtualizer = useVirtualizer({
    count: queue.rows.length,
    getScrollElement: () => listRef.current,
    estimateSize: (i) => (queue.rows[i]?.kind === 'header' ? 34 : 56),
    overscan: 12,
  });

  const moveTo = useCallback((index: number, extend: boolean) => {
    const next = Math.max(0, Math.min(items.length - 1, index));
    setCursor(next);
    const row = rowOfItem[next];
    // Going up to the first row of a group brings its heading into view too (Home shows the top);
    // going down, the row is aligned at the bottom and its heading is above it anyway.
    if (row !== undefined) virtualizer.scrollToIndex(next < cursor && queue.rows[row - 1]?.kind === 'header' ? row - 1 : row, { align: 'auto' });
    if (extend) {
      const from = anchor ?? cursor;
      setAnchor(from);
      const [lo, hi] = from < next ? [from, next] : [next, from];
      setSelected((s) => {
        const out = new Set(s);
        for (let i = lo; i <= hi; i += 1) { const l = items[i]?.a.lid; if (l) out.add(l); }
        return out;
      });
    } else {
      setAnchor(null);
    }
  }, [items, rowOfItem, virtualizer, anchor, cursor]);

  const toggle = (lid: string) => setSelected((s) => {
    const out = new Set(s);
    if (out.has(lid)) out.delete(lid); else out.add(lid);
    return out;
  });

  /** What an action applies to: the selection (filtered out or not), or the active row when nothing is selected. */
  const targets = (): Item[] => {
    if (selected.size > 0) return classified.filter((i) => selected.has(i.a.lid));
    return active ? [active] : [];
  };

  /**
   * What the action table allows for the current targets. An action none of them allows is
   * disabled, with the reason and the way forward beside it (before the rep tries, not after).
   */
  const current = targets();
  const allowed = (kind: TriageAction) => {
    const ok = current.filter((i) => canPerform(i.a.status, kind));
    const first = current.find((i) => !canPerform(i.a.status, kind));
    return { ok, refused: current.length - ok.length, why: first ? whyNotAllowed(kind, first.a.status) : null };
  };
  const perAction = { complete: allowed('complete'), reschedule: allowed('reschedule'), cancel: allowed('cancel') };
  const blockedWhy = (['complete', 'reschedule', 'cancel'] as const)
    .filter((k) => current.length > 0 && perAction[k].ok.length === 0).map((k) => perAction[k].why);

  /** Only what the action table allows goes to a dialog; a selection's refused ones are named, not silently dropped. */
  const act = (kind: TriageAction) => {
    const { ok, refused, why } = perAction[kind];
    // Not allowed at all: the disabled button already says why; the key does nothing.
    if (ok.length === 0) return;
    if (refused > 0 && why) toast(`${refused} of ${current.length} left out. ${why}`, 'info');
    const t: Target[] = ok.map((i) => ({ lid: i.a.lid, subject: i.a.subject, minutes: i.a.duration_minutes }));
    if (t.length === 0) return;
    if (kind === 'complete' && t.length === 1 && t[0]) openOutcome(t[0].lid);
    else setDialog({ kind, targets: t });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const cmd = triageCommand(e);
    if (!cmd || items.length === 0) return;
    // Never while typing or while a dialog is open or opening (the outcome dialog reads its
    // activity first: keys typed meanwhile must not land here as shortcuts).
    if (shortcutBlocked(e) || dialog) return;
    e.preventDefault();
    switch (cmd.kind) {
      case 'move': moveTo(cursor + cmd.delta, cmd.extend); break;
      case 'home': moveTo(0, false); break;
      // The last row and every row are known once the whole queue is read (a moment after the first screen).
      case 'end': if (!partial) moveTo(items.length - 1, false); break;
      case 'toggle': if (active) toggle(active.a.lid); break;
      case 'all': if (!partial) setSelected((s) => (items.every((i) => s.has(i.a.lid)) ? new Set() : new Set([...s, ...items.map((i) => i.a.lid)]))); break;
      case 'open': if (active) openActivity(active.a.lid); break;
      default: act(cmd.kind);
    }
  };

  const onRowClick = (e: MouseEvent, item: Item, index: number) => {
    listRef.current?.focus();
    if (e.shiftKey) moveTo(index, true);
    else {
      setCursor(index);
      setAnchor(null);
      if (e.ctrlKey || e.metaKey) toggle(item.a.lid);
    }
  };

  const closeDialog = (done: boolean) => {
    if (done && dialog) setSelected((s) => {
      const out = new Set(s);
      for (const t of dialog.targets) out.delete(t.lid);
      return out;
    });
    setDialog(null);
    // Back to the list so triage continues from the keyboard.
    requestAnimationFrame(() => listRef.current?.focus());
  };

  const name = (i: Item) => nameOf(i.a);
  const lateText = (d: number) => (d === 0 ? 'Due earlier today' : d === 1 ? '1 day late' : `${d} days late`);

  const selCount = selected.size;
  const activeRowId = active ? `ov-${active.a.lid}` : undefined;

  return (
    <section aria-labelledby="overdue-title" className="view fb-overdue-view">
      <header className="view-header">
        <div>
          <h1 id="overdue-title">Overdue</h1>
          <p className="muted small" aria-live="polite">
            {rows === undefined ? 'Loading…' : partial ? 'Counting overdue activities…' : classified.length === 0 ? 'Nothing overdue. Well done.'
              : `${classified.length.toLocaleString(displayLocale())} overdue ${classified.length === 1 ? 'activity' : 'activities'}${filter.trim() ? `, ${items.length.toLocaleString(displayLocale())} shown` : ''}`}
          </p>
        </div>
        <div className="actions">
          <input
            type="search"
            className="fb-filter"
            aria-label="Filter overdue activities"
            placeholder="Filter by subject or customer"
            value={filter}
            onChange={(e) => { setFilter(e.target.value); setCursor(0); }}
            onKeyDown={(e) => {
              // Down arrow from the filter goes to the list, so triage continues from the keyboard.
              if (e.key === 'ArrowDown' || e.key === 'Enter') { e.preventDefault(); listRef.current?.focus(); }
            }}
          />
          {currentUser && (
            <label className="check fb-inline-field">
              <input type="checkbox" checked={onlyMine} onChange={(e) => { setOnlyMine(e.target.checked); setCursor(0); }} />
              Only mine
            </label>
          )}
          <label className="fb-inline-field">
            <span>Sort by</span>
            <select value={sort} onChange={(e) => setSort(e.target.value as QueueSort)}>
              {(Object.keys(QUEUE_SORT_LABELS) as QueueSort[]).map((s) => <option key={s} value={s}>{QUEUE_SORT_LABELS[s]}</option>)}
            </select>
          </label>
        </div>
      </header>

      <div className="fb-bulkbar" role="toolbar" aria-label={selCount ? `Actions for ${selCount} selected` : 'Actions for the current activity'}>
        <span className="fb-bulk-count" aria-live="polite">{selCount ? `${selCount} selected` : active ? 'Current row' : ''}</span>
        <button type="button" className="button small" disabled={!active || perAction.complete.ok.length === 0} onClick={() => act('complete')}
          aria-describedby={active && perAction.complete.ok.length === 0 ? 'overdue-why' : undefined}>
          Complete{selCount > 1 ? ` ${selCount}` : ''} <kbd>c</kbd>
        </button>
        <button type="button" className="button small" disabled={!active || perAction.reschedule.ok.length === 0} onClick={() => act('reschedule')}
          aria-describedby={active && perAction.reschedule.ok.length === 0 ? 'overdue-why' : undefined}>
          Reschedule{selCount > 1 ? ` ${selCount}` : ''} <kbd>r</kbd>
        </button>
        <button type="button" className="button small" disabled={!active || perAction.cancel.ok.length === 0} onClick={() => act('cancel')}
          aria-describedby={active && perAction.cancel.ok.length === 0 ? 'overdue-why' : undefined}>
          Cancel{selCount > 1 ? ` ${selCount}` : ''} <kbd>d</kbd>
        </button>
        <button type="button" className="button small" disabled={!active} onClick={() => active && openActivity(active.a.lid)}>
          Open <kbd>Enter</kbd>
        </button>
        {selCount > 0 && <button type="button" className="button small link" onClick={() => setSelected(new Set())}>Clear selection</button>}
        {blockedWhy.length > 0 && <p id="overdue-why" className="fb-why small" role="status">{blockedWhy.join(' ')}</p>}
      </div>

      <div
        ref={listRef}
        className="fb-queue"
        role="listbox"
        aria-multiselectable="true"
        aria-label="Overdue activities"
        aria-activedescendant={activeRowId}
        aria-describedby="overdue-keys"
        aria-busy={rows === undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        {items.length === 0 && rows !== undefined ? (
          <div className="empty" role="none">{classified.length ? 'No overdue activity matches the filter.' : 'No overdue activities.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="none">
            {virtualizer.getVirtualItems().map((v) => {
              const row = queue.rows[v.index] as QueueRow<LocalActivity>;
              const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)`, height: v.size };
              if (row.kind === 'header') {
                return (
                  <div key={`h-${row.group}`} className="fb-group" style={style} role="none" aria-hidden="true">
                    {LATENESS_LABELS[row.group]} {!partial && <span className="fb-group-count">{row.count.toLocaleString(displayLocale())}</span>}
                  </div>
                );
              }
              const { item } = row;
              const isSel = selected.has(item.a.lid);
              const isActive = row.index === cursor;
              const entity = name(item);
              return (
                // The option's name is its text (visible parts in reading order plus a few hidden
                // separators), so what a screen reader says matches what is seen.
                <div
                  key={item.a.lid}
                  id={`ov-${item.a.lid}`}
                  role="option"
                  aria-selected={isSel}
                  className={`fb-row${isActive ? ' is-active' : ''}${isSel ? ' is-selected' : ''}`}
                  style={style}
                  onClick={(e) => onRowClick(e, item, row.index)}
                  onDoubleClick={() => openActivity(item.a.lid)}
                >
                  <span
                    className={`fb-check${isSel ? ' on' : ''}`}
                    aria-hidden="true"
                    onClick={(e) => { e.stopPropagation(); setCursor(row.index); toggle(item.a.lid); listRef.current?.focus(); }}
                  >{isSel ? '✓' : ''}</span>
                  <div className="fb-row-main">
                    <div className="fb-row-title">
                      <span className="fb-subject">{item.a.subject}</span>
                      <span className="sr-only">, </span>
                      <span className="fb-first"><TypeBadge type={item.a.type} /></span>
                      {item.a.status !== 'pending' && <><span className="sr-only">, </span><StatusBadge status={item.a.status} /></>}
                      {item.a.sync !== 'synced' && <span className="sr-only">, </span>}
                      <SyncMark sync={item.a.sync} />
                    </div>
                    <div className="fb-row-sub muted small">
                      {entity && <span><span className="sr-only">, </span>{entity}</span>}
                      {item.value !== null && <span className="fb-value"><span className="sr-only">, value </span>{formatValue(item.value, currencyOf(settings))}</span>}
                    </div>
                  </div>
                  <span><span className="sr-only">, </span><PriorityBadge priority={item.a.priority} /><span className="sr-only"> priority</span></span>
                  <div className="fb-row-due">
                    <span className="fb-late"><span className="sr-only">, </span><span aria-hidden="true">⚠ </span>{lateText(item.daysLate)}</span>
                    <span className="muted small"><span className="sr-only">, due </span>{item.a.due_at ? formatWhen(item.a.due_at, zone, 'dayTime') : ''}</span>
                  </div>
                </div>
              );
            })}
          </div>
        )}
      </div>

      <div id="overdue-keys" className="fb-keys" aria-label="Keyboard shortcuts">
        {TRIAGE_KEYS.map((k) => (
          <span key={k.label}>{k.keys.map((key) => <kbd key={key}>{key}</kbd>)} {k.label}</span>
        ))}
      </div>

      {dialog?.kind === 'reschedule' && <RescheduleDialog targets={dialog.targets} onClose={closeDialog} />}
      {dialog?.kind === 'cancel' && <CancelDialog targets={dialog.targets} onClose={closeDialog} />}
      {dialog?.kind === 'complete' && <BulkCompleteDialog targets={dialog.targets} onClose={closeDialog} />}
    </section>
  );
}

/** An opportunity's value in the rep's currency and locale, whole units (Settings → Billing). */
function formatValue(value: number, currency: string): string {
  return new Intl.NumberFormat(displayLocale(), { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
}
