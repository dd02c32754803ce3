import { describe, expect, it } from 'vitest';
import { advertisedExtensions, headerOf } from './extensions.ts';

describe('X-CRM-Extensions', () => {
  it('is read whatever the case of its name, as lower-cased names split on commas or spaces', () => {
    expect(advertisedExtensions({ headers: { 'x-crm-extensions': 'idempotency, ETag,updated_since  users-me' } }))
      .toEqual(['idempotency', 'etag', 'updated_since', 'users-me']);
    expect(advertisedExtensions({ headers: { 'X-CRM-Extensions': '' } })).toEqual([]);
  });

  it('is undefined where the CRM sends no such header (the plain central CRM)', () => {
    expect(advertisedExtensions({ headers: { 'content-type': 'application/json' } })).toBeUndefined();
    expect(headerOf({ headers: { ETag: '"v1"' } }, 'etag')).toBe('"v1"');
  });
});
