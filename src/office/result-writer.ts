/**
 * Writes a job's result into a new worksheet: a provenance block, then the rows (in chunks sized
 * by bytes, under Excel on the web's 5 MB request limit, with calculation and screen updating
 * suspended), an Excel table over them, then the totals and pivots of the summary.
 *
 * Text cells get the '@' number format *before* their values are written, so that data such as
 * "=HYPERLINK(...)", "+1", "-x" or "@a" stays text and never becomes a formula.
 */
import type { CellValue, ColumnInfo, RunSummary } from '../api/types';
import { cellPayloadBytes, toExcelCell, GENERAL_FORMAT, TEXT_FORMAT, type ExcelCell } from './cell-values';
import { EXCEL_ERROR_CODES } from './error-codes';
import { excelRun, isSetSupported, setRangeNumberFormat, type ExcelRunner } from './excel-run';
import { columnLetters } from '../recorder/workbook';
import { tableNameFor, uniqueSheetName } from './sheet-names';

/** Excel's row limit per sheet. */
export const EXCEL_MAX_ROWS = 1_048_576;
/** Start size of a chunk; halved whenever Excel answers RequestPayloadSizeLimitExceeded. */
export const DEFAULT_CHUNK_BYTES = 1_000_000;
const MIN_CHUNK_BYTES = 16_000;

export interface ResultProvenance {
  jobId: string;
  jobName?: string;
  configHash: string;
  datasets: string[];
  engine: string;
  engineVersion?: string;
  /** Rows in the full result. */
  totalRows: number;
  finishedAt?: string;
}

/** Gives the rows to write, page by page (from the summary or the backend's paged rows). */
export type RowPages = AsyncIterable<CellValue[][]>;

export interface WriteResultOptions {
  /** Sheet name wanted (made valid and unique). */
  sheetName: string;
  provenance: ResultProvenance;
  columns: ColumnInfo[];
  rows: RowPages;
  /** How many rows will be written in all (for "N of M rows shown" and progress). */
  rowsToWrite: number;
  totals?: RunSummary['totals'];
  pivots?: RunSummary['pivots'];
  /** A link to the full result, when not every row is written. */
  downloadUrl?: string;
  onProgress?: (written: number, of: number) => void;
  signal?: AbortSignal;
  chunkBytes?: number;
  run?: ExcelRunner;
}

export interface WriteResultOutcome {
  sheetName: string;
  tableName: string;
  rowsWritten: number;
  cancelled: boolean;
  /** Address of the header row's first cell, e.g. "A10". */
  tableTopLeft: string;
}

/** Thrown when a write cannot go on; the message names the sheet and rows. */
export class ResultWriteError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'ResultWriteError';
  }
}

function isPayloadTooLarge(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'RequestPayloadSizeLimitExceeded' || /RequestPayloadSizeLimitExceeded/.test(String((err as Error | null)?.message ?? ''));
}

