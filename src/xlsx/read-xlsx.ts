/**
 * The .xlsx adapter: a workbook file → the recorder's Workbook snapshot.
 * Cell values (Excel's cached results), formulas and number formats come from exceljs; tables
 * with their filter/sort state and pivot tables from the package parts (package-parts.ts).
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isErrorCode } from '../config/errors';
import { formulaToR1C1 } from '../formula/parse';
import { referenceToR1C1 } from '../formula/reference';
import { BLANK, InMemoryWorkbook, type CellInfo, type CellValue } from '../recorder/workbook';
import { readPackageParts } from './package-parts';

/** The file could not be read as a workbook. */
export class XlsxReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XlsxReadError';
  }
}

const MS_PER_DAY = 86_400_000;
/**
 * Serial 0 as exceljs decodes it: it turns a serial v into the UTC instant 1899-12-30 + v days
 * (1904-01-01 + v in the 1904 system), so the inverse is linear; Excel's phantom 1900-02-29 only
 * matters for calendar dates before March 1900, which the serial keeps exactly.
 */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** The serial number of a date exceljs decoded from a cell. */
export function dateToSerial(d: Date, date1904: boolean): number {
  return (d.getTime() - (date1904 ? EPOCH_1904 : EPOCH_1900)) / MS_PER_DAY;
}

type RawValue = ExcelJS.CellValue | undefined;

function valueOf(raw: RawValue, date1904: boolean): CellValue {
  if (raw === null || raw === undefined) return BLANK;
  if (typeof raw === 'number') return { kind: 'number', value: raw };
  if (typeof raw === 'string') return raw === '' ? BLANK : { kind: 'text', value: raw };
  if (typeof raw === 'boolean') return { kind: 'logical', value: raw };
  if (raw instanceof Date) return { kind: 'number', value: dateToSerial(raw, date1904) };
  if (typeof raw === 'object') {
    if ('error' in raw) {
      const code = String(raw.error);
      return isErrorCode(code) ? { kind: 'error', value: code } : { kind: 'error', value: '#VALUE!' };
    }
    if ('richText' in raw) return { kind: 'text', value: raw.richText.map((r) => r.text).join('') };
    if ('formula' in raw || 'sharedFormula' in raw) {
      const result = (raw as { result?: RawValue }).result;
      // A formula whose cached value is an empty string is text "", not blank.
      if (result === '') return { kind: 'text', value: '' };
      return valueOf(result, date1904);
    }
    if ('text' in raw) return { kind: 'text', value: String((raw as { text: unknown }).text) };
  }
  return BLANK;
}

/**
 * exceljs 4.4 rejects AutoFilter criteria it does not model (colour, icon, top-10 and dynamic
 * filters, a sort state nested in the AutoFilter — all valid ECMA-376). Hand it a copy whose table
 * and sheet AutoFilters are bare ranges; the criteria and sort state are read from the original
 * parts (package-parts.ts).
 */
async function withBareAutoFilters(data: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(data);
  let changed = false;
  const parts = Object.keys(zip.files).filter((n) => /^xl\/(tables|worksheets)\/[^/]+\.xml$/.test(n));
  for (const name of parts) {
    const xml = await zip.file(name)?.async('string');
    if (!xml || !/<(\w+:)?autoFilter\b[^>]*[^/]>/.test(xml)) continue;
    const bare = xml.replace(/<((?:\w+:)?)autoFilter\b([^>]*[^/])>[\s\S]*?<\/(?:\w+:)?autoFilter>/, '<$1autoFilter$2/>');
    if (bare !== xml) {
      zip.file(name, bare);
      changed = true;
    }
  }
  return changed ? zip.generateAsync({ type: 'nodebuffer' }) : data;
}

/** Reads an .xlsx file (path or bytes) into a Workbook snapshot. */
export async function readXlsx(file: string | Buffer, name?: string): Promise<InMemoryWorkbook> {
  let data: Buffer;
  try {
    data = typeof file === 'string' ? await readFile(file) : file;
  } catch (err) {
    throw new XlsxReadError(`Cannot read ${String(file)}: ${(err as Error).message}`);
  }
  const label = name ?? (typeof file === 'string' ? path.basename(file) : undefined);
  const xl = new ExcelJS.Workbook();
  let parts;
  try {
    // exceljs's load accepts a Buffer; its typings ask for its own Buffer interface.
    await xl.xlsx.load((await withBareAutoFilters(data)) as unknown as ExcelJS.Buffer);
    parts = await readPackageParts(data);
  } catch (err) {
    throw new XlsxReadError(`${label ?? 'The file'} is not a readable .xlsx workbook: ${(err as Error).message}`);
  }
  const date1904 = parts.date1904;
  const wb = new InMemoryWorkbook(label, date1904 ? '1904' : '1900');
  xl.eachSheet((ws) => {
    const sheet = wb.addSheet(ws.name);
    ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      if (row.hidden) sheet.hideRow(rowNumber);
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        if (cell.type === ExcelJS.ValueType.Merge) return;
        const info: CellInfo = { value: valueOf(cell.value, date1904) };
        const formula = cell.type === ExcelJS.ValueType.Formula ? cell.formula : undefined;
        if (formula) {
          info.formula = `=${formula}`;
          info.formulaR1C1 = formulaToR1C1(formula, rowNumber, colNumber, referenceToR1C1);
        }
        if (cell.numFmt) info.numberFormat = cell.numFmt;
        if (info.value.kind === 'blank' && !info.formula) return;
        sheet.setCell(rowNumber, colNumber, info);
      });
    });
    const p = parts.sheets.get(ws.name);
    if (p) {
      for (const t of p.tables) sheet.addTable(t);
      for (const pt of p.pivotTables) sheet.addPivotTable(pt);
      sheet.setAutoFilter(p.autoFilter);
    }
  });
  return wb;
}
