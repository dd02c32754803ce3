/** CSV text per RFC 4180: comma separated, CRLF line ends, quoted where needed, quotes doubled. */

export type CsvCell = string | number | boolean | null | undefined;

export interface CsvOptions {
  /**
   * Prefix text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) with an
   * apostrophe, so an activity subject can't execute in Excel. Default true; numbers are never touched.
   */
  guardFormulas?: boolean;
  /** Start with a UTF-8 byte order mark so Excel reads accents correctly. Default false. */
  bom?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell, opts: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let s = value;
  if ((opts.guardFormulas ?? true) && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV file: a header row, then the rows; every record ends with CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], opts: CsvOptions = {}): string {
  const width = header.length;
  const lines = [header, ...rows].map((row, i) => {
    if (row.length !== width) throw new RangeError(`CSV row ${i} has ${row.length} fields; the header has ${width}.`);
    return row.map((c) => csvField(c, opts)).join(',');
  });
  return `${opts.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}
