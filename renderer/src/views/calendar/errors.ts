/** Turn whatever a command threw into what the rep reads: the message plus per-field errors. */
import { DomainError, type FieldErrors } from '#shared/domain/index';

export interface ShownError {
  message: string;
  fields: FieldErrors;
}

export function shownError(e: unknown): ShownError {
  if (e instanceof DomainError) return { message: e.message, fields: e.errors };
  if (e instanceof Error) return { message: e.message, fields: {} };
  return { message: String(e), fields: {} };
}
