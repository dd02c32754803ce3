/** Edit a refused op's payload field by field, validated with the domain schema of its kind, then retry. */
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import {
  cancelActivitySchema, completeActivitySchema, createActivitySchema, rescheduleActivitySchema, updateActivitySchema,
  validate, type FieldErrors,
} from '#shared/domain/index';
import type { OutboxOp } from '#shared/sync/index';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/Field.tsx';
import { toShownError } from '../../lib/errors.ts';

const SCHEMAS: Record<Exclude<OutboxOp['kind'], 'delete'>, z.ZodType> = {
  create: createActivitySchema,
  update: updateActivitySchema,
  complete: completeActivitySchema,
  cancel: cancelActivitySchema,
  reschedule: rescheduleActivitySchema,
};

type Kind = 'string' | 'number' | 'boolean' | 'json' | 'null';
function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'json';
}
function toText(v: unknown): string {
  const k = kindOf(v);
  return k === 'string' ? (v as string) : k === 'null' ? '' : JSON.stringify(v);
}

export function EditRetryDialog({ op, onClose, onSubmit }: {
  op: OutboxOp; onClose: () => void; onSubmit: (payload: Record<string, unknown>) => Promise<void>;
}) {
  const entries = Object.entries(op.payload);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'boolean' ? v : toText(v)])));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  function parse(): { payload: Record<string, unknown>; errs: FieldErrors } {
    const payload: Record<string, unknown> = {};
    const errs: FieldErrors = {};
    for (const [k, orig] of entries) {
      const raw = values[k];
      const kind = kindOf(orig);
      if (typeof raw === 'boolean') { payload[k] = raw; continue; }
      if (raw === undefined) continue;
      if (kind === 'string' || (kind === 'null' && !/^[[{]/.test(raw.trim()))) payload[k] = raw === '' && kind === 'null' ? null : raw;
      else if (kind === 'number') {
        const n = Number(raw);
        if (raw.trim() === '') payload[k] = null;
        else if (Number.isFinite(n)) payload[k] = n;
        else errs[k] = ['Enter a number.'];
      } else {
        try { payload[k] = raw.trim() === '' ? null : JSON.parse(raw) as unknown; } catch { errs[k] = ['Enter valid JSON, e.g. ["a","b"].']; }
      }
    }
    return { payload, errs };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { payload, errs } = parse();
    if (Object.keys(errs).length) { setErrors(errs); return; }
    if (op.kind !== 'delete') {
      const r = validate(SCHEMAS[op.kind], payload);
      if (!r.ok) { setErrors(r.errors); return; }
    }
    try {
      await onSubmit(payload);
    } catch (x) {
      const s = toShownError(x);
      setErrors(s.fields);
      setFormError(s.message);
    }
  }

  const unknownErrors = Object.entries(errors).filter(([k]) => !entries.some(([e]) => e === k || k.startsWith(`${e}.`))).flatMap(([, v]) => v);
  return (
    <Dialog title="Edit & retry" onClose={onClose} description={op.last_error ?? undefined}>
      <form className="form" onSubmit={(e) => { void submit(e); }} noValidate>
        {entries.length === 0 && <p className="muted">This change carries no fields.</p>}
        {entries.map(([k, orig]) => {
          const v = values[k];
          const fieldErrs = Object.entries(errors).filter(([ek]) => ek === k || ek.startsWith(`${k}.`)).flatMap(([, m]) => m);
          if (typeof v === 'boolean') {
            return (
              <label key={k} className="check">
                <input type="checkbox" checked={v} onChange={(e) => setValues((s) => ({ ...s, [k]: e.target.checked }))} />
                {k.replace(/_/g, ' ')}
              </label>
            );
          }
          const long = typeof orig === 'string' && orig.length > 80;
          return (
            <Field key={k} label={k.replace(/_/g, ' ')} errors={fieldErrs.length ? fieldErrs : undefined}
              hint={kindOf(orig) === 'json' ? 'JSON' : undefined}>
              {long
                ? <textarea value={v ?? ''} onChange={(e) => setValues((s) => ({ ...s, [k]: e.target.value }))} />
                : <input type="text" value={v ?? ''} onChange={(e) => setValues((s) => ({ ...s, [k]: e.target.value }))} />}
            </Field>
          );
        })}
        {(formError || unknownErrors.length > 0) && <p className="form-error" role="alert">{[formError, ...unknownErrors].filter(Boolean).join(' ')}</p>}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>Back</button>
          <button type="submit" className="button primary">Save &amp; retry</button>
        </div>
      </form>
    </Dialog>
  );
}
