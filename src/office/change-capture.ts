/**
 * Watches sheets for what the user types while recording: `worksheet.onChanged` [ExcelApi 1.7]
 * gives the changed address; we then load that range's formulas in A1 and R1C1. A formula filled
 * down a column reads the same in R1C1 on every row, which is how a formula column is recognised.
 * The add-in's own writes are not recorded (see {@link ChangeCapture.whileSuppressed}).
 */
import { addressRange } from './workbook-snapshot';
import { excelRun, excelRunWithContext, type ExcelRunner, type ExcelRunnerWithContext } from './excel-run';
import { cellAddress, columnLetters } from '../recorder/workbook';

/** A formula seen in one column of a changed range. */
export interface CapturedFormula {
  sheet: string;
  /** First cell holding the formula, e.g. "D2". */
  cell: string;
  /** The cells of that column that hold it, e.g. "D2:D101". */
  range: string;
  formula: string;
  formulaR1C1: string;
  /** Whether every formula cell of the column reads the same in R1C1 (filled down). */
  consistent: boolean;
  /** 1-based column number. */
  column: number;
}

/** Formulas of a loaded block (rows × columns), column by column. */
export function formulasByColumn(sheet: string, top: number, left: number, formulas: unknown[][], formulasR1C1: unknown[][]): CapturedFormula[] {
  const out: CapturedFormula[] = [];
  const width = Math.max(0, ...formulas.map((r) => r.length));
  for (let c = 0; c < width; c++) {
    const cells: { row: number; a1: string; r1c1: string }[] = [];
    formulas.forEach((row, r) => {
      const f = row[c];
      if (typeof f === 'string' && f.startsWith('=')) cells.push({ row: top + r, a1: f, r1c1: String(formulasR1C1[r]?.[c] ?? '') });
    });
    const first = cells[0];
    if (!first) continue;
    const last = cells[cells.length - 1] ?? first;
    const column = left + c;
    out.push({
      sheet,
      cell: cellAddress(first.row, column),
      range: `${columnLetters(column)}${first.row}:${columnLetters(column)}${last.row}`,
      formula: first.a1,
      formulaR1C1: first.r1c1,
      consistent: cells.every((x) => x.r1c1 === first.r1c1),
      column,
    });
  }
  return out;
}

export interface ChangeCaptureOptions {
  sheets: readonly string[];
  onFormulas: (formulas: CapturedFormula[]) => void;
  onError: (message: string) => void;
  run?: ExcelRunner;
  runWithContext?: ExcelRunnerWithContext;
}

export class ChangeCapture {
  private handlers: OfficeExtension.EventHandlerResult<Excel.WorksheetChangedEventArgs>[] = [];
  private suppressed = 0;
  private readonly run: ExcelRunner;
  private readonly runWithContext: ExcelRunnerWithContext;

  constructor(private readonly options: ChangeCaptureOptions) {
    this.run = options.run ?? excelRun;
    this.runWithContext = options.runWithContext ?? excelRunWithContext;
  }

  async start(): Promise<void> {
    this.handlers = await this.run(async (context) => {
      const results = this.options.sheets.map((name) =>
        context.workbook.worksheets.getItem(name).onChanged.add((event) => this.onChanged(event)));
      await context.sync();
      return results;
    });
  }

  async stop(): Promise<void> {
    const handlers = this.handlers;
    this.handlers = [];
    for (const h of handlers) {
      // The handler's context is the Excel.RequestContext it was added with.
      await this.runWithContext(h.context as Excel.RequestContext, async (context) => {
        h.remove();
        await context.sync();
      });
    }
  }

  /** Runs `write` without recording what it changes (the add-in's own writes). */
  async whileSuppressed<T>(write: () => Promise<T>): Promise<T> {
    this.suppressed++;
    try {
      return await write();
    } finally {
      this.suppressed--;
    }
  }

  private async onChanged(event: Excel.WorksheetChangedEventArgs): Promise<void> {
    if (this.suppressed > 0 || event.triggerSource === 'ThisLocalAddin') return;
    if (event.changeType !== 'RangeEdited' && event.changeType !== 'CellInserted' && event.changeType !== 'RowInserted' && event.changeType !== 'ColumnInserted') return;
    try {
      const found = await this.run(async (context) => {
        const sheet = context.workbook.worksheets.getItem(event.worksheetId);
        sheet.load('name');
        // The whole columns touched, within the used range: a fill-down reported as D3:D101
        // still shows its column from D2.
        const range = sheet.getRange(event.address).getEntireColumn().getIntersection(sheet.getUsedRange(false));
        range.load('address,formulas,formulasR1C1');
        await context.sync();
        const at = addressRange(range.address);
        if (!at) return [];
        return formulasByColumn(sheet.name, at.top, at.left, range.formulas, range.formulasR1C1);
      });
      if (found.length) this.options.onFormulas(found);
    } catch (err) {
      this.options.onError(`Could not read what changed at ${event.address}: ${(err as Error).message}`);
    }
  }
}
