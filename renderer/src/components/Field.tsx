/** A labelled form field with its hint and per-field errors wired to aria-describedby. */
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

interface ControlProps {
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

export interface FieldProps {
  label: string;
  /** One input, select or textarea. */
  children: ReactElement<ControlProps>;
  errors?: string[] | undefined;
  hint?: ReactNode;
  /** A softer note (e.g. vague subject) shown below, not an error. */
  warning?: string | null | undefined;
  className?: string;
}

export function Field({ label, children, errors, hint, warning, className }: FieldProps) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const warnId = `${id}-warn`;
  const describedBy = [errors?.length ? errId : null, hint ? hintId : null, warning ? warnId : null].filter(Boolean).join(' ');
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        'aria-invalid': errors?.length ? true : undefined,
        'aria-describedby': describedBy || undefined,
      } as ControlProps)
    : children;
  return (
    <div className={`field ${errors?.length ? 'has-error' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && <div id={hintId} className="field-hint">{hint}</div>}
      {warning && <div id={warnId} className="field-warning">{warning}</div>}
      {errors?.length ? (
        <ul id={errId} className="field-errors">
          {errors.map((e) => <li key={e}>{e}</li>)}
        </ul>
      ) : null}
    </div>
  );
}
