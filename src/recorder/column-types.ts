/** Inferring a source column's Excel-facing type from the sample's values. */
import type { ColumnType } from '../config/types.generated';
import type { CellInfo } from './workbook';

/**
 * True for a number format that shows a date (a day or year part outside quotes and [..] sections).
 * Time-only formats (h:mm) are not dates: their values stay numbers.
 */
export function isDateFormat(format: string | undefined): boolean {
  if (!format || format.toLowerCase() === 'general') return false;
  const stripped = format.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/\\./g, '');
  return /[dy]/i.test(stripped);
}

/**
 * The column type that reads back every sample value with its kind:
 * all numbers → number (date when every one is a whole number shown as a date); all text → text;
 * all logicals → logical; anything else (several kinds, errors, only blanks) → mixed.
 */
export function inferColumnType(cells: readonly CellInfo[]): ColumnType {
  const kinds = new Set<string>();
  let allDates = true;
  for (const c of cells) {
    if (c.value.kind === 'blank') continue;
    kinds.add(c.value.kind);
    if (c.value.kind === 'number' && !(isDateFormat(c.numberFormat) && Number.isInteger(c.value.value))) allDates = false;
  }
  if (kinds.size !== 1) return 'mixed';
  const [kind] = [...kinds];
  if (kind === 'number') return allDates ? 'date' : 'number';
  if (kind === 'text') return 'text';
  if (kind === 'logical') return 'logical';
  return 'mixed';
}
