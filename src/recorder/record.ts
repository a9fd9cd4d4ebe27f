/**
 * The recorder core: a workbook snapshot (see workbook.ts) → a transformation config.
 *
 * It finds the sample table, recognises formula columns (the same R1C1 formula down the data
 * rows), translates them (src/formula), turns the ranges and tables they look into into sources,
 * infers every source column's type from the sample values, orders the steps by what each
 * formula reads, and adds the table's AutoFilter, sort and the pivots built on it.
 */
import type {
  ColumnType,
  FilterCondition,
  PivotStep,
  SheetscaleConfig,
  Source,
  Step,
  SummaryFunction,
} from '../config/types.generated';
import { validateConfig, formatIssue } from '../config/validate';
import { translateFormula, type SourceRange, type TranslatedStep } from '../formula/translate';
import { FormulaRefusedError } from '../formula/refusal';
import type { Reference } from '../formula/reference';
import { formulaToR1C1 } from '../formula/parse';
import { referenceToR1C1 } from '../formula/reference';
import { inferColumnType } from './column-types';
import { findSampleBlock, rangeBlock, tableBlock, type HeadedBlock } from './sample-table';
import type { CellInfo, CellValue, ColumnFilter, PivotTableInfo, RangeAddress, SortState, TableInfo, Workbook, Worksheet } from './workbook';
import { cellAddress, rangeA1 } from './workbook';

/** A formula (or other recorded state) sheetscale refused, with why. */
export interface RefusedItem {
  /** "Sheet1!D2", or a description of the place for non-formula state. */
  cell: string;
  formula: string;
  reason: string;
}

/** One formula cell of the sample with the value Excel cached: what verify compares. */
export interface FormulaCell {
  /** "D2" */
  cell: string;
  row: number;
  column: string;
  formula: string;
  expected: CellValue;
  /** 0-based index of the data row within the sample. */
  rowIndex: number;
}

/** The sample rows of a source, in source order: what verify exports to a file. */
export interface SourceSample {
  source: string;
  sheet: string;
  columns: Array<{ name: string; type: ColumnType }>;
  rows: CellValue[][];
}

/** The cached values of a pivot on its sheet, for verify. */
export interface PivotSample {
  name: string;
  sheet: string;
  range: RangeAddress;
  cells: CellValue[][];
}

/** Everything the recorder found. */
export interface Recording {
  config: SheetscaleConfig;
  /** Formula columns (or state) that could not be recorded; they are left out of the config. */
  refused: RefusedItem[];
  /** Things recorded with a caveat. */
  warnings: string[];
  /** Every formula cell of a recorded formula column with Excel's cached value. */
  formulaCells: FormulaCell[];
  /** Sample data of every source (main first). */
  samples: SourceSample[];
  /** Excel's cached pivot bodies, for the pivots recorded. */
  pivots: PivotSample[];
  /** 0-based indexes of the sample's data rows Excel shows (not hidden by a filter or by hand), in sheet order. */
  visibleRows?: number[];
}

export interface RecordOptions {
  /** Sheet holding the sample; default: the first sheet with a table, else the first sheet with data. */
  sheet?: string;
  /** Name for provenance (the file name). */
  workbookName?: string;
  /** Timestamp for recordedFrom.recordedAt (tests pass a fixed one). */
  recordedAt?: string;
  recorder?: string;
}

/** Recording failed as a whole (no sheet, no header row, invalid result). */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

const SUMMARIZE_BY: Record<string, SummaryFunction> = {
  sum: 'sum', count: 'count', countnumbers: 'countNumbers', countnums: 'countNumbers', average: 'average', max: 'max', min: 'min', product: 'product',
  standarddeviation: 'standardDeviation', stddev: 'standardDeviation', standarddeviationp: 'standardDeviationP', stddevp: 'standardDeviationP',
  variance: 'variance', var: 'variance', variancep: 'varianceP', varp: 'varianceP',
};

