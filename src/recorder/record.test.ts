import ExcelJS from 'exceljs';
import { validateConfig } from '../config/validate';
import { readXlsx } from '../xlsx/read-xlsx';
import { inferColumnType, isDateFormat } from './column-types';
import { recordWorkbook, RecordError } from './record';
import { InMemoryWorkbook, type CellInfo, type TableInfo } from './workbook';

const AT = '2026-01-01T00:00:00.000Z';

function f(formula: string, value: CellInfo['value']): CellInfo {
  return { formula, value };
}
const n = (value: number): CellInfo['value'] => ({ kind: 'number', value });
const t = (value: string): CellInfo['value'] => ({ kind: 'text', value });

/** Ledger: Account, Qty, Price, then formula columns filled by `formulas(row)`. */
function ledger(formulas: (row: number) => CellInfo[], extraHeaders: string[]): InMemoryWorkbook {
  const wb = new InMemoryWorkbook('book.xlsx');
  const s = wb.addSheet('Ledger');
  s.setRows(1, 1, [['Account', 'Qty', 'Price', ...extraHeaders]]);
  const data: Array<[string, number, number]> = [['A1', 2, 1.5], ['B2', 3, 2], ['C3', 4, 2.5]];
  data.forEach((r, i) => {
    s.setRows(i + 2, 1, [r]);
    formulas(i + 2).forEach((c, j) => s.setCell(i + 2, 4 + j, c));
  });
  const rates = wb.addSheet('Rates');
  rates.setRows(1, 1, [['Code', 'Rate'], ['A1', 0.1], ['B2', 0.2]]);
  return wb;
}

