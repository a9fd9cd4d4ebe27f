/**
 * Everything the task pane asks of Excel, as one interface. Components get a host passed in and
 * never call Office.js; {@link createOfficeHost} is the real one, tests pass their own.
 */
import type { CellValue as JsonCellValue, ColumnInfo } from '../api/types';
import type { Workbook } from '../recorder/workbook';
import type { CapturedFormula } from './change-capture';
import type { PivotSpec, SheetOverview, SortKeySpec, TableData } from './excel-actions';
import type { WriteResultOptions, WriteResultOutcome } from './result-writer';
import type { SampleTarget } from './sample-target';

export interface CaptureHandle {
  stop(): Promise<void>;
}

export interface ExcelHost {
  listSheets(): Promise<SheetOverview[]>;
  selection(): Promise<{ sheet: string; address: string }>;
  readData(target: SampleTarget): Promise<TableData>;
  writeSampleSheet(name: string, columns: ColumnInfo[], rows: JsonCellValue[][]): Promise<{ sheet: string; table: string; range: string }>;
  /** Starts recording what is typed on these sheets. */
  startCapture(sheets: readonly string[], onFormulas: (f: CapturedFormula[]) => void, onError: (message: string) => void): Promise<CaptureHandle>;
  sort(target: SampleTarget, keys: SortKeySpec[]): Promise<void>;
  filter(target: SampleTarget, columnIndex: number, criteria: Excel.FilterCriteria): Promise<void>;
  removeDuplicates(target: SampleTarget, columnIndexes: number[]): Promise<number>;
  addPivot(target: SampleTarget, spec: PivotSpec): Promise<string>;
  /** What the recorder reads, for the named sheets. */
  snapshot(sheets?: readonly string[]): Promise<Workbook>;
  writeResult(options: Omit<WriteResultOptions, 'run'>): Promise<WriteResultOutcome>;
}
