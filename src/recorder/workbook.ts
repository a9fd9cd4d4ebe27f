/**
 * The workbook as the recorder sees it: a read-only snapshot of what Excel holds.
 *
 * The recorder core depends only on these types. Two adapters fill them:
 * - src/xlsx/ reads an .xlsx file (exceljs + the pivot parts of the zip), for the command line;
 * - the add-in's Office.js adapter loads the same facts from live Excel (a handful of `sync`s),
 *   then hands the snapshot to the recorder.
 * The interface is synchronous on purpose: Office.js is async, so its adapter loads first and
 * answers from memory; that keeps the recorder free of load/sync discipline and testable with
 * {@link InMemoryWorkbook}.
 *
 * Conventions: rows and columns are 1-based like Excel (row 1 = first row, column 1 = "A").
 * Formulas are stored with their leading "=" exactly as Excel shows them (`Range.formulas`).
 */
import type { ErrorCode } from '../config/types.generated';

/** A cell's value with its kind, as Excel holds it (for a formula: the value Excel last computed). */
export type CellValue =
  | { kind: 'blank' }
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'logical'; value: boolean }
  | { kind: 'error'; value: ErrorCode };

/** The blank value (an empty cell). */
export const BLANK: CellValue = Object.freeze({ kind: 'blank' }) as CellValue;

/** What the recorder reads of one cell. */
export interface CellInfo {
  /** The value (cached result for a formula cell). Dates are serial numbers (see Workbook.dateSystem). */
  value: CellValue;
  /** The formula in A1 style with its leading "=", as `Range.formulas` gives it; absent for a constant. */
  formula?: string;
  /** The same formula in R1C1 style (`Range.formulasR1C1`), e.g. "=RC[-2]*RC[-1]". */
  formulaR1C1?: string;
  /** Excel number format code, e.g. "General", "0.00", "yyyy-mm-dd", "m/d/yyyy". */
  numberFormat?: string;
}

