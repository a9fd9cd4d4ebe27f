/**
 * Writes a recorded source's sample rows as CSV the engine reads back with the same kinds
 * (see the engine contract's "Source reading"): numbers in shortest round-trip form, dates as ISO
 * dates, logicals as TRUE/FALSE, errors as their codes (mixed columns), blanks as empty fields.
 */
import type { ColumnType } from '../config/types.generated';
import type { CellValue } from '../recorder/workbook';

const MS_PER_DAY = 86_400_000;

/** A serial date as an ISO date (yyyy-mm-dd), or undefined for Excel's phantom 1900-02-29 / non-dates. */
export function serialToIsoDate(serial: number, dateSystem: '1900' | '1904' = '1900'): string | undefined {
  if (!Number.isInteger(serial) || serial < 0) return undefined;
  let epoch: number;
  if (dateSystem === '1904') epoch = Date.UTC(1904, 0, 1);
  else if (serial >= 61) epoch = Date.UTC(1899, 11, 30);
  else if (serial === 60) return undefined;
  else epoch = Date.UTC(1899, 11, 31);
  return new Date(epoch + serial * MS_PER_DAY).toISOString().slice(0, 10);
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One field of a value in a column of the given type. */
export function csvField(v: CellValue, type: ColumnType, dateSystem: '1900' | '1904' = '1900'): string {
  switch (v.kind) {
    case 'blank':
      return '';
    case 'number':
      if (type === 'date') {
        const iso = serialToIsoDate(v.value, dateSystem);
        if (iso) return iso;
      }
      return String(v.value);
    case 'text':
      return quote(v.value);
    case 'logical':
      return v.value ? 'TRUE' : 'FALSE';
    case 'error':
      return v.value;
  }
}

/** The CSV text (header line + rows) of a sample. */
export function sampleCsv(columns: Array<{ name: string; type: ColumnType }>, rows: CellValue[][], dateSystem: '1900' | '1904' = '1900'): string {
  const lines = [columns.map((c) => quote(c.name)).join(',')];
  for (const row of rows) lines.push(row.map((v, i) => csvField(v, (columns[i] as { type: ColumnType }).type, dateSystem)).join(','));
  return `${lines.join('\n')}\n`;
}
