/**
 * References as they appear in formula text: A1 cells and ranges (optionally on another sheet),
 * whole columns, and structured references to tables. The parser hands references back as
 * strings; this module gives them a shape.
 */
import { columnNumber } from '../recorder/workbook';

/** One end of an A1 reference. `row`/`column` undefined for whole columns / whole rows. */
export interface A1Point {
  row?: number;
  column?: number;
  rowAbsolute: boolean;
  columnAbsolute: boolean;
}

/** A reference to a cell or a rectangular range in A1 style. */
export interface A1Reference {
  kind: 'a1';
  sheet?: string;
  start: A1Point;
  end: A1Point;
  /** True for a single cell (no ":"). */
  single: boolean;
}

/** The special items of a structured reference. */
export type TableItem = '#All' | '#Data' | '#Headers' | '#Totals' | '#This Row';

/** A structured reference: Table1[Amount], [@Amount], Table1[[#This Row],[Amount]], Rates[#All]... */
export interface StructuredReference {
  kind: 'structured';
  /** Absent for a reference written inside the table itself ([@Amount]). */
  table?: string;
  items: TableItem[];
  /** First and (for a column span) last column; empty = every column. */
  columns: string[];
}

/** A bare name: a table name (Rates) or a defined name. */
export interface NameReference {
  kind: 'name';
  name: string;
}

/** Whatever a reference operand can be. */
export type Reference = A1Reference | StructuredReference | NameReference;

const POINT = /^(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?$/;

function parsePoint(text: string): A1Point | undefined {
  const m = POINT.exec(text);
  if (!m || (m[2] === undefined && m[4] === undefined)) return undefined;
  // "$5" is a row; "$A" a column: the first "$" belongs to whichever part is present.
  if (m[2] === undefined) {
    return { row: Number(m[4]), rowAbsolute: m[1] === '$' || m[3] === '$', columnAbsolute: false };
  }
  const point: A1Point = { column: columnNumber(m[2]), columnAbsolute: m[1] === '$', rowAbsolute: m[3] === '$' };
  if (m[4] !== undefined) point.row = Number(m[4]);
  else point.rowAbsolute = false;
  return point;
}

/** Splits "Sheet!A1" / "'My Sheet'!A1" into sheet and the rest ('' for no sheet). */
function splitSheet(text: string): { sheet?: string; rest: string } {
  const bang = text.lastIndexOf('!');
  if (bang < 0) return { rest: text };
  let sheet = text.slice(0, bang);
  if (sheet.startsWith("'") && sheet.endsWith("'")) sheet = sheet.slice(1, -1).replace(/''/g, "'");
  return { sheet, rest: text.slice(bang + 1) };
}

/** Removes the ' escapes of a structured-reference column name ('[ '] '# ''). */
function unescapeColumn(name: string): string {
  return name.replace(/'(.)/g, '$1');
}

const ITEMS: Record<string, TableItem> = {
  '#all': '#All',
  '#data': '#Data',
  '#headers': '#Headers',
  '#totals': '#Totals',
  '#this row': '#This Row',
};

/** Splits the inside of a structured reference's brackets at top-level commas. */
function splitSpecifiers(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string;
    if (ch === "'" && i + 1 < inner.length) {
      current += ch + (inner[i + 1] as string);
      i++;
      continue;
    }
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseStructured(text: string): StructuredReference | undefined {
  const open = text.indexOf('[');
  if (open < 0 || !text.endsWith(']')) return undefined;
  const table = text.slice(0, open).trim();
  let inner = text.slice(open + 1, -1);
  const ref: StructuredReference = { kind: 'structured', items: [], columns: [] };
  if (table) ref.table = table;
  // [@Amount] and [@[Unit Price]] are the short form of [[#This Row],[...]].
  if (inner.startsWith('@')) {
    ref.items.push('#This Row');
    inner = inner.slice(1).trim();
    if (inner === '') return ref;
    if (!inner.startsWith('[')) {
      ref.columns.push(unescapeColumn(inner));
      return ref;
    }
  }
  const specs = inner.startsWith('[') ? splitSpecifiers(inner) : [`[${inner}]`];
  for (const spec of specs) {
    // "[Code]:[Rate]" spans columns; "[#All]" is an item; "[Amount]" one column.
    const span = /^\[((?:[^\]']|'.)*)\]\s*:\s*\[((?:[^\]']|'.)*)\]$/.exec(spec);
    if (span) {
      ref.columns.push(unescapeColumn(span[1] as string), unescapeColumn(span[2] as string));
      continue;
    }
    const one = /^\[((?:[^\]']|'.)*)\]$/.exec(spec);
    if (!one) return undefined;
    const body = one[1] as string;
    const item = ITEMS[body.toLowerCase()];
    if (item) ref.items.push(item);
    else if (body !== '') ref.columns.push(unescapeColumn(body));
  }
  return ref;
}

/**
 * Parses the text of a reference operand. Returns undefined for text that is none of the
 * supported shapes (the caller refuses it naming the text).
 */
export function parseReference(text: string): Reference | undefined {
  const trimmed = text.trim();
  if (trimmed.includes('[')) {
    // Structured references can carry a sheet only in external links; refuse those by returning undefined.
    const bracket = trimmed.indexOf('[');
    if (trimmed.slice(0, bracket).includes('!')) return undefined;
    return parseStructured(trimmed);
  }
  const { sheet, rest } = splitSheet(trimmed);
  const parts = rest.split(':');
  if (parts.length > 2) return undefined;
  const start = parsePoint(parts[0] as string);
  const end = parts.length === 2 ? parsePoint(parts[1] as string) : start;
  if (!start || !end) {
    if (parts.length === 1 && sheet === undefined && /^[A-Za-z_\\][A-Za-z0-9_.\\]*$/.test(rest)) {
      return { kind: 'name', name: rest };
    }
    return undefined;
  }
  // A lone "A" or "5" is not a reference (only "A:A" and "5:5" are).
  if (parts.length === 1 && (start.row === undefined || start.column === undefined)) {
    return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(rest) ? { kind: 'name', name: rest } : undefined;
  }
  const ref: A1Reference = { kind: 'a1', start, end, single: parts.length === 1 };
  if (sheet !== undefined) ref.sheet = sheet;
  return ref;
}

/** The R1C1 form of one A1 point seen from (row, column). */
function pointR1C1(p: A1Point, row: number, column: number): string {
  let s = '';
  if (p.row !== undefined) s += p.rowAbsolute ? `R${p.row}` : p.row === row ? 'R' : `R[${p.row - row}]`;
  if (p.column !== undefined) {
    s += p.columnAbsolute ? `C${p.column}` : p.column === column ? 'C' : `C[${p.column - column}]`;
  }
  return s;
}

/** The R1C1 text of an A1 reference operand seen from (row, column); other references unchanged. */
export function referenceToR1C1(text: string, row: number, column: number): string {
  const ref = parseReference(text);
  if (!ref || ref.kind !== 'a1') return text;
  const { sheet } = splitSheet(text.trim());
  const prefix = sheet === undefined ? '' : `${/^[A-Za-z_][A-Za-z0-9_.]*$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`}!`;
  const start = pointR1C1(ref.start, row, column);
  return prefix + (ref.single ? start : `${start}:${pointR1C1(ref.end, row, column)}`);
}