describe('recordWorkbook', () => {
  it('records formula columns in dependency order with provenance, and a valid config', () => {
    // Total (E) reads Net (F), to its right: Net must come first.
    const wb = ledger((r) => [f(`=IFERROR(VLOOKUP(A${r},Rates!$A$2:$B$3,2,FALSE),0)`, n(0.1)), f(`=F${r}*2`, n(1)), f(`=B${r}*C${r}`, n(3))], ['Rate', 'Total', 'Net']);
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused).toEqual([]);
    expect(validateConfig(rec.config).ok).toBe(true);
    expect(rec.config.steps.map((s) => [s.id, s.op, 'column' in s ? s.column : ''])).toEqual([
      ['s1', 'lookup', 'Rate~VLOOKUP1'],
      ['s2', 'formula', 'Rate'],
      ['s3', 'formula', 'Net'],
      ['s4', 'formula', 'Total'],
    ]);
    expect(rec.config.steps[3]?.provenance).toEqual({ sheet: 'Ledger', cell: 'E2', range: 'E2:E4', formula: '=F2*2', formulaR1C1: '=RC[1]*2' });
    expect(rec.config.main).toBe('Ledger');
    expect(rec.config.sources).toEqual([
      { name: 'Ledger', sheet: 'Ledger', columns: [{ name: 'Account', type: 'text' }, { name: 'Qty', type: 'number' }, { name: 'Price', type: 'number' }], format: { type: 'csv' } },
      { name: 'Rates', sheet: 'Rates', columns: [{ name: 'Code', type: 'text' }, { name: 'Rate', type: 'number' }], format: { type: 'csv' } },
    ]);
    expect(rec.config.recordedFrom).toEqual({ workbook: 'book.xlsx', sheet: 'Ledger', range: 'A1:F4', recordedAt: AT, recorder: 'sheetscale recorder' });
    expect(rec.formulaCells).toHaveLength(9);
    expect(rec.formulaCells[0]).toEqual({ cell: 'D2', row: 2, column: 'Rate', formula: '=IFERROR(VLOOKUP(A2,Rates!$A$2:$B$3,2,FALSE),0)', expected: n(0.1), rowIndex: 0 });
  });

  it('reports a column whose formulas differ, naming the rows', () => {
    const wb = ledger((r) => [f(r === 3 ? '=B3+1' : `=B${r}*C${r}`, n(1))], ['Net']);
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused).toEqual([
      { cell: 'Ledger!D2', formula: '=B2*C2', reason: 'column "Net" is not one formula filled down: rows 3 hold a different formula (e.g. D3: =B3+1). A formula column must hold the same formula (same R1C1 form, =RC[-2]*RC[-1]) on every data row.' },
    ]);
    expect(rec.config.steps).toEqual([]);
  });

  it('refuses a column mixing typed values and formulas, and what reads it', () => {
    const wb = ledger((r) => [r === 4 ? { value: n(9) } : f(`=B${r}*C${r}`, n(1)), f(`=D${r}+1`, n(2))], ['Net', 'Plus']);
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused.map((x) => x.cell)).toEqual(['Ledger!D2', 'Ledger!E2']);
    expect(rec.refused[0]?.reason).toMatch(/mixes formulas and typed values: rows 4 hold values/);
    expect(rec.refused[1]?.reason).toBe('it reads column "Net", which could not be recorded (see above).');
  });

  it('records a refused formula with the translator\'s message and keeps the rest', () => {
    const wb = ledger((r) => [f(`=OFFSET(B${r},0,1)`, n(1)), f(`=B${r}*2`, n(4))], ['Odd', 'Double']);
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused).toEqual([{ cell: 'Ledger!D2', formula: '=OFFSET(B2,0,1)', reason: expect.stringMatching(/^OFFSET is volatile/) as unknown as string }]);
    expect(rec.config.steps.map((s) => s.op)).toEqual(['formula']);
  });

  it('records the table\'s AutoFilter and sort, and pivots on the table before them', () => {
    const wb = new InMemoryWorkbook();
    const s = wb.addSheet('Data');
    s.setRows(1, 1, [['Region', 'Amount', 'Net'], ['East', 10, null], ['West', 20, null], ['East', 5, null]]);
    for (let r = 2; r <= 4; r++) s.setCell(r, 3, f(`=[@Amount]*2`, n(1)));
    const table: TableInfo = {
      name: 'Sales', range: { top: 1, left: 1, bottom: 4, right: 3 }, headerRow: true, totalsRow: false, columns: ['Region', 'Amount', 'Net'],
      filters: [{ columnIndex: 0, filterOn: 'values', values: ['East'], blanks: true }, { columnIndex: 1, filterOn: 'values', values: ['10', '5'] }, { columnIndex: 2, filterOn: 'custom', criterion1: '>=10', criterion2: '<100', operator: 'and' }],
      sort: { fields: [{ columnIndex: 1, descending: true }], matchCase: false },
    };
    s.addTable(table);
    wb.addSheet('Summary').addPivotTable({
      name: 'ByRegion', source: { table: 'Sales' }, rows: ['Region'], columns: ['\u03a3Values'],
      values: [{ field: 'Amount', summarizeBy: 'Sum', name: 'Sum of Amount' }, { field: 'Net', summarizeBy: 'CountNumbers' }, { field: 'Region', summarizeBy: 'Automatic' }],
      filters: [{ field: 'Region', values: ['East'] }, { field: 'Net' }], grandTotals: { rows: true, columns: false },
      location: { sheet: 'Summary', range: { top: 3, left: 1, bottom: 5, right: 2 } },
    });
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused).toEqual([]);
    expect(rec.config.main).toBe('Sales');
    expect(rec.config.steps.slice(1)).toEqual([
      {
        op: 'pivot', id: 's2', provenance: { sheet: 'Summary', action: 'PivotTable', range: 'A3:B5', table: 'Sales' }, name: 'ByRegion', rows: ['Region'], columns: [],
        values: [{ column: 'Amount', summarizeBy: 'sum', name: 'Sum of Amount' }, { column: 'Net', summarizeBy: 'countNumbers' }, { column: 'Region' }],
        filters: [{ column: 'Region', values: ['East'] }], grandTotals: { rows: true, columns: false },
      },
      {
        op: 'filter', id: 's3', provenance: { sheet: 'Data', action: 'AutoFilter', table: 'Sales' },
        conditions: [{ column: 'Region', filterOn: 'values', values: ['East'], blanks: true }, { column: 'Amount', filterOn: 'values', values: [10, 5] }, { column: 'Net', filterOn: 'custom', criterion1: '>=10', criterion2: '<100', operator: 'and' }],
      },
      { op: 'sort', id: 's4', provenance: { sheet: 'Data', action: 'Sort', table: 'Sales' }, keys: [{ column: 'Amount', descending: true }] },
    ]);
    expect(validateConfig(rec.config).ok).toBe(true);
  });

  it('fails clearly on a sheet without a header row or without data', () => {
    const wb = new InMemoryWorkbook();
    wb.addSheet('Nums').setRows(1, 1, [[1, 2], [3, 4]]);
    expect(() => recordWorkbook(wb)).toThrow(RecordError);
    expect(() => recordWorkbook(wb)).toThrow(/row 1 \(the first row of data\) must be a header row of text/);
    expect(() => recordWorkbook(wb, { sheet: 'Nope' })).toThrow('The workbook has no sheet "Nope" (sheets: Nums).');
  });

  it('refuses a lookup range that starts inside the lookup table', () => {
    const wb = ledger((r) => [f(`=VLOOKUP(A${r},Rates!$A$3:$B$3,2,FALSE)`, n(0.2))], ['Rate']);
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused[0]?.reason).toBe('Rates!$A$3:$B$3 starts at row 3, but the table on sheet Rates starts at row 1 (its header row); a lookup range must cover the whole table on its sheet (or use whole columns, e.g. Rates!A:C).');
  });
});

