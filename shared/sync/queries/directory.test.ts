import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldbookDB } from '../db.ts';
import { createQueries, type Queries } from '../queries.ts';
import { freshDb } from '../store.testing.ts';
import { NOW, seedSample } from './sample.testing.ts';

let db: FieldbookDB;
let q: Queries;

beforeAll(async () => {
  db = freshDb('queries-directory');
  await seedSample(db);
  q = createQueries(db, { now: () => NOW });
});
afterAll(async () => {
  await db.delete();
});

describe('entities directory', () => {
  beforeAll(async () => {
    await q.upsertEntities([
      { type: 'customer', id: 'cus-1', name: 'Acme Corporation' },
      { type: 'customer', id: 'cus-2', name: 'Bolt Industries' },
      { type: 'customer', id: 'cus-3', name: 'Acme Labs' },
      { type: 'lead', id: 'lead-1', name: 'Acme Widgets' },
      { type: 'contact', id: 'con-1', name: 'Sarah Johnson', email: 'sarah@acme.example' },
      { type: 'user', id: 'u-1', name: 'Ann Rep', email: 'ann@example.com' },
    ]);
  });

  it('finds by type and name-word prefix, sorted by name', async () => {
    expect((await q.searchEntities('customer', 'ac')).map((e) => e.id)).toEqual(['cus-1', 'cus-3']);
    expect((await q.searchEntities('customer', 'acme la')).map((e) => e.id)).toEqual(['cus-3']);
    expect((await q.searchEntities('customer', 'ind')).map((e) => e.id)).toEqual(['cus-2']);
    expect((await q.searchEntities('lead', 'acme')).map((e) => e.id)).toEqual(['lead-1']);
    expect((await q.searchEntities('contact', 'sarah@acme')).map((e) => e.id)).toEqual(['con-1']);
    expect(await q.searchEntities('opportunity', 'acme')).toEqual([]);
  });

  it('matches a word start anywhere in the name, and from 2 characters any part of it; the name\'s own start ranks first', async () => {
    await q.upsertEntities([{ type: 'customer', id: 'cus-4', name: 'Northwind Analytics' }]);
    try {
      // One character: a word start anywhere (not only the name's first word).
      expect((await q.searchEntities('customer', 'a')).map((e) => e.id)).toEqual(['cus-1', 'cus-3', 'cus-4']);
      expect((await q.searchEntities('customer', 'corp')).map((e) => e.name)).toEqual(['Acme Corporation']);
      expect((await q.searchEntities('customer', 'analytics')).map((e) => e.id)).toEqual(['cus-4']);
      // Inside a word from 2 characters; never from one.
      expect((await q.searchEntities('customer', 'wind')).map((e) => e.id)).toEqual(['cus-4']);
      expect((await q.searchEntities('customer', 'dustr')).map((e) => e.id)).toEqual(['cus-2']);
      expect((await q.searchEntities('customer', 'n')).map((e) => e.id)).toEqual(['cus-4']);
      // "in" starts Industries (a word start) and is inside Northwind: the word start ranks first.
      expect((await q.searchEntities('customer', 'in')).map((e) => e.id)).toEqual(['cus-2', 'cus-4']);
      expect((await q.searchEntities('customer', 'acme orp')).map((e) => e.id)).toEqual(['cus-1']);
      expect(await q.searchEntities('customer', 'acme zz')).toEqual([]);
    } finally {
      await db.entities.delete(['customer', 'cus-4']);
    }
  });

  it('an empty prefix lists the type; limit caps it', async () => {
    expect((await q.searchEntities('customer', '')).map((e) => e.name)).toEqual(['Acme Corporation', 'Acme Labs', 'Bolt Industries']);
    expect(await q.searchEntities('customer', '', 1)).toHaveLength(1);
  });

  it('gets by [type, id] and upsert replaces', async () => {
    expect((await q.getEntity('user', 'u-1'))?.name).toBe('Ann Rep');
    expect(await q.getEntity('customer', 'u-1')).toBeUndefined();
    await q.upsertEntities([{ type: 'user', id: 'u-1', name: 'Ann Field' }]);
    expect((await q.getEntity('user', 'u-1'))?.words).toEqual(['ann', 'field']);
    expect(await q.searchEntities('user', 'rep')).toEqual([]);
  });
});
