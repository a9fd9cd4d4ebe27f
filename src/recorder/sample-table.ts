/** Finding the block of data a formula column or a lookup reads: a table, or a headed range. */
import type { CellInfo, RangeAddress, TableInfo, Worksheet } from './workbook';
import { cellAddress, columnLetters } from './workbook';

/** A block of rows under a header row. */
export interface HeadedBlock {
  sheet: string;
  /** The Excel table's name, when the block is a table. */
  table?: string;
  /** Header row (1-based), or undefined when the block has no header (columns named by letter). */
  headerRow?: number;
  /** The data rows and columns. */
  data: RangeAddress;
  /** Column names, index 0 = data.left. */
  columns: string[];
  /** The Excel table, if any (sort and filter state live there). */
  tableInfo?: TableInfo;
}

/** The header text of a cell (numbers and logicals as Excel shows them in a header). */
export function headerText(cell: CellInfo): string | undefined {
  const v = cell.value;
  if (v.kind === 'text') return v.value.trim() === '' ? undefined : v.value;
  if (v.kind === 'number') return String(v.value);
  if (v.kind === 'logical') return v.value ? 'TRUE' : 'FALSE';
  return undefined;
}

/** A problem with the shape of a block, with the place named. */
export class SampleShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SampleShapeError';
  }
}

function uniqueColumns(sheet: string, headerRow: number | undefined, left: number, names: string[]): string[] {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      const at = headerRow === undefined ? '' : ` (cells ${cellAddress(headerRow, left + first)} and ${cellAddress(headerRow, left + i)})`;
      throw new SampleShapeError(`Sheet ${sheet}: the header "${name}" appears twice${at}; give every column a distinct header.`);
    }
    seen.set(key, i);
  });
  return names;
}

/** The block of an Excel table. */
export function tableBlock(sheet: string, table: TableInfo): HeadedBlock {
  const r = table.range;
  const top = table.headerRow ? r.top + 1 : r.top;
  const bottom = table.totalsRow ? r.bottom - 1 : r.bottom;
  const block: HeadedBlock = {
    sheet,
    table: table.name,
    data: { top, left: r.left, bottom: Math.max(bottom, top - 1), right: r.right },
    columns: uniqueColumns(sheet, table.headerRow ? r.top : undefined, r.left, table.columns),
    tableInfo: table,
  };
  if (table.headerRow) block.headerRow = r.top;
  return block;
}

/**
 * The block of a plain range: the first non-empty row of `area` is the header when every one of
 * its cells holds text; otherwise there is no header and columns are named by their letters.
 */
export function rangeBlock(ws: Worksheet, area: RangeAddress): HeadedBlock {
  const names: Array<string | undefined> = [];
  let allText = true;
  for (let c = area.left; c <= area.right; c++) {
    const cell = ws.cell(area.top, c);
    const text = cell.value.kind === 'text' && cell.formula === undefined ? headerText(cell) : undefined;
    if (text === undefined) allText = false;
    names.push(text);
  }
  if (allText) {
    return {
      sheet: ws.name,
      headerRow: area.top,
      data: { top: area.top + 1, left: area.left, bottom: Math.max(area.bottom, area.top), right: area.right },
      columns: uniqueColumns(ws.name, area.top, area.left, names as string[]),
    };
  }
  const columns: string[] = [];
  for (let c = area.left; c <= area.right; c++) columns.push(columnLetters(c));
  return { sheet: ws.name, data: { ...area }, columns };
}

/** The sample block of a sheet: its first table, or else its used range under the first row. */
export function findSampleBlock(ws: Worksheet): HeadedBlock {
  const tables = ws.tables();
  if (tables.length > 0) {
    // The biggest table is the sample; smaller ones on the same sheet are lookup tables.
    const table = [...tables].sort((a, b) => size(b.range) - size(a.range))[0] as TableInfo;
    return tableBlock(ws.name, table);
  }
  const used = ws.usedRange();
  if (!used) throw new SampleShapeError(`Sheet ${ws.name} is empty: put the sample data there, with a header row.`);
  const block = rangeBlock(ws, used);
  if (block.headerRow === undefined) {
    throw new SampleShapeError(`Sheet ${ws.name}: row ${used.top} (the first row of data) must be a header row of text, one header per column (found a blank, number or formula in ${cellAddress(used.top, used.left)}:${cellAddress(used.top, used.right)}).`);
  }
  return block;
}

function size(r: RangeAddress): number {
  return (r.bottom - r.top + 1) * (r.right - r.left + 1);
}
