/** Comparing the engine's values with the values Excel cached, in the JSON value encoding. */
import type { CellValue } from '../recorder/workbook';
import type { JsonCell } from './engine';

/** A CellValue in the JSON value encoding: blank → null, error → {error}. */
export function jsonValue(v: CellValue): JsonCell {
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

/** True when the engine's value is the value Excel cached. */
export function sameValue(expected: JsonCell, actual: JsonCell | undefined): boolean {
  if (actual === undefined) return false;
  if (expected === null || actual === null) return expected === actual;
  if (typeof expected === 'object' || typeof actual === 'object') {
    return typeof expected === 'object' && typeof actual === 'object' && expected.error === actual.error;
  }
  if (typeof expected === 'number' && typeof actual === 'number') return sameNumber(expected, actual);
  return expected === actual;
}

/** A value as a person reads it in a report line. */
export function showValue(v: JsonCell | undefined): string {
  if (v === undefined) return '(missing)';
  if (v === null) return '(blank)';
  if (typeof v === 'object') return v.error;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