/** A rectangle of cells, 1-based and inclusive. */
export interface RangeAddress {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * AutoFilter criteria on one column, shaped like Office.js `Excel.FilterCriteria` [ExcelApi 1.2]
 * (which the Office adapter can copy almost field for field) with the column given by its offset.
 */
export type ColumnFilter = { columnIndex: number } & (
  | {
      filterOn: 'values';
      /** The values kept, as the filter list shows them (Excel compares them as displayed text). */
      values: Array<string | number | boolean>;
      /** "(Blanks)" ticked. */
      blanks?: boolean;
    }
  | { filterOn: 'custom'; criterion1: string; criterion2?: string; operator?: 'and' | 'or' }
  | { filterOn: 'topItems' | 'bottomItems' | 'topPercent' | 'bottomPercent'; count: number }
  | { filterOn: 'aboveAverage' | 'belowAverage' }
  /** Anything else (cell colour, icon, dynamic date filters...): recorded as refused. */
  | { filterOn: 'unsupported'; description: string }
);

/** One key of a table's (or range's) sort state: `Excel.SortField`. */
export interface SortField {
  /** 0-based offset of the column within the sorted range / table. */
  columnIndex: number;
  descending: boolean;
  /** Sorting by cell colour, font colour or icon cannot be recorded. */
  sortOn?: 'value' | 'cellColor' | 'fontColor' | 'icon';
}

/** The sort Excel last applied (the state kept with a table or an AutoFilter). */
export interface SortState {
  fields: SortField[];
  matchCase: boolean;
}

/** An Excel table (ListObject). */
export interface TableInfo {
  name: string;
  /** The whole table including its header row (and totals row if shown). */
  range: RangeAddress;
  /** Whether the first row of `range` is the header row. */
  headerRow: boolean;
  /** Whether the last row of `range` is a totals row. */
  totalsRow: boolean;
  /** Column names in order (the header texts). */
  columns: string[];
  /** AutoFilter criteria currently applied to the table's columns. */
  filters: ColumnFilter[];
  /** The table's sort state, if it was sorted. */
  sort?: SortState;
}

/** Pivot value field, shaped like Office.js `Excel.DataPivotHierarchy`. */
export interface PivotDataField {
  /** The source field (column header). */
  field: string;
  /** The caption, e.g. "Sum of Amount". */
  name?: string;
  /** `summarizeBy`, in Office.js's spelling ("Sum", "Count", "CountNumbers"...); "Automatic" or absent = Excel's default. */
  summarizeBy?: string;
}

/** A pivot report filter: the items of the field that are shown (absent = all). */
export interface PivotFilterField {
  field: string;
  /** Selected items; undefined means every item is included. */
  values?: Array<string | number | boolean | null>;
}

/** A PivotTable's layout. */
export interface PivotTableInfo {
  name: string;
  /** Where the pivot's body sits on its sheet (for reading back Excel's cached pivot cells). */
  location?: { sheet: string; range: RangeAddress };
  /** Its data source: a table name, or a sheet + range. */
  source: { table?: string; sheet?: string; range?: RangeAddress };
  /** Row fields, outer first. */
  rows: string[];
  /** Column fields, outer first. The values pseudo-field ("\u03a3Values" — Office's "Values" hierarchy) may appear and is ignored. */
  columns: string[];
  values: PivotDataField[];
  filters: PivotFilterField[];
  /**
   * rows: the grand-total ROW at the bottom (Office.js `layout.showColumnGrandTotals`, xlsx
   * `colGrandTotals`); columns: the grand-total COLUMN at the right (`layout.showRowGrandTotals`,
   * xlsx `rowGrandTotals`). Same meaning as the config's PivotStep.grandTotals.
   */
  grandTotals: { rows: boolean; columns: boolean };
}

/** One worksheet. */
export interface Worksheet {
  readonly name: string;
  /** The used range (smallest rectangle holding every non-empty cell), or null for an empty sheet. */
  usedRange(): RangeAddress | null;
  /** The cell at a 1-based row and column; an empty cell gives `{ value: BLANK }`. */
  cell(row: number, column: number): CellInfo;
  /** The tables on this sheet. */
  tables(): TableInfo[];
  /** A sheet-level AutoFilter on a plain range (not a table), if any. */
  autoFilter(): { range: RangeAddress; filters: ColumnFilter[]; sort?: SortState } | null;
  /** The PivotTables placed on this sheet. */
  pivotTables(): PivotTableInfo[];
  /** Whether a row is hidden (by a filter or by hand). Used by verify to check filters. */
  rowHidden(row: number): boolean;
}

/** The workbook. */
export interface Workbook {
  /** File name or title, for provenance. */
  readonly name?: string;
  /** The date system: serial 1 = 1900-01-01 ("1900") or 1904-01-02 ("1904"). */
  readonly dateSystem: '1900' | '1904';
  worksheets(): Worksheet[];
  worksheet(name: string): Worksheet | undefined;
}

// ---------------------------------------------------------------------------------------------
// In-memory implementation: for tests, and the shape any adapter can fill.

/** A cell as given to {@link InMemoryWorksheet}: a plain JS value or a full CellInfo. */
export type CellInput = CellInfo | number | string | boolean | null;

/** Column letters ("A", "AB") of a 1-based column number. */
export function columnLetters(column: number): string {
  let n = column;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** 1-based column number of column letters ("A" → 1, "AB" → 28). */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** "B2" for row 2, column 2. */
export function cellAddress(row: number, column: number): string {
  return `${columnLetters(column)}${row}`;
}

/** "A1:C10" for a range. */
export function rangeA1(r: RangeAddress): string {
  return `${cellAddress(r.top, r.left)}:${cellAddress(r.bottom, r.right)}`;
}

/** Parses "A1:C10" (or one cell "B2") into a RangeAddress; undefined if it is not one. */
export function parseRangeA1(text: string): RangeAddress | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const left = columnNumber(m[1] as string);
  const top = Number(m[2]);
  const right = m[3] ? columnNumber(m[3]) : left;
  const bottom = m[4] ? Number(m[4]) : top;
  return { top: Math.min(top, bottom), left: Math.min(left, right), bottom: Math.max(top, bottom), right: Math.max(left, right) };
}

/** The CellValue of a plain JS value; strings starting with '#' that are error codes stay text. */
export function cellValueOf(v: number | string | boolean | null | undefined): CellValue {
  if (v == null) return BLANK;
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'logical', value: v };
  return { kind: 'text', value: v };
}

