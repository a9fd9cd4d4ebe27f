/**
 * The Office.js adapter of the recorder's workbook interface (src/recorder/workbook.ts): loads what
 * the recorder reads — cells (values, formulas A1 and R1C1, number formats), tables with their sort
 * and AutoFilter state, sheet AutoFilters, PivotTable layouts — in a few syncs, into an in-memory
 * snapshot the recorder reads synchronously.
 */
import type { ErrorCode } from '../config/types.generated';
import {
  BLANK, InMemoryWorkbook, parseRangeA1, rangeA1,
  type CellValue, type ColumnFilter, type PivotTableInfo, type RangeAddress, type SortState,
} from '../recorder/workbook';
import { EXCEL_ERROR_CODES } from './error-codes';
import { excelRun, isSetSupported, type ExcelRunner } from './excel-run';

/** "Sheet1!A1:C10" or "'My sheet'!A1:C10" → the range part. */
export function addressRange(address: string): RangeAddress | undefined {
  const bang = address.lastIndexOf('!');
  return parseRangeA1(bang >= 0 ? address.slice(bang + 1) : address);
}

/** One cell value of Office.js (values + valueTypes) as the recorder's CellValue. */
export function cellValueFromExcel(value: unknown, valueType: string | undefined): CellValue {
  switch (valueType) {
    case 'Empty':
      return BLANK;
    case 'Double':
    case 'Integer':
      return { kind: 'number', value: Number(value) };
    case 'Boolean':
      return { kind: 'logical', value: Boolean(value) };
    case 'Error':
      return EXCEL_ERROR_CODES.has(String(value)) ? { kind: 'error', value: String(value) as ErrorCode } : { kind: 'error', value: '#VALUE!' };
    case 'String':
      return { kind: 'text', value: String(value) };
    default:
      if (value === '' || value == null) return BLANK;
      if (typeof value === 'number') return { kind: 'number', value };
      if (typeof value === 'boolean') return { kind: 'logical', value };
      return { kind: 'text', value: String(value) };
  }
}

/** Office.js FilterCriteria → the recorder's ColumnFilter. */
export function columnFilterFromExcel(columnIndex: number, c: Excel.FilterCriteria): ColumnFilter | null {
  switch (c.filterOn) {
    case 'Values': {
      const values = (c.values ?? []).filter((v): v is string => typeof v === 'string');
      return { columnIndex, filterOn: 'values', values, blanks: values.includes('') || undefined };
    }
    case 'Custom': {
      const f: ColumnFilter = { columnIndex, filterOn: 'custom', criterion1: c.criterion1 ?? '' };
      if (c.criterion2) f.criterion2 = c.criterion2;
      if (c.operator) f.operator = c.operator === 'Or' ? 'or' : 'and';
      return f;
    }
    case 'TopItems':
    case 'BottomItems':
    case 'TopPercent':
    case 'BottomPercent': {
      const on = (c.filterOn.charAt(0).toLowerCase() + c.filterOn.slice(1)) as 'topItems' | 'bottomItems' | 'topPercent' | 'bottomPercent';
      return { columnIndex, filterOn: on, count: Number(c.criterion1) };
    }
    case 'Dynamic':
      if (c.dynamicCriteria === 'AboveAverage') return { columnIndex, filterOn: 'aboveAverage' };
      if (c.dynamicCriteria === 'BelowAverage') return { columnIndex, filterOn: 'belowAverage' };
      return { columnIndex, filterOn: 'unsupported', description: `dynamic filter ${c.dynamicCriteria ?? ''}` };
    case undefined:
      return null;
    default:
      return { columnIndex, filterOn: 'unsupported', description: `filter on ${c.filterOn}` };
  }
}

function sortStateFromExcel(fields: Excel.SortField[] | undefined, matchCase: boolean | undefined): SortState | undefined {
  if (!fields || fields.length === 0) return undefined;
  return {
    matchCase: Boolean(matchCase),
    fields: fields.map((f) => ({
      columnIndex: f.key,
      descending: f.ascending === false,
      sortOn: f.sortOn === 'CellColor' ? 'cellColor' : f.sortOn === 'FontColor' ? 'fontColor' : f.sortOn === 'Icon' ? 'icon' : 'value',
    })),
  };
}

