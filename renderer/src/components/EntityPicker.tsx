/**
 * Pick a record from the offline directory: its type, then a name search (ARIA combobox with a
 * listbox; arrows move, Enter picks, Escape closes).
 */
import { useEffect, useId, useState } from 'react';
import type { DirectoryType } from '#shared/domain/index';
import { useEntity, useEntitySearch } from '../data/entities.ts';

export const DIRECTORY_TYPE_LABELS: Record<DirectoryType, string> = {
  lead: 'Lead', customer: 'Customer', opportunity: 'Opportunity', contact: 'Contact', user: 'User',
};

export interface EntityValue<T extends DirectoryType = DirectoryType> {
  type: T;
  id: string;
}

export interface EntityPickerProps<T extends DirectoryType> {
  /** Accessible name of the whole picker, e.g. "Related record". */
  label: string;
  types: readonly T[];
  value: EntityValue<T> | null;
  onChange: (value: EntityValue<T> | null) => void;
  errors?: string[] | undefined;
  /** Type shown when nothing is picked yet. */
  defaultType?: T;
  /** Allow clearing (filters); forms that require a value hide it. */
  clearable?: boolean;
  hint?: string;
}

export function EntityPicker<T extends DirectoryType>({
  label, types, value, onChange, errors, defaultType, clearable, hint,
}: EntityPickerProps<T>) {
  const id = useId();
  const [type, setType] = useState<T>(value?.type ?? defaultType ?? (types[0] as T));
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // The name just picked, shown until the live lookup of the value answers (no flash of the id).
  const [picked, setPicked] = useState<{ id: string; name: string } | null>(null);
  const selected = useEntity(value?.type, value?.id);
  const results = useEntitySearch(type, open ? text : '', 12);

  useEffect(() => {
    if (value) setType(value.type);
  }, [value]);
  useEffect(() => setActive(0), [text, type]);

  const items = results ?? [];
  const listId = `${id}-list`;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const pickedName = picked && value && picked.id === value.id ? picked.name : undefined;
  // Names only: a record the directory doesn't know (yet) is said so, never shown as its raw id.
  const shown = open ? text : selected?.name ?? pickedName ?? (value && selected === undefined ? '' : value ? `${DIRECTORY_TYPE_LABELS[value.type]} not in the offline directory` : '');

  function pick(i: number) {
    const e = items[i];
    if (!e) return;
    setPicked({ id: e.id, name: e.name });
    onChange({ type, id: e.id });
    setText('');
    setOpen(false);
  }

  return (
    <fieldset className={`field picker ${errors?.length ? 'has-error' : ''}`} aria-describedby={errors?.length ? errId : undefined}>
      <legend className="picker-legend">{label}</legend>
      <div className="picker-row">
        {types.length > 1 && <select
          aria-label={`${label}: type`}
          value={type}
          onChange={(e) => {
            setType(e.target.value as T);
            if (value) onChange(null);
          }}
        >
          {types.map((t) => <option key={t} value={t}>{DIRECTORY_TYPE_LABELS[t]}</option>)}
        </select>}
        <div className="picker-combo">
          <input
            role="combobox"
            aria-label={`${label}: name`}
            aria-expanded={open}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-invalid={errors?.length ? true : undefined}
            aria-describedby={hint ? hintId : undefined}
            aria-activedescendant={open && items[active] ? `${id}-opt-${active}` : undefined}
            placeholder={`Search ${DIRECTORY_TYPE_LABELS[type].toLowerCase()} names`}
            value={shown}
            onFocus={() => { setOpen(true); setText(''); }}
            onBlur={() => setOpen(false)}
            onChange={(e) => { setText(e.target.value); setOpen(true); }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((a) => Math.min(a + 1, items.length - 1)); }
              else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
              else if (e.key === 'Enter' && open) { e.preventDefault(); pick(active); }
              else if (e.key === 'Escape' && open) { e.preventDefault(); e.stopPropagation(); setOpen(false); }
            }}
          />
          {open && (
            <ul id={listId} role="listbox" aria-label={`${label} results`} className="picker-list">
              {items.length === 0 && <li role="option" aria-selected="false" aria-disabled="true" className="muted">No match in the offline directory</li>}
              {items.map((e, i) => (
                <li
                  key={e.id}
                  id={`${id}-opt-${i}`}
                  role="option"
                  aria-selected={i === active}
                  onMouseDown={(ev) => { ev.preventDefault(); pick(i); }}
                >
                  <span>{e.name}</span>
                  {(e.email ?? e.stage ?? e.pending === 1) && (
                    <span className="muted small">{[e.email ?? e.stage, e.pending === 1 ? 'not yet synced' : null].filter(Boolean).join(' · ')}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        {clearable && value && (
          <button type="button" className="icon-button" aria-label={`Clear ${label}`} onClick={() => onChange(null)}>
            <span aria-hidden="true">×</span>
          </button>
        )}
      </div>
      {hint && <div id={hintId} className="field-hint">{hint}</div>}
      {errors?.length ? <ul id={errId} className="field-errors">{errors.map((e) => <li key={e}>{e}</li>)}</ul> : null}
    </fieldset>
  );
}
