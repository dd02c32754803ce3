import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parse.test-util.ts';
import { csvField, toCsv } from './csv.ts';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['lf\nonly', '"lf\nonly"'],
    [' padded ', '" padded "'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-3.5, '-3.5'],
    [Number.NaN, ''],
    [true, 'true'],
  ])('%j → %j', (value, out) => {
    expect(csvField(value)).toBe(out);
  });

  it.each([['=SUM(A1)', "'=SUM(A1)"], ['+1', "'+1"], ['-1', "'-1"], ['@cmd', "'@cmd"], ['=a,b', `"'=a,b"`]])(
    'guards the formula %j',
    (value, out) => {
      expect(csvField(value)).toBe(out);
      expect(csvField(value, { guardFormulas: false })).toBe(value.includes(',') ? `"${value}"` : value);
    },
  );
});

describe('toCsv', () => {
  const header = ['Name', 'Note', 'Amount'];
  const rows = [
    ['Müller GmbH', 'Said "yes", finally\nNext: SOW', 150.5],
    ['ACME', '', null],
    ['=HYPERLINK("x")', 'x', -2],
  ];

  it('round-trips through a strict RFC 4180 reader', () => {
    const text = toCsv(header, rows);
    expect(parseCsv(text)).toEqual([
      header,
      ['Müller GmbH', 'Said "yes", finally\nNext: SOW', '150.5'],
      ['ACME', '', ''],
      ["'=HYPERLINK(\"x\")", 'x', '-2'],
    ]);
  });

  it('ends every record with CRLF', () => {
    expect(toCsv(['a'], [['1'], ['2']])).toBe('a\r\n1\r\n2\r\n');
  });

  it('can start with a BOM for Excel', () => {
    expect(toCsv(['a'], [], { bom: true })).toBe('\uFEFFa\r\n');
  });

  it('refuses a row of the wrong width rather than shifting columns', () => {
    expect(() => toCsv(['a', 'b'], [['1']])).toThrow(/row 1 has 1 fields; the header has 2/);
  });
});
