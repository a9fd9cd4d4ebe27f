/**
 * A small RFC 4180 CSV reader and writer: enough for dataset samples, uploads and CSV results.
 * Quoted fields may hold the delimiter, quotes ("") and line breaks.
 */

/** Parses CSV text into rows of fields; stops after `maxRows` rows when given. */
export function parseCsv(text: string, opts: { delimiter?: string; maxRows?: number } = {}): string[][] {
  const delim = opts.delimiter ?? ',';
  const max = opts.maxRows ?? Infinity;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  while (i < n && rows.length < max) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
    } else if (c === delim) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
    }
    i++;
  }
  if ((field !== '' || row.length > 0) && rows.length < max) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function quoteField(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes rows of texts as CSV (\n line ends, fields quoted when needed). */
export function writeCsv(rows: string[][]): string {
  return rows.map((r) => r.map(quoteField).join(',')).join('\n') + '\n';
}