function quoteSheet(sheet: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

function pickSheet(wb: Workbook, name: string | undefined): Worksheet {
  if (name !== undefined) {
    const ws = wb.worksheet(name);
    if (!ws) throw new RecordError(`The workbook has no sheet "${name}" (sheets: ${wb.worksheets().map((s) => s.name).join(', ')}).`);
    return ws;
  }
  const sheets = wb.worksheets();
  const withTable = sheets.find((s) => s.tables().length > 0);
  const withData = sheets.find((s) => s.usedRange() !== null);
  const ws = withTable ?? withData;
  if (!ws) throw new RecordError('The workbook has no data: put the sample on a sheet, with a header row.');
  return ws;
}

function r1c1Of(info: CellInfo, row: number, column: number): string {
  if (info.formulaR1C1) return info.formulaR1C1;
  return formulaToR1C1(info.formula ?? '', row, column, referenceToR1C1);
}

function withEquals(formula: string): string {
  return formula.startsWith('=') ? formula : `=${formula}`;
}

/** Records the sample sheet of a workbook into a config. */
export function recordWorkbook(wb: Workbook, options: RecordOptions = {}): Recording {
  return new Recorder(wb, options).record();
}

interface FormulaColumn {
  name: string;
  sheetColumn: number;
  formula: string;
  formulaR1C1: string;
  translated?: { steps: TranslatedStep[]; reads: string[] };
}

class Recorder {
  private readonly ws: Worksheet;
  private readonly block: HeadedBlock;
  private readonly refused: RefusedItem[] = [];
  private readonly warnings: string[] = [];
  /** Lookup sources by name, with the block they read. */
  private readonly lookupSources = new Map<string, HeadedBlock>();
  /** Columns of the flowing rows (inputs and recorded formula columns), lower case. */
  private readonly available = new Set<string>();

  constructor(
    private readonly wb: Workbook,
    private readonly options: RecordOptions,
  ) {
    this.ws = pickSheet(wb, options.sheet);
    try {
      this.block = findSampleBlock(this.ws);
    } catch (err) {
      throw new RecordError((err as Error).message);
    }
  }

  private get mainName(): string {
    return this.block.table ?? this.ws.name;
  }

  record(): Recording {
    const { data, columns } = this.block;
    const workbookName = this.options.workbookName ?? this.wb.name;
    if (data.bottom < data.top) throw new RecordError(`Sheet ${this.ws.name}: the sample has a header row but no data rows under it.`);
    const inputs: number[] = [];
    const formulaColumns: FormulaColumn[] = [];
    const unrecorded = new Set<string>();
    for (let c = data.left; c <= data.right; c++) {
      const name = columns[c - data.left] as string;
      const fc = this.formulaColumn(c, name);
      if (fc === 'input') inputs.push(c);
      else if (fc) formulaColumns.push(fc);
      else unrecorded.add(name);
    }
    const recorded = this.translateAll(formulaColumns, unrecorded);
    const ordered = this.orderByDependencies(recorded);
    for (const c of inputs) this.available.add((columns[c - data.left] as string).toLowerCase());
    for (const fc of ordered) this.available.add(fc.name.toLowerCase());
    const steps: Step[] = [];
    let n = 0;
    const nextId = (): string => `s${++n}`;
    const formulaCells: FormulaCell[] = [];
    for (const fc of ordered) {
      const provenance = {
        sheet: this.ws.name,
        cell: cellAddress(data.top, fc.sheetColumn),
        range: rangeA1({ top: data.top, bottom: data.bottom, left: fc.sheetColumn, right: fc.sheetColumn }),
        formula: withEquals(fc.formula),
        formulaR1C1: fc.formulaR1C1,
        ...(this.block.table ? { table: this.block.table } : {}),
      };
      for (const s of fc.translated?.steps ?? []) steps.push({ ...s, id: nextId(), provenance } as Step);
      for (let r = data.top; r <= data.bottom; r++) {
        formulaCells.push({ cell: cellAddress(r, fc.sheetColumn), row: r, column: fc.name, formula: withEquals(this.ws.cell(r, fc.sheetColumn).formula ?? fc.formula), expected: this.ws.cell(r, fc.sheetColumn).value, rowIndex: r - data.top });
      }
    }
    // Excel's pivot cache reads every row of its source, hidden by a filter or not: pivots go
    // before the filter so they see the same rows Excel's did.
    const pivots = this.pivotSteps(nextId);
    steps.push(...pivots.steps);
    const filter = this.filterStep(nextId);
    if (filter) steps.push(filter);
    const sort = this.sortStep(nextId);
    if (sort) steps.push(sort);

    const mainSample = this.sample(this.mainName, this.block, inputs);
    const sources: Source[] = [this.sourceOf(mainSample)];
    const samples: SourceSample[] = [mainSample];
    for (const [name, block] of this.lookupSources) {
      const all: number[] = [];
      for (let c = block.data.left; c <= block.data.right; c++) all.push(c);
      const ws = this.wb.worksheet(block.sheet) as Worksheet;
      const s = this.sample(name, block, all, ws);
      samples.push(s);
      sources.push(this.sourceOf(s));
    }
    const config: SheetscaleConfig = {
      version: 1,
      name: workbookName ? `${workbookName} — ${this.ws.name}` : this.ws.name,
      recordedFrom: {
        ...(workbookName ? { workbook: workbookName } : {}),
        sheet: this.ws.name,
        ...(this.block.table ? { table: this.block.table } : {}),
        range: rangeA1({ ...data, top: this.block.headerRow ?? data.top }),
        recordedAt: this.options.recordedAt ?? new Date().toISOString(),
        recorder: this.options.recorder ?? 'sheetscale recorder',
      },
      main: this.mainName,
      sources,
      steps,
      ...(this.wb.dateSystem === '1904' ? { options: { dateSystem: '1904' as const } } : {}),
      output: { format: 'parquet' },
    };
    const result = validateConfig(config);
    if (!result.ok) {
      throw new RecordError(`The recorded config is not valid (a recorder bug; please report it with the workbook):\n${result.errors.map((e) => `  ${formatIssue(e)}`).join('\n')}`);
    }
    const visibleRows: number[] = [];
    for (let r = data.top; r <= data.bottom; r++) if (!this.ws.rowHidden(r)) visibleRows.push(r - data.top);
    return { config, refused: this.refused, warnings: this.warnings, formulaCells, samples, pivots: pivots.samples, visibleRows };
  }

  /** 'input' for a column of typed values, a FormulaColumn, or undefined when refused. */
  private formulaColumn(c: number, name: string): FormulaColumn | 'input' | undefined {
    const { data } = this.block;
    const formulaRows: number[] = [];
    const valueRows: number[] = [];
    for (let r = data.top; r <= data.bottom; r++) {
      const cell = this.ws.cell(r, c);
      if (cell.formula !== undefined) formulaRows.push(r);
      else if (cell.value.kind !== 'blank') valueRows.push(r);
    }
    if (formulaRows.length === 0) return 'input';
    const first = formulaRows[0] as number;
    const firstCell = this.ws.cell(first, c);
    const formula = firstCell.formula as string;
    const where = `${quoteSheet(this.ws.name)}!${cellAddress(first, c)}`;
    if (valueRows.length > 0) {
      this.refused.push({ cell: where, formula: withEquals(formula), reason: `column "${name}" mixes formulas and typed values: rows ${listRows(valueRows)} hold values instead of the formula. Fill the formula down the whole column (or clear it) and record again.` });
      return undefined;
    }
    const r1c1 = r1c1Of(firstCell, first, c);
    const differing = formulaRows.filter((r) => r1c1Of(this.ws.cell(r, c), r, c) !== r1c1);
    const blanks: number[] = [];
    for (let r = data.top; r <= data.bottom; r++) if (!formulaRows.includes(r)) blanks.push(r);
    if (differing.length > 0 || blanks.length > 0) {
      const parts: string[] = [];
      if (differing.length > 0) parts.push(`rows ${listRows(differing)} hold a different formula (e.g. ${cellAddress(differing[0] as number, c)}: ${withEquals(this.ws.cell(differing[0] as number, c).formula ?? '')})`);
      if (blanks.length > 0) parts.push(`rows ${listRows(blanks)} are empty`);
      this.refused.push({ cell: where, formula: withEquals(formula), reason: `column "${name}" is not one formula filled down: ${parts.join('; ')}. A formula column must hold the same formula (same R1C1 form, ${r1c1}) on every data row.` });
      return undefined;
    }
    return { name, sheetColumn: c, formula, formulaR1C1: r1c1 };
  }

  private translateAll(columns: FormulaColumn[], unrecorded: Set<string>): FormulaColumn[] {
    const { data } = this.block;
    const out: FormulaColumn[] = [];
    for (const fc of columns) {
      try {
        fc.translated = translateFormula(withEquals(fc.formula), {
          sheet: this.ws.name,
          row: data.top,
          column: fc.sheetColumn,
          target: fc.name,
          table: { ...(this.block.table ? { name: this.block.table } : {}), dataRows: data, columns: this.block.columns },
          resolveSource: (ref, text) => this.resolveSource(ref, text),
          fixedCell: (sheet, row, column) => {
            const ws = sheet === undefined ? this.ws : this.wb.worksheet(sheet);
            return ws?.cell(row, column).value;
          },
        });
        out.push(fc);
      } catch (err) {
        if (!(err instanceof FormulaRefusedError)) throw err;
        this.refused.push({ cell: err.cell, formula: err.formula, reason: err.reason });
        unrecorded.add(fc.name);
      }
    }
    // A formula reading a refused column cannot be recorded either.
    let changed = true;
    while (changed) {
      changed = false;
      for (const fc of [...out]) {
        const missing = fc.translated?.reads.find((r) => unrecorded.has(r));
        if (missing) {
          out.splice(out.indexOf(fc), 1);
          unrecorded.add(fc.name);
          this.refused.push({ cell: `${quoteSheet(this.ws.name)}!${cellAddress(data.top, fc.sheetColumn)}`, formula: withEquals(fc.formula), reason: `it reads column "${missing}", which could not be recorded (see above).` });
          changed = true;
        }
      }
    }
    return out;
  }

  /** Formula columns in an order where every column comes after the columns it reads. */
  private orderByDependencies(columns: FormulaColumn[]): FormulaColumn[] {
    const byName = new Map(columns.map((c) => [c.name, c]));
    const done = new Set<string>();
    const visiting = new Set<string>();
    const out: FormulaColumn[] = [];
    const visit = (fc: FormulaColumn, path: string[]): void => {
      if (done.has(fc.name)) return;
      if (visiting.has(fc.name)) {
        throw new RecordError(`Sheet ${this.ws.name}: formula columns read each other in a circle (${[...path, fc.name].join(' → ')}); Excel would report a circular reference.`);
      }
      visiting.add(fc.name);
      for (const r of fc.translated?.reads ?? []) {
        const dep = byName.get(r);
        if (dep) visit(dep, [...path, fc.name]);
      }
      visiting.delete(fc.name);
      done.add(fc.name);
      out.push(fc);
    };
    for (const fc of columns) visit(fc, []);
    return out;
  }

  // ---- lookup sources ---------------------------------------------------------------------

  private findTable(name: string): { ws: Worksheet; table: TableInfo } | undefined {
    for (const ws of this.wb.worksheets()) {
      const table = ws.tables().find((t) => t.name.toLowerCase() === name.toLowerCase());
      if (table) return { ws, table };
    }
    return undefined;
  }

  private addSource(block: HeadedBlock, name: string): string | undefined {
    const existing = this.lookupSources.get(name);
    if (existing) {
      if (existing.sheet !== block.sheet || rangeA1(existing.data) !== rangeA1(block.data)) {
        return `${name} is read through two different ranges (${rangeA1(existing.data)} and ${rangeA1(block.data)}); use one range (or an Excel table) per lookup table.`;
      }
      return undefined;
    }
    if (name.toLowerCase() === this.mainName.toLowerCase()) return `the lookup table's name ${name} is the sample's own name; rename the table or sheet.`;
    this.lookupSources.set(name, block);
    return undefined;
  }

  private resolveSource(ref: Reference, text: string): SourceRange | string {
    if (ref.kind === 'structured' || ref.kind === 'name') {
      const tableName = ref.kind === 'name' ? ref.name : (ref.table as string);
      const found = this.findTable(tableName);
      if (!found) return ref.kind === 'name' ? `${text} is neither a table nor a range; defined names are not supported, refer to the range or table itself.` : `there is no table named ${tableName} in the workbook.`;
      const block = tableBlock(found.ws.name, found.table);
      const problem = this.addSource(block, found.table.name);
      if (problem) return problem;
      let columns = block.columns;
      if (ref.kind === 'structured') {
        if (ref.items.includes('#Headers') || ref.items.includes('#Totals')) return `${text} refers to the table's header or totals row; refer to its data ([#Data], [#All] or a column).`;
        if (ref.columns.length > 0) {
          const lower = block.columns.map((c) => c.toLowerCase());
          const idx = ref.columns.map((c) => lower.indexOf(c.toLowerCase()));
          const missing = ref.columns.find((_c, i) => (idx[i] as number) < 0);
          if (missing !== undefined) return `table ${found.table.name} has no column "${missing}" (columns: ${block.columns.join(', ')}).`;
          const a = idx[0] as number;
          const b = (idx[1] ?? a) as number;
          columns = block.columns.slice(Math.min(a, b), Math.max(a, b) + 1);
        }
      }
      return { source: found.table.name, columns };
    }
    const sheetName = ref.sheet ?? this.ws.name;
    const ws = this.wb.worksheet(sheetName);
    if (!ws) return `there is no sheet named ${sheetName}.`;
    // A range on the sample's sheet, or inside a table elsewhere: use the table when it covers the range.
    const left = Math.min(ref.start.column ?? 1, ref.end.column ?? 1);
    const right = Math.max(ref.start.column ?? 16384, ref.end.column ?? 16384);
    const used = ws.usedRange();
    if (!used) return `sheet ${ws.name} is empty.`;
    if (ref.start.column === undefined) return `${text} is a whole-row reference; lookups read columns.`;
    const tableHere = ws.tables().find((t) => left >= t.range.left && right <= t.range.right && (ref.start.row === undefined || (ref.start.row >= t.range.top && ref.start.row <= t.range.top + 1)));
    let block: HeadedBlock;
    let name: string;
    if (tableHere) {
      block = tableBlock(ws.name, tableHere);
      name = tableHere.name;
    } else {
      if (ws.name.toLowerCase() === this.ws.name.toLowerCase()) {
        return `${text} is a range on the sample's own sheet; put the lookup table on its own sheet or make it an Excel table (Insert → Table) and refer to it by name.`;
      }
      // The sheet's used range, under its first row (the header row when it holds text).
      block = rangeBlock(ws, used);
      name = ws.name;
      const top = Math.min(ref.start.row ?? used.top, ref.end.row ?? used.top);
      const headerOk = block.headerRow === undefined ? top === used.top : top === block.headerRow || top === block.headerRow + 1;
      if (!headerOk) {
        return `${text} starts at row ${top}, but the table on sheet ${ws.name} starts at row ${block.headerRow ?? used.top}${block.headerRow !== undefined ? ' (its header row)' : ''}; a lookup range must cover the whole table on its sheet (or use whole columns, e.g. ${quoteSheet(ws.name)}!A:C).`;
      }
      const bottom = Math.max(ref.start.row ?? used.bottom, ref.end.row ?? used.bottom);
      if (bottom < used.bottom) this.warnings.push(`${text} stops at row ${bottom}, but sheet ${ws.name} has data down to row ${used.bottom}; on the full data the lookup searches every row of ${ws.name}.`);
    }
    if (left < block.data.left || right > block.data.right) {
      return `${text} reaches beyond the columns of the table on sheet ${ws.name} (${rangeA1({ ...block.data, top: block.headerRow ?? block.data.top })}).`;
    }
    const problem = this.addSource(block, name);
    if (problem) return problem;
    return { source: name, columns: block.columns.slice(left - block.data.left, right - block.data.left + 1) };
  }

  // ---- sources ----------------------------------------------------------------------------

  private sample(name: string, block: HeadedBlock, sheetColumns: number[], ws: Worksheet = this.ws): SourceSample {
    const columns = sheetColumns.map((c) => {
      const cells: CellInfo[] = [];
      for (let r = block.data.top; r <= block.data.bottom; r++) cells.push(ws.cell(r, c));
      return { name: block.columns[c - block.data.left] as string, type: inferColumnType(cells) };
    });
    const rows: CellValue[][] = [];
    for (let r = block.data.top; r <= block.data.bottom; r++) rows.push(sheetColumns.map((c) => ws.cell(r, c).value));
    return { source: name, sheet: block.sheet, columns, rows };
  }

  private sourceOf(sample: SourceSample): Source {
    if (sample.columns.length === 0) {
      throw new RecordError(`Sheet ${sample.sheet}: ${sample.source} has no input columns (every column is a formula); nothing to run the formulas on.`);
    }
    return { name: sample.source, sheet: sample.sheet, columns: sample.columns.map((c) => ({ name: c.name, type: c.type })), format: { type: 'csv' } };
  }

  // ---- filter, sort, pivots ----------------------------------------------------------------

  private filterState(): { filters: ColumnFilter[]; sort?: SortState } | undefined {
    if (this.block.tableInfo) return this.block.tableInfo;
    const af = this.ws.autoFilter();
    return af ?? undefined;
  }

  /** The recorded column at a 0-based offset of the sample, or undefined (refusing `what`) when it was not recorded. */
  private columnAt(index: number, what: string): string | undefined {
    const name = this.block.columns[index];
    if (name !== undefined && !this.available.has(name.toLowerCase())) {
      this.refused.push({ cell: `${quoteSheet(this.ws.name)}!${what} on "${name}"`, formula: '', reason: `column "${name}" could not be recorded (see above), so the ${what.toLowerCase()} on it is left out.` });
      return undefined;
    }
    return name;
  }

  private filterStep(nextId: () => string): Step | undefined {
    const state = this.filterState();
    if (!state || state.filters.length === 0) return undefined;
    const conditions: FilterCondition[] = [];
    for (const f of state.filters) {
      const column = this.columnAt(f.columnIndex, 'AutoFilter');
      if (!column) continue;
      const where = `${quoteSheet(this.ws.name)}!AutoFilter on "${column}"`;
      switch (f.filterOn) {
        case 'values':
          conditions.push({ column, filterOn: 'values', values: this.filterValues(f.columnIndex, f.values), ...(f.blanks ? { blanks: true } : {}) });
          break;
        case 'custom':
          conditions.push({ column, filterOn: 'custom', criterion1: f.criterion1, ...(f.criterion2 !== undefined ? { criterion2: f.criterion2 } : {}), ...(f.operator ? { operator: f.operator } : {}) });
          break;
        case 'topItems':
        case 'bottomItems':
        case 'topPercent':
        case 'bottomPercent':
          conditions.push({ column, filterOn: f.filterOn, count: f.count });
          break;
        case 'aboveAverage':
        case 'belowAverage':
          conditions.push({ column, filterOn: f.filterOn });
          break;
        case 'unsupported':
          this.refused.push({ cell: where, formula: '', reason: `the filter (${f.description}) cannot be recorded: only value lists, number/text conditions, top/bottom N and above/below average are supported.` });
          break;
      }
    }
    if (conditions.length === 0) return undefined;
    return { op: 'filter', id: nextId(), provenance: { sheet: this.ws.name, action: 'AutoFilter', ...(this.block.table ? { table: this.block.table } : {}) }, conditions };
  }

  /**
   * An .xlsx stores a value filter's items as the text the filter list shows; in a column of
   * numbers, "100" means the number 100 (numbers are compared by value).
   */
  private filterValues(index: number, values: Array<string | number | boolean>): Array<string | number | boolean> {
    const c = this.block.data.left + index;
    let numeric = true;
    for (let r = this.block.data.top; r <= this.block.data.bottom; r++) {
      const k = this.ws.cell(r, c).value.kind;
      if (k !== 'number' && k !== 'blank') numeric = false;
    }
    if (!numeric) return values;
    return values.map((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v));
  }

  private sortStep(nextId: () => string): Step | undefined {
    const sort = this.filterState()?.sort;
    if (!sort || sort.fields.length === 0) return undefined;
    const keys: Array<{ column: string; descending?: boolean }> = [];
    for (const f of sort.fields) {
      const column = this.columnAt(f.columnIndex, 'Sort');
      if (!column) return undefined;
      if (f.sortOn && f.sortOn !== 'value') {
        this.refused.push({ cell: `${quoteSheet(this.ws.name)}!Sort on "${column}"`, formula: '', reason: `sorting by ${f.sortOn} cannot be recorded; sort by values.` });
        return undefined;
      }
      keys.push(f.descending ? { column, descending: true } : { column });
    }
    if (keys.length === 0) return undefined;
    return { op: 'sort', id: nextId(), provenance: { sheet: this.ws.name, action: 'Sort', ...(this.block.table ? { table: this.block.table } : {}) }, keys, ...(sort.matchCase ? { matchCase: true } : {}) };
  }

  private pivotOnSample(p: PivotTableInfo): boolean {
    if (p.source.table) return this.block.table !== undefined && p.source.table.toLowerCase() === this.block.table.toLowerCase();
    if (!p.source.sheet || p.source.sheet.toLowerCase() !== this.ws.name.toLowerCase() || !p.source.range) return false;
    const r = p.source.range;
    return r.left <= this.block.data.left && r.right >= this.block.data.right && r.top <= (this.block.headerRow ?? this.block.data.top);
  }

  private pivotSteps(nextId: () => string): { steps: PivotStep[]; samples: PivotSample[] } {
    const steps: PivotStep[] = [];
    const samples: PivotSample[] = [];
    const known = this.available;
    for (const ws of this.wb.worksheets()) {
      for (const p of ws.pivotTables()) {
        if (!this.pivotOnSample(p)) continue;
        const where = `${quoteSheet(ws.name)}!PivotTable ${p.name}`;
        const fields = [...p.rows, ...p.columns, ...p.values.map((v) => v.field), ...p.filters.map((f) => f.field)];
        const unknown = fields.find((f) => f !== '\u03a3Values' && !known.has(f.toLowerCase()));
        if (unknown) {
          this.refused.push({ cell: where, formula: '', reason: `the pivot uses field "${unknown}", which is not a recorded column of the sample.` });
          continue;
        }
        if (p.values.length === 0) {
          this.refused.push({ cell: where, formula: '', reason: 'the pivot has no value fields; add one (e.g. Sum of Amount).' });
          continue;
        }
        const values = p.values.map((v) => {
          const key = (v.summarizeBy ?? 'automatic').toLowerCase();
          const fn = SUMMARIZE_BY[key];
          return { column: v.field, ...(fn ? { summarizeBy: fn } : {}), ...(v.name ? { name: v.name } : {}) };
        });
        const step: PivotStep = {
          op: 'pivot',
          id: nextId(),
          provenance: { sheet: ws.name, action: 'PivotTable', ...(p.location ? { range: rangeA1(p.location.range) } : {}), ...(this.block.table ? { table: this.block.table } : {}) },
          name: p.name,
          rows: p.rows,
          columns: p.columns.filter((c) => c !== '\u03a3Values'),
          values,
          filters: p.filters.filter((f) => f.values !== undefined).map((f) => ({ column: f.field, values: f.values ?? [] })),
          grandTotals: { rows: p.grandTotals.rows, columns: p.grandTotals.columns },
        };
        steps.push(step);
        if (p.location) {
          const loc = p.location;
          const sheet = this.wb.worksheet(loc.sheet);
          if (sheet) {
            const cells: CellValue[][] = [];
            for (let r = loc.range.top; r <= loc.range.bottom; r++) {
              const row: CellValue[] = [];
              for (let c = loc.range.left; c <= loc.range.right; c++) row.push(sheet.cell(r, c).value);
              cells.push(row);
            }
            samples.push({ name: p.name, sheet: loc.sheet, range: loc.range, cells });
          }
        }
      }
    }
    return { steps, samples };
  }
}

function listRows(rows: number[]): string {
  const shown = rows.slice(0, 10).join(', ');
  return rows.length > 10 ? `${shown} and ${rows.length - 10} more` : shown;
}
