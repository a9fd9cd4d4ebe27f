/**
 * The task pane's own Excel commands for what Excel fires no event for: sort, filter, remove
 * duplicates, PivotTable. Each is applied in Excel here; the task pane records it as a step.
 * Also: reading a table's rows (for preview and uploads), and writing a dataset's sample into a
 * new sheet to work on.
 */
import type { CellValue as JsonCellValue, ColumnInfo } from '../api/types';
import type { ColumnType } from '../config/types.generated';
import { columnLetters } from '../recorder/workbook';
import { toExcelCell } from './cell-values';
import { EXCEL_ERROR_CODES } from './error-codes';
import { excelRun, type ExcelRunner } from './excel-run';
import { chunkRows, DEFAULT_CHUNK_BYTES } from './result-writer';
import type { SampleTarget } from './sample-target';
import { tableNameFor, uniqueSheetName } from './sheet-names';

/** The sample's range (header row included) in a batch. */
function targetRange(context: Excel.RequestContext, t: SampleTarget): Excel.Range {
  if (t.table) return context.workbook.tables.getItem(t.table).getRange();
  return context.workbook.worksheets.getItem(t.sheet).getRange(t.range);
}

export interface SortKeySpec { columnIndex: number; descending: boolean }

export async function sortSample(t: SampleTarget, keys: SortKeySpec[], run: ExcelRunner = excelRun): Promise<void> {
  await run(async (context) => {
    const fields = keys.map((k) => ({ key: k.columnIndex, ascending: !k.descending }));
    if (t.table) context.workbook.tables.getItem(t.table).sort.apply(fields, false);
    else targetRange(context, t).sort.apply(fields, false, true);
    await context.sync();
  });
}

export async function filterSample(t: SampleTarget, columnIndex: number, criteria: Excel.FilterCriteria, run: ExcelRunner = excelRun): Promise<void> {
  await run(async (context) => {
    if (t.table) context.workbook.tables.getItem(t.table).columns.getItemAt(columnIndex).filter.apply(criteria);
    else context.workbook.worksheets.getItem(t.sheet).autoFilter.apply(targetRange(context, t), columnIndex, criteria);
    await context.sync();
  });
}

/** Remove Duplicates [ExcelApi 1.9]; resolves to how many rows Excel removed. */
export async function removeDuplicatesInSample(t: SampleTarget, columnIndexes: number[], run: ExcelRunner = excelRun): Promise<number> {
  return run(async (context) => {
    const result = targetRange(context, t).removeDuplicates(columnIndexes, true);
    result.load('removed');
    await context.sync();
    return result.removed;
  });
}

/** A value field's "Summarize Values By", in Office.js's spelling. */
export type PivotSummary = 'Sum' | 'Count' | 'Average' | 'Max' | 'Min' | 'Product' | 'CountNumbers' | 'StandardDeviation' | 'StandardDeviationP' | 'Variance' | 'VarianceP';

export interface PivotSpec {
  name: string;
  rows: string[];
  columns: string[];
  values: { field: string; summarizeBy: PivotSummary }[];
}

/** Builds a PivotTable on a new sheet; resolves to the sheet's name. */
export async function addPivotForSample(t: SampleTarget, spec: PivotSpec, run: ExcelRunner = excelRun): Promise<string> {
  return run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load('items/name');
    await context.sync();
    const sheetName = uniqueSheetName(spec.name, sheets.items.map((s) => s.name));
    const sheet = sheets.add(sheetName);
    const source = t.table ? context.workbook.tables.getItem(t.table) : targetRange(context, t);
    const pivot = sheet.pivotTables.add(spec.name, source, sheet.getRange('A3'));
    for (const r of spec.rows) pivot.rowHierarchies.add(pivot.hierarchies.getItem(r));
    for (const c of spec.columns) pivot.columnHierarchies.add(pivot.hierarchies.getItem(c));
    for (const v of spec.values) {
      const data = pivot.dataHierarchies.add(pivot.hierarchies.getItem(v.field));
      data.summarizeBy = v.summarizeBy;
    }
    sheet.activate();
    await context.sync();
    return sheetName;
  });
}