function toCellInfo(input: CellInput): CellInfo {
  if (input !== null && typeof input === 'object') return input;
  return { value: cellValueOf(input) };
}

/** A worksheet held in memory: cells in a map, plus tables, filters and pivots as given. */
export class InMemoryWorksheet implements Worksheet {
  private readonly cells = new Map<string, CellInfo>();
  private readonly tableList: TableInfo[] = [];
  private readonly pivotList: PivotTableInfo[] = [];
  private readonly hiddenRows = new Set<number>();
  private sheetFilter: { range: RangeAddress; filters: ColumnFilter[]; sort?: SortState } | null = null;

  constructor(readonly name: string) {}

  /** Sets one cell (1-based row/column). */
  setCell(row: number, column: number, input: CellInput): this {
    this.cells.set(`${row},${column}`, toCellInfo(input));
    return this;
  }

  /** Sets a block of cells starting at (row, column), row by row. */
  setRows(row: number, column: number, rows: CellInput[][]): this {
    rows.forEach((r, i) => r.forEach((c, j) => this.setCell(row + i, column + j, c)));
    return this;
  }

  addTable(table: TableInfo): this {
    this.tableList.push(table);
    return this;
  }

  addPivotTable(pivot: PivotTableInfo): this {
    this.pivotList.push(pivot);
    return this;
  }

  setAutoFilter(filter: { range: RangeAddress; filters: ColumnFilter[]; sort?: SortState } | null): this {
    this.sheetFilter = filter;
    return this;
  }

  hideRow(row: number): this {
    this.hiddenRows.add(row);
    return this;
  }

  usedRange(): RangeAddress | null {
    let r: RangeAddress | null = null;
    for (const [key, info] of this.cells) {
      if (info.value.kind === 'blank' && info.formula === undefined) continue;
      const [row, col] = key.split(',').map(Number) as [number, number];
      r = r
        ? { top: Math.min(r.top, row), left: Math.min(r.left, col), bottom: Math.max(r.bottom, row), right: Math.max(r.right, col) }
        : { top: row, left: col, bottom: row, right: col };
    }
    return r;
  }

  cell(row: number, column: number): CellInfo {
    return this.cells.get(`${row},${column}`) ?? { value: BLANK };
  }

  tables(): TableInfo[] {
    return this.tableList;
  }

  autoFilter(): { range: RangeAddress; filters: ColumnFilter[]; sort?: SortState } | null {
    return this.sheetFilter;
  }

  pivotTables(): PivotTableInfo[] {
    return this.pivotList;
  }

  rowHidden(row: number): boolean {
    return this.hiddenRows.has(row);
  }
}

/** A workbook held in memory. */
export class InMemoryWorkbook implements Workbook {
  private readonly sheets: InMemoryWorksheet[] = [];

  constructor(
    readonly name?: string,
    readonly dateSystem: '1900' | '1904' = '1900',
  ) {}

  /** Adds (or returns the existing) sheet of that name. */
  addSheet(name: string): InMemoryWorksheet {
    const existing = this.sheets.find((s) => s.name === name);
    if (existing) return existing;
    const sheet = new InMemoryWorksheet(name);
    this.sheets.push(sheet);
    return sheet;
  }

  worksheets(): Worksheet[] {
    return this.sheets;
  }

  worksheet(name: string): Worksheet | undefined {
    return this.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }
}
