/**
 * The JSON value encoding shared by the engine, the API and the add-in (number, string, boolean,
 * null = blank, {"error": "#N/A"}), and how a text cell of a dataset file becomes such a value
 * for its column's Excel-facing type, as the engine reads it.
 */
import { ERROR_CODES, isErrorCode } from '../../src/config/errors';

/** One cell as JSON. */
export type CellValue = number | string | boolean | null | { error: string };

/** The Excel error codes (read from the config schema by src/config). */
export const excelErrorCodes: readonly string[] = ERROR_CODES;

export type ColumnType = 'number' | 'text' | 'logical' | 'date' | 'mixed';

const MS_PER_DAY = 86_400_000;

/**
 * The 1900-system serial number of an ISO date (yyyy-mm-dd), or null. Excel counts a phantom
 * 1900-02-29, so dates from 1900-03-01 on are one more than the plain day count from 1899-12-31.
 */
export function isoDateToSerial(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x == null ? 0 : Number(x))) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(t);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const days = (t - Date.UTC(1899, 11, 31)) / MS_PER_DAY;
  if (days < 1) return null;
  return t >= Date.UTC(1900, 2, 1) ? days + 1 : days;
}

/** The ISO date (yyyy-mm-dd) of a 1900-system serial number (its whole part), or null. */
export function serialToIsoDate(serial: number): string | null {
  const whole = Math.floor(serial);
  if (!Number.isFinite(serial) || whole < 1 || whole === 60) return null; // 60 is the phantom 1900-02-29
  const days = whole > 60 ? whole - 1 : whole;
  return new Date(Date.UTC(1899, 11, 31) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The value of a file's text cell for a column of the given type; invalid text is #VALUE!. */
export function cellFromText(text: string, type: ColumnType): CellValue {
  if (text === '') return null;
  switch (type) {
    case 'text':
      return text;
    case 'number':
      return NUMBER_TEXT.test(text.trim()) ? Number(text) : { error: '#VALUE!' };
    case 'logical': {
      const t = text.trim().toUpperCase();
      return t === 'TRUE' ? true : t === 'FALSE' ? false : { error: '#VALUE!' };
    }
    case 'date': {
      const serial = isoDateToSerial(text);
      return serial == null ? { error: '#VALUE!' } : serial;
    }
    case 'mixed': {
      if (NUMBER_TEXT.test(text.trim())) return Number(text);
      const upper = text.trim().toUpperCase();
      if (upper === 'TRUE') return true;
      if (upper === 'FALSE') return false;
      if (isErrorCode(upper)) return { error: upper };
      return text;
    }
  }
}

/** Guesses a column's type from sample texts (for catalog entries that do not declare columns). */
export function guessColumnType(texts: string[]): ColumnType {
  const filled = texts.filter((t) => t !== '');
  if (filled.length === 0) return 'text';
  if (filled.every((t) => NUMBER_TEXT.test(t.trim()))) return 'number';
  if (filled.every((t) => /^\d{4}-\d{2}-\d{2}$/.test(t.trim()) && isoDateToSerial(t) != null)) return 'date';
  if (filled.every((t) => /^(true|false)$/i.test(t.trim()))) return 'logical';
  return 'text';
}

/**
 * A JSON value back to the text a CSV cell holds for the engine (uploads and preview rows travel
 * as CSV). In a date column a serial number is written as its ISO date, which the engine reads.
 */
export function cellToText(value: unknown, type?: ColumnType): string {
  if (value == null) return '';
  if (type === 'date' && typeof value === 'number') return serialToIsoDate(value) ?? String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'string') return value.error;
  throw new Error(`not a cell value: ${JSON.stringify(value)}`);
}

/** True when `v` is a value of the JSON cell encoding. */
export function isCellValue(v: unknown): v is CellValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return typeof v === 'object' && Object.keys(v).length === 1 && isErrorCode((v as { error?: unknown }).error);
}
