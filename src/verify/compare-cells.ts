/**
 * How a value sheetscale computed is compared with the value Excel cached, in the JSON value
 * encoding (number, string, boolean, null = blank, {error}). One rule for the CLI's `verify` and
 * the task pane's Verify. Types only: the task pane bundle imports this, so no Node modules.
 */
import type { CellValue as JsonCellValue } from '../api/types';
import type { CellValue } from '../recorder/workbook';

/** The recorder's value in the JSON value encoding: blank → null, error → {error}. */
export function toJsonValue(v: CellValue): JsonCellValue {
  switch (v.kind) {
    case 'blank':
      return null;
    case 'error':
      return { error: v.value };
    default:
      return v.value;
  }
}

/** Excel shows and compares numbers to 15 significant digits. */
function sameNumber(a: number, b: number): boolean {
  return a === b || Number(a.toPrecision(15)) === Number(b.toPrecision(15));
}

export interface SameValueOptions {
  /**
   * Count a blank and empty text as equal. The task pane's Verify does: its samples reach the
   * engine as CSV, where the two are one empty field. (The CLI's samples do too; it stays strict.)
   */
  blankMatchesEmptyText?: boolean;
}

/**
 * True when sheetscale's value (`actual`; undefined when it has none) is the value Excel cached:
 * numbers to 15 significant digits, text case-sensitively, errors by code, kinds never mixed.
 */
export function sameValue(expected: JsonCellValue, actual: JsonCellValue | undefined, options: SameValueOptions = {}): boolean {
  if (actual === undefined) return false;
  if (options.blankMatchesEmptyText && (expected === null || expected === '') && (actual === null || actual === '')) return true;
  if (expected === null || actual === null) return expected === actual;
  if (typeof expected === 'object' || typeof actual === 'object') {
    return typeof expected === 'object' && typeof actual === 'object' && expected.error === actual.error;
  }
  if (typeof expected === 'number' && typeof actual === 'number') return sameNumber(expected, actual);
  return expected === actual;
}

/** A value as a person reads it in a report line. */
export function showValue(v: JsonCellValue | undefined): string {
  if (v === undefined) return '(missing)';
  if (v === null) return '(blank)';
  if (typeof v === 'object') return v.error;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