/** Splits rows into chunks of at most `budget` bytes (at least one row each). */
export function chunkRows(cells: ExcelCell[][], budget: number): ExcelCell[][][] {
  const chunks: ExcelCell[][][] = [];
  let current: ExcelCell[][] = [];
  let size = 0;
  for (const row of cells) {
    const bytes = row.reduce((n, c) => n + cellPayloadBytes(c), 0);
    if (current.length && size + bytes > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function provenanceRows(p: ResultProvenance, shown: number, downloadUrl?: string): [string, string | number][] {
  const rows: [string, string | number][] = [
    ['sheetscale result', p.jobName ?? p.jobId],
    ['Job id', p.jobId],
    ['Config hash', p.configHash],
    ['Dataset', p.datasets.join(', ') || '(uploaded with the job)'],
    ['Engine', p.engineVersion ? `${p.engine} ${p.engineVersion}` : p.engine],
    ['Rows in the full result', p.totalRows],
    ['Rows shown', `${shown} of ${p.totalRows} rows shown`],
    ['Finished at', p.finishedAt ?? ''],
  ];
  if (downloadUrl) rows.push(['Full result', downloadUrl]);
  return rows;
}

/** Writes the result sheet. Cancelling (signal) stops after the current chunk, keeping what is written. */
export async function writeResultSheet(options: WriteResultOptions): Promise<WriteResultOutcome> {
  const run = options.run ?? excelRun;
  const { columns } = options;
  if (columns.length === 0) throw new ResultWriteError('The result has no columns, so there is nothing to write.');
  if (options.rowsToWrite > EXCEL_MAX_ROWS - 20) {
    throw new ResultWriteError(`The result has ${options.rowsToWrite} rows, more than a sheet holds (${EXCEL_MAX_ROWS}). Open the summary instead and download the full result.`);
  }
  const provenance = provenanceRows(options.provenance, options.rowsToWrite, options.downloadUrl);
  const headerRow = provenance.length + 2; // one blank row between provenance and the table
  const lastCol = columnLetters(columns.length);

  // 1. Create the sheet, the provenance block, the header, and the column formats.
  const names = await run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load('items/name');
    const tables = context.workbook.tables;
    tables.load('items/name');
    await context.sync();
    const sheetName = uniqueSheetName(options.sheetName, sheets.items.map((s) => s.name));
    const tableName = tableNameFor(sheetName, tables.items.map((t) => t.name));
    const sheet = sheets.add(sheetName);
    const prov = sheet.getRange(`A1:B${provenance.length}`);
    // Values from the job (ids, dataset names) are text and stay text; counts stay numbers.
    prov.numberFormat = provenance.map(([, v]) => [GENERAL_FORMAT, typeof v === 'number' ? GENERAL_FORMAT : TEXT_FORMAT]);
    prov.values = provenance;
    sheet.getRange('A1:A1').format.font.bold = true;
    const header = sheet.getRange(`A${headerRow}:${lastCol}${headerRow}`);
    header.numberFormat = [columns.map(() => TEXT_FORMAT)];
    header.values = [columns.map((c) => c.name)];
    // Text columns are text before any value arrives (the per-chunk formats below repeat it cell by cell).
    if (options.rowsToWrite > 0) {
      columns.forEach((c, i) => {
        if (c.type !== 'text') return;
        const col = columnLetters(i + 1);
        setRangeNumberFormat(sheet.getRange(`${col}${headerRow + 1}:${col}${headerRow + options.rowsToWrite}`), TEXT_FORMAT);
      });
    }
    sheet.activate();
    await context.sync();
    return { sheetName, tableName };
  });

  // 2. The rows, chunk by chunk.
  let written = 0;
  let budget = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  let cancelled = false;
  const screenUpdating = isSetSupported('ExcelApi', '1.9');
  outer: for await (const page of options.rows) {
    const cells = page.map((row) => columns.map((col, i) => toExcelCell(row[i] ?? null, col, EXCEL_ERROR_CODES)));
    let pending = chunkRows(cells, budget);
    while (pending.length) {
      if (options.signal?.aborted) {
        cancelled = true;
        break outer;
      }
      const chunk = pending[0] as ExcelCell[][];
      if (written + chunk.length > options.rowsToWrite) chunk.splice(options.rowsToWrite - written);
      if (chunk.length === 0) break outer;
      const top = headerRow + 1 + written;
      try {
        await run(async (context) => {
          context.application.suspendApiCalculationUntilNextSync();
          if (screenUpdating) context.application.suspendScreenUpdatingUntilNextSync();
          const range = context.workbook.worksheets.getItem(names.sheetName)
            .getRange(`A${top}:${lastCol}${top + chunk.length - 1}`);
          range.numberFormat = chunk.map((r) => r.map((c) => c.numberFormat));
          range.values = chunk.map((r) => r.map((c) => c.value));
          await context.sync();
        });
      } catch (err) {
        if (isPayloadTooLarge(err) && budget > MIN_CHUNK_BYTES) {
          budget = Math.floor(budget / 2);
          pending = [...chunkRows(chunk, budget), ...pending.slice(1)];
          continue;
        }
        throw new ResultWriteError(
          `Excel refused to write rows ${written + 1}–${written + chunk.length} into sheet "${names.sheetName}" (${(err as Error).message}). The rows before them are written; try again, or open the summary instead.`,
          err,
        );
      }
      written += chunk.length;
      pending.shift();
      options.onProgress?.(written, options.rowsToWrite);
    }
    if (written >= options.rowsToWrite) break;
  }

  // 3. The table over what was written, the "shown" line, totals and pivots.
  await run(async (context) => {
    const sheet = context.workbook.worksheets.getItem(names.sheetName);
    const table = sheet.tables.add(`A${headerRow}:${lastCol}${headerRow + Math.max(written, 1)}`, true);
    table.name = names.tableName;
    const shown = sheet.getRange(`B${provenance.findIndex(([k]) => k === 'Rows shown') + 1}`);
    shown.values = [[`${written} of ${options.provenance.totalRows} rows shown${cancelled ? ' (cancelled)' : ''}`]];
    let next = headerRow + Math.max(written, 1) + 2;
    const totals = Object.entries(options.totals ?? {});
    if (totals.length) {
      const block = sheet.getRange(`A${next}:B${next + totals.length}`);
      block.numberFormat = [[TEXT_FORMAT, TEXT_FORMAT], ...totals.map(() => [TEXT_FORMAT, GENERAL_FORMAT])];
      block.values = [['Totals (full result)', ''], ...totals.map(([k, v]): [string, number] => [k, v])];
      sheet.getRange(`A${next}`).format.font.bold = true;
      next += totals.length + 2;
    }
    for (const pivot of options.pivots ?? []) {
      const width = Math.max(pivot.header.length, ...pivot.rows.map((r) => r.length), 1);
      const right = columnLetters(width);
      const cells = [pivot.header, ...pivot.rows].map((r) => Array.from({ length: width }, (_, i) => toExcelCell(r[i] ?? null, undefined, EXCEL_ERROR_CODES)));
      const title = sheet.getRange(`A${next}`);
      title.numberFormat = [[TEXT_FORMAT]]; // the pivot's name comes from the workbook
      title.values = [[`${pivot.name} (full result)`]];
      title.format.font.bold = true;
      const body = sheet.getRange(`A${next + 1}:${right}${next + cells.length}`);
      body.numberFormat = cells.map((r) => r.map((c) => c.numberFormat));
      body.values = cells.map((r) => r.map((c) => c.value));
      next += cells.length + 2;
    }
    sheet.getRange(`A1:${lastCol}1`).getEntireColumn().format.autofitColumns();
    await context.sync();
  });

  return { sheetName: names.sheetName, tableName: names.tableName, rowsWritten: written, cancelled, tableTopLeft: `A${headerRow}` };
}
