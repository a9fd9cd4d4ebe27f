/**
 * From the JSON value encoding (engine, backend) to what Office.js writes, cell by cell, so that
 * the sheet holds what Excel itself would have: numbers as numbers, dates as serials shown with a
 * date format, logicals, errors as Excel errors, and text as text — never as a formula.
 */
import type { CellValue, ColumnInfo } from '../api/types';

/** Number format of text cells: '@' makes Excel keep "=HYPERLINK(..)", "+1", "-x", "@a" as typed. */
export const TEXT_FORMAT = '@';
export const DATE_FORMAT = 'yyyy-mm-dd';
export const GENERAL_FORMAT = 'General';

/** One cell ready for `range.values` and `range.numberFormat`. */
export interface ExcelCell {
  value: string | number | boolean;
  numberFormat: string;
}

/**
 * How a value is written. Errors go through `values` as their code ("#N/A") in a General cell,
 * which Excel stores as the error value itself; the code is checked against Excel's list so that
 * no other text can take that path.
 */
export function toExcelCell(value: CellValue, column: ColumnInfo | undefined, errorCodes: ReadonlySet<string>): ExcelCell {
  if (value === null) return { value: '', numberFormat: column?.type === 'text' ? TEXT_FORMAT : GENERAL_FORMAT };
  if (typeof value === 'number') return { value, numberFormat: column?.type === 'date' ? DATE_FORMAT : GENERAL_FORMAT };
  if (typeof value === 'boolean') return { value, numberFormat: GENERAL_FORMAT };
  if (typeof value === 'string') return { value, numberFormat: TEXT_FORMAT };
  if (errorCodes.has(value.error)) return { value: value.error, numberFormat: GENERAL_FORMAT };
  // An unknown error code from the data is shown as text rather than guessed at.
  return { value: value.error, numberFormat: TEXT_FORMAT };
}

/** A rough size in bytes of a cell in an Office.js request (JSON of value and format). */
export function cellPayloadBytes(cell: ExcelCell): number {
  const v = typeof cell.value === 'string' ? cell.value.length * 2 + 2 : 12;
  return v + cell.numberFormat.length + 4;
}