/** A column's type from its values: one kind throughout (blanks aside), else mixed. */
export function inferColumnType(values: JsonCellValue[], numberFormat?: string): ColumnType {
  const kinds = new Set(values.filter((v) => v !== null).map((v) => (typeof v === 'object' ? 'error' : typeof v)));
  if (kinds.size === 0) return 'text';
  if (kinds.size > 1) return 'mixed';
  const kind = [...kinds][0];
  if (kind === 'number') return numberFormat && /[dmy]/i.test(numberFormat.replace(/"[^"]*"/g, '')) && !/General/i.test(numberFormat) ? 'date' : 'number';
  if (kind === 'string') return 'text';
  if (kind === 'boolean') return 'logical';
  return 'mixed';
}

export interface TableData {
  columns: ColumnInfo[];
  rows: JsonCellValue[][];
  /** The range read, e.g. "Ledger!A1:F101". */
  address: string;
}

/** Reads a table or range (header row first) as JSON-encoded rows, for previews and uploads. */
export async function readSampleData(t: SampleTarget, run: ExcelRunner = excelRun): Promise<TableData> {
  return run(async (context) => {
    const range = targetRange(context, t);
    range.load('address,values,valueTypes,numberFormat');
    await context.sync();
    const [header = [], ...body] = range.values;
    const rows: JsonCellValue[][] = body.map((row, r) => row.map((v, c) => {
      const type = range.valueTypes[r + 1]?.[c];
      if (type === 'Empty' || v === '') return null;
      if (type === 'Error') return { error: String(v) };
      if (typeof v === 'number' || typeof v === 'boolean') return v;
      return String(v);
    }));
    const columns = header.map((h, c) => ({
      name: String(h),
      type: inferColumnType(rows.map((r) => r[c] ?? null), String(range.numberFormat[1]?.[c] ?? 'General')),
    }));
    return { columns, rows, address: range.address };
  });
}

/** Writes a dataset's sample rows into a new sheet as a table at A1; resolves to sheet and table names. */
export async function writeSampleSheet(
  wantedName: string,
  columns: ColumnInfo[],
  rows: JsonCellValue[][],
  run: ExcelRunner = excelRun,
): Promise<{ sheet: string; table: string; range: string }> {
  const lastCol = columnLetters(Math.max(columns.length, 1));
  const names = await run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load('items/name');
    const tables = context.workbook.tables;
    tables.load('items/name');
    await context.sync();
    const sheet = uniqueSheetName(wantedName, sheets.items.map((s) => s.name));
    const table = tableNameFor(sheet, tables.items.map((x) => x.name));
    const ws = sheets.add(sheet);
    const header = ws.getRange(`A1:${lastCol}1`);
    header.numberFormat = [columns.map(() => '@')];
    header.values = [columns.map((c) => c.name)];
    await context.sync();
    return { sheet, table };
  });
  const cells = rows.map((row) => columns.map((col, i) => toExcelCell(row[i] ?? null, col, EXCEL_ERROR_CODES)));
  let top = 2;
  for (const chunk of chunkRows(cells, DEFAULT_CHUNK_BYTES)) {
    await run(async (context) => {
      context.application.suspendApiCalculationUntilNextSync();
      const range = context.workbook.worksheets.getItem(names.sheet).getRange(`A${top}:${lastCol}${top + chunk.length - 1}`);
      range.numberFormat = chunk.map((r) => r.map((c) => c.numberFormat));
      range.values = chunk.map((r) => r.map((c) => c.value));
      await context.sync();
    });
    top += chunk.length;
  }
  const range = `A1:${lastCol}${Math.max(top - 1, 2)}`;
  await run(async (context) => {
    const ws = context.workbook.worksheets.getItem(names.sheet);
    const table = ws.tables.add(range, true);
    table.name = names.table;
    ws.activate();
    await context.sync();
  });
  return { ...names, range };
}

/** Sheets and their tables, for the pickers. */
export interface SheetOverview {
  name: string;
  tables: { name: string; address: string; columns: string[] }[];
  usedAddress: string | null;
}

export async function listSheets(run: ExcelRunner = excelRun): Promise<SheetOverview[]> {
  return run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load('items/name');
    await context.sync();
    const loaded = sheets.items.map((s) => {
      const tables = s.tables;
      tables.load('items/name');
      const used = s.getUsedRangeOrNullObject(true);
      used.load('address');
      return { s, tables, used };
    });
    await context.sync();
    const withRanges = loaded.map((l) => ({
      ...l,
      ranges: l.tables.items.map((t) => {
        const r = t.getRange();
        r.load('address');
        const h = t.getHeaderRowRange();
        h.load('values');
        return { t, r, h };
      }),
    }));
    await context.sync();
    return withRanges.map((l) => ({
      name: l.s.name,
      usedAddress: l.used.isNullObject ? null : l.used.address,
      tables: l.ranges.map(({ t, r, h }) => ({ name: t.name, address: r.address, columns: (h.values[0] ?? []).map(String) })),
    }));
  });
}

/** The selected range's sheet and address ("Ledger", "A1:F101"). */
export async function currentSelection(run: ExcelRunner = excelRun): Promise<{ sheet: string; address: string }> {
  return run(async (context) => {
    const range = context.workbook.getSelectedRange();
    range.load('address');
    range.worksheet.load('name');
    await context.sync();
    const bang = range.address.lastIndexOf('!');
    return { sheet: range.worksheet.name, address: bang >= 0 ? range.address.slice(bang + 1) : range.address };
  });
}