describe('column types', () => {
  const c = (value: CellInfo['value'], numberFormat?: string): CellInfo => ({ value, ...(numberFormat ? { numberFormat } : {}) });
  it('infers number, date, text, logical and mixed, ignoring blanks', () => {
    expect(inferColumnType([c(n(1)), c({ kind: 'blank' }), c(n(2.5))])).toBe('number');
    expect(inferColumnType([c(n(40558), 'd-mmm-yy'), c(n(40559), 'yyyy-mm-dd')])).toBe('date');
    expect(inferColumnType([c(n(40558.5), 'yyyy-mm-dd hh:mm')])).toBe('number');
    expect(inferColumnType([c(t('a')), c(t('b'))])).toBe('text');
    expect(inferColumnType([c({ kind: 'logical', value: true })])).toBe('logical');
    expect(inferColumnType([c(n(1)), c(t('a'))])).toBe('mixed');
    expect(inferColumnType([c({ kind: 'error', value: '#N/A' })])).toBe('mixed');
  });
  it('tells date formats from others', () => {
    expect(['m/d/yyyy', 'd-mmm-yy', '[$-409]mmmm d, yyyy', 'yyyy-mm-dd'].map(isDateFormat)).toEqual([true, true, true, true]);
    expect(['General', '0.00', '#,##0', 'h:mm', '0.0 "days"', undefined].map(isDateFormat)).toEqual([false, false, false, false, false, false]);
  });
});

describe('recording an .xlsx built with exceljs', () => {
  it('reads cached values, shared formulas, dates, errors and structured references', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Sales');
    ws.addTable({
      name: 'Sales', ref: 'A1', headerRow: true,
      columns: [{ name: 'Code' }, { name: 'Day' }, { name: 'Qty' }, { name: 'Rate' }, { name: 'Next' }],
      rows: [
        ['A1', new Date(Date.UTC(2011, 0, 15)), 2, { formula: 'VLOOKUP(Sales[[#This Row],[Code]],Rates!$A:$B,2,FALSE)', result: 0.1 }, { formula: 'B2+1', result: 40559 }],
        ['ZZ', new Date(Date.UTC(2011, 0, 16)), 3, { formula: 'VLOOKUP(Sales[[#This Row],[Code]],Rates!$A:$B,2,FALSE)', result: { error: '#N/A' } }, { sharedFormula: 'E2', result: 40560 }],
      ],
    });
    ws.getColumn(2).numFmt = 'yyyy-mm-dd';
    const rates = book.addWorksheet('Rates');
    rates.addRow(['Code', 'Rate']);
    rates.addRow(['A1', 0.1]);
    const wb = await readXlsx(Buffer.from(await book.xlsx.writeBuffer()), 'sales.xlsx');
    const sheet = wb.worksheet('Sales');
    expect(sheet?.cell(2, 2)).toMatchObject({ value: n(40558), numberFormat: 'yyyy-mm-dd' });
    expect(sheet?.cell(3, 4).value).toEqual({ kind: 'error', value: '#N/A' });
    expect(sheet?.cell(3, 5)).toMatchObject({ formula: '=B3+1', formulaR1C1: '=RC[-3]+1', value: n(40560) });
    const rec = recordWorkbook(wb, { recordedAt: AT });
    expect(rec.refused).toEqual([]);
    expect(rec.config.sources[0]?.columns).toEqual([{ name: 'Code', type: 'text' }, { name: 'Day', type: 'date' }, { name: 'Qty', type: 'number' }]);
    expect(rec.config.steps.map((s) => s.op)).toEqual(['lookup', 'formula']);
    expect(rec.formulaCells.map((c) => [c.cell, c.expected])).toEqual([
      ['D2', n(0.1)], ['D3', { kind: 'error', value: '#N/A' }], ['E2', n(40559)], ['E3', n(40560)],
    ]);
    expect(rec.samples[1]).toEqual({ source: 'Rates', sheet: 'Rates', columns: [{ name: 'Code', type: 'text' }, { name: 'Rate', type: 'number' }], rows: [[t('A1'), n(0.1)]] });
  });
});
