/** Turn whatever a command threw into something a form can show. */
import type { FieldErrors } from '#shared/domain/index';

export interface ShownError {
  message: string;
  fields: FieldErrors;
}

export function toShownError(e: unknown): ShownError {
  if (e && typeof e === 'object' && 'errors' in e && e.errors && typeof e.errors === 'object') {
    const fields = e.errors as FieldErrors;
    return { message: e instanceof Error ? e.message : 'Please check the highlighted fields.', fields };
  }
  return { message: e instanceof Error ? e.message : String(e), fields: {} };
}

/** Errors not tied to a field the form shows (e.g. "_" or a nested key), as one line. */
export function otherErrors(fields: FieldErrors, shown: readonly string[]): string[] {
  return Object.entries(fields).filter(([k]) => !shown.includes(k)).flatMap(([, v]) => v);
}