/**
 * Cells read per sync. Excel on the web answers at most 5 MB per request; five properties of a
 * cell (values, types, A1 and R1C1 formulas, number format) take some 50–100 bytes in JSON.
 */
export const CELLS_PER_SYNC = 40_000;
/** Sheets larger than this are left out of the snapshot (a result sheet, not a sample). */
export const MAX_SNAPSHOT_CELLS = 2_000_000;

export interface SnapshotOptions {
  cellsPerSync?: number;
  maxCells?: number;
  /** Told about each sheet left out because of its size. */
  onSkipped?: (sheet: string, cells: number) => void;
}

/** Row blocks of a range holding at most `cells` cells each (at least one row). */
export function rowBlocks(area: RangeAddress, cells: number): RangeAddress[] {
  const width = area.right - area.left + 1;
  const rows = Math.max(1, Math.floor(cells / width));
  const blocks: RangeAddress[] = [];
  for (let top = area.top; top <= area.bottom; top += rows) blocks.push({ ...area, top, bottom: Math.min(area.bottom, top + rows - 1) });
  return blocks;
}

/** Loads the named sheets (all when omitted) into a snapshot. */
export async function loadWorkbookSnapshot(sheetNames?: readonly string[], run: ExcelRunner = excelRun, options: SnapshotOptions = {}): Promise<InMemoryWorkbook> {
  const cellsPerSync = options.cellsPerSync ?? CELLS_PER_SYNC;
  const maxCells = options.maxCells ?? MAX_SNAPSHOT_CELLS;
  const canFilter = isSetSupported('ExcelApi', '1.9');
  const canReadPivotSource = isSetSupported('ExcelApi', '1.15');
  return run(async (context) => {
    const workbook = new InMemoryWorkbook();
    const sheets = context.workbook.worksheets;
    sheets.load('items/name');
    await context.sync();
    const wanted = sheets.items.filter((s) => !sheetNames || sheetNames.some((n) => n.toLowerCase() === s.name.toLowerCase()));

    // First round: where each sheet's data is, its tables, pivots and AutoFilter.
    const loaded = wanted.map((sheet) => {
      const used = sheet.getUsedRangeOrNullObject(false);
      used.load('address');
      const tables = sheet.tables;
      tables.load('items/name,items/showHeaders,items/showTotals');
      const pivots = sheet.pivotTables;
      pivots.load('items/name');
      const autoFilter = canFilter ? sheet.autoFilter : null;
      autoFilter?.load('enabled,criteria');
      const autoFilterRange = canFilter ? sheet.autoFilter.getRangeOrNullObject() : null;
      autoFilterRange?.load('address');
      return { sheet, used, tables, pivots, autoFilter, autoFilterRange };
    });
    await context.sync();

    // Second round: table ranges, headers, sort and filters; pivot layouts.
    const details = loaded.map((l) => ({
      tables: l.tables.items.map((t) => {
        const range = t.getRange();
        range.load('address');
        const header = t.getHeaderRowRange();
        header.load('values');
        t.sort.load('fields,matchCase');
        const columns = t.columns;
        columns.load('items/name');
        return { t, range, header, columns };
      }),
      pivots: l.pivots.items.map((p) => {
        p.rowHierarchies.load('items/name');
        p.columnHierarchies.load('items/name');
        p.dataHierarchies.load('items/name,items/summarizeBy,items/field/name');
        p.filterHierarchies.load('items/name');
        const body = p.layout.getRange();
        body.load('address');
        const source = canReadPivotSource ? p.getDataSourceString() : null;
        return { p, body, source };
      }),
    }));
    await context.sync();

    // Third round: AutoFilter criteria of table columns (needs the column items loaded first).
    const tableCriteria = details.map((d) => d.tables.map((td) =>
      canFilter ? td.columns.items.map((c) => {
        const f = c.filter;
        f.load('criteria');
        return f;
      }) : []));
    await context.sync();

    // The cells, in row blocks, a bounded number of cells per sync.
    let pending: { block: Excel.Range; area: RangeAddress; ws: ReturnType<InMemoryWorkbook['addSheet']> }[] = [];
    let pendingCells = 0;
    const flush = async () => {
      await context.sync();
      for (const { block, area, ws } of pending) {
        block.values.forEach((row, r) => row.forEach((value, c) => {
          const formula = block.formulas[r]?.[c];
          const info = {
            value: cellValueFromExcel(value, block.valueTypes[r]?.[c]),
            numberFormat: String(block.numberFormat[r]?.[c] ?? 'General'),
          } as { value: CellValue; numberFormat: string; formula?: string; formulaR1C1?: string };
          if (typeof formula === 'string' && formula.startsWith('=')) {
            info.formula = formula;
            info.formulaR1C1 = String(block.formulasR1C1[r]?.[c] ?? '');
          }
          if (info.value.kind !== 'blank' || info.formula) ws.setCell(area.top + r, area.left + c, info);
        }));
      }
      pending = [];
      pendingCells = 0;
    };
    const sheetsOut = loaded.map((l) => workbook.addSheet(l.sheet.name));
    for (const [i, l] of loaded.entries()) {
      const area = l.used.isNullObject ? undefined : addressRange(l.used.address);
      if (!area) continue;
      const cells = (area.bottom - area.top + 1) * (area.right - area.left + 1);
      if (cells > maxCells) {
        options.onSkipped?.(l.sheet.name, cells);
        continue;
      }
      for (const blockArea of rowBlocks(area, cellsPerSync)) {
        const block = l.sheet.getRange(rangeA1(blockArea));
        block.load('values,valueTypes,formulas,formulasR1C1,numberFormat');
        pending.push({ block, area: blockArea, ws: sheetsOut[i] as ReturnType<InMemoryWorkbook['addSheet']> });
        pendingCells += (blockArea.bottom - blockArea.top + 1) * (blockArea.right - blockArea.left + 1);
        if (pendingCells >= cellsPerSync) await flush();
      }
    }
    if (pending.length) await flush();

    loaded.forEach((l, i) => {
      const ws = sheetsOut[i] as ReturnType<InMemoryWorkbook['addSheet']>;
      const d = details[i];
      d?.tables.forEach((td, ti) => {
        const range = addressRange(td.range.address);
        if (!range) return;
        const criteria = tableCriteria[i]?.[ti] ?? [];
        const filters = criteria.map((f, ci) => (f.criteria ? columnFilterFromExcel(ci, f.criteria) : null)).filter((f): f is ColumnFilter => f !== null);
        ws.addTable({
          name: td.t.name,
          range,
          headerRow: td.t.showHeaders,
          totalsRow: td.t.showTotals,
          columns: td.columns.items.map((c) => c.name),
          filters,
          sort: sortStateFromExcel(td.t.sort.fields, td.t.sort.matchCase),
        });
      });
      if (l.autoFilter?.enabled && l.autoFilterRange && !l.autoFilterRange.isNullObject) {
        const range = addressRange(l.autoFilterRange.address);
        if (range) {
          const filters = (l.autoFilter.criteria ?? []).map((c, ci) => columnFilterFromExcel(ci, c)).filter((f): f is ColumnFilter => f !== null);
          ws.setAutoFilter({ range, filters });
        }
      }
      d?.pivots.forEach((pd) => {
        const sourceText = pd.source?.value ?? '';
        const sourceRange = addressRange(sourceText);
        const source: PivotTableInfo['source'] = sourceRange && sourceText.includes('!')
          ? { sheet: sourceText.slice(0, sourceText.lastIndexOf('!')).replace(/^'|'$/g, ''), range: sourceRange }
          : { table: sourceText };
        const bodyRange = addressRange(pd.body.address);
        const pivot: PivotTableInfo = {
          name: pd.p.name,
          source,
          rows: pd.p.rowHierarchies.items.map((h) => h.name),
          columns: pd.p.columnHierarchies.items.map((h) => h.name),
          values: pd.p.dataHierarchies.items.map((h) => ({ field: h.field.name, name: h.name, summarizeBy: String(h.summarizeBy) })),
          filters: pd.p.filterHierarchies.items.map((h) => ({ field: h.name })),
          grandTotals: { rows: true, columns: true },
        };
        if (bodyRange) pivot.location = { sheet: l.sheet.name, range: bodyRange };
        ws.addPivotTable(pivot);
      });
    });
    return workbook;
  });
}
