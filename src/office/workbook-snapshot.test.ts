import { recordWorkbook } from '../recorder/record';
import { ChangeCapture, formulasByColumn, type CapturedFormula } from './change-capture';
import { addPivotForSample, filterSample, listSheets, readSampleData, removeDuplicatesInSample, sortSample, writeSampleSheet } from './excel-actions';
import { fakeOffice } from './fake-office-host';
import { cellValueFromExcel, columnFilterFromExcel, loadWorkbookSnapshot } from './workbook-snapshot';

function ledgerWorkbook() {
  const fake = fakeOffice();
  (globalThis as { Office?: unknown }).Office = fake.Office;
  fake.api.addSheet('Ledger');
  fake.api.addSheet('Accounts');
  fake.api.setValues('Ledger', 'A1', [
    ['Account', 'Amount', 'Name'],
    [4000, 10, null],
    [4010, 20, null],
    [4000, 5, null],
  ]);
  fake.api.addTable('Ledger', 'A1:C4', 'Ledger');
  fake.api.setValues('Accounts', 'A1', [['Account', 'Name'], [4000, 'Sales'], [4010, 'Services']]);
  return fake;
}

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

describe('loadWorkbookSnapshot', () => {
  test('reads cells, formulas (A1 and R1C1), tables, sort, filters and pivots for the recorder', async () => {
    const fake = ledgerWorkbook();
    fake.api.setFormulaColumn('Ledger', 'C2', ['=VLOOKUP(A2,Accounts!$A$2:$B$3,2,FALSE)', '=VLOOKUP(A3,Accounts!$A$2:$B$3,2,FALSE)', '=VLOOKUP(A4,Accounts!$A$2:$B$3,2,FALSE)'],
      '=VLOOKUP(RC[-2],Accounts!R2C1:R3C2,2,FALSE)', ['Sales', 'Services', 'Sales']);
    await sortSample({ sheet: 'Ledger', table: 'Ledger' }, [{ columnIndex: 1, descending: true }], fake.run);
    await filterSample({ sheet: 'Ledger', table: 'Ledger' }, 2, { filterOn: 'Values' as Excel.FilterOn, values: ['Sales'] }, fake.run);
    await addPivotForSample({ sheet: 'Ledger', table: 'Ledger' }, { name: 'PivotTable1', rows: ['Name'], columns: [], values: [{ field: 'Amount', summarizeBy: 'Sum' }] }, fake.run);

    const wb = await loadWorkbookSnapshot(undefined, fake.run);
    const ledger = wb.worksheet('Ledger');
    // (The fake moves formula text with a sorted row as is; the R1C1 form is what the recorder relies on.)
    expect(ledger?.cell(2, 3)).toMatchObject({ formula: expect.stringMatching(/^=VLOOKUP\(A\d,Accounts!\$A\$2:\$B\$3,2,FALSE\)$/), formulaR1C1: '=VLOOKUP(RC[-2],Accounts!R2C1:R3C2,2,FALSE)' });
    expect(ledger?.cell(2, 2).value).toEqual({ kind: 'number', value: 20 }); // sorted descending
    const table = ledger?.tables()[0];
    expect(table).toMatchObject({ name: 'Ledger', columns: ['Account', 'Amount', 'Name'], range: { top: 1, left: 1, bottom: 4, right: 3 } });
    expect(table?.sort).toEqual({ matchCase: false, fields: [{ columnIndex: 1, descending: true, sortOn: 'value' }] });
    expect(table?.filters).toEqual([{ columnIndex: 2, filterOn: 'values', values: ['Sales'], blanks: undefined }]);
    const pivot = wb.worksheet('PivotTable1')?.pivotTables()[0];
    expect(pivot).toMatchObject({ name: 'PivotTable1', rows: ['Name'], values: [{ field: 'Amount', name: 'Sum of Amount', summarizeBy: 'Sum' }], source: { table: 'Ledger' } });
    expect(wb.worksheet('PivotTable1')?.cell(4, 2).value).toEqual({ kind: 'number', value: 15 }); // Sales: 10 + 5

    // And the recorder makes a config of it: a lookup, the pivot, the filter and the sort.
    const recording = recordWorkbook(wb, { sheet: 'Ledger' });
    expect(recording.config.steps.map((s) => s.op)).toEqual(expect.arrayContaining(['lookup', 'pivot', 'filter', 'sort']));
    expect(recording.refused).toEqual([]);
  });

  test('maps Office.js value types and filter criteria', () => {
    expect(cellValueFromExcel('#N/A', 'Error')).toEqual({ kind: 'error', value: '#N/A' });
    expect(cellValueFromExcel('', 'Empty')).toEqual({ kind: 'blank' });
    expect(cellValueFromExcel('12', 'String')).toEqual({ kind: 'text', value: '12' });
    expect(cellValueFromExcel(3, 'Double')).toEqual({ kind: 'number', value: 3 });
    expect(columnFilterFromExcel(1, { filterOn: 'Custom' as Excel.FilterOn, criterion1: '>100', criterion2: '<5', operator: 'Or' as Excel.FilterOperator }))
      .toEqual({ columnIndex: 1, filterOn: 'custom', criterion1: '>100', criterion2: '<5', operator: 'or' });
    expect(columnFilterFromExcel(0, { filterOn: 'CellColor' as Excel.FilterOn })).toEqual({ columnIndex: 0, filterOn: 'unsupported', description: 'filter on CellColor' });
    expect(columnFilterFromExcel(0, { filterOn: 'TopItems' as Excel.FilterOn, criterion1: '10' })).toEqual({ columnIndex: 0, filterOn: 'topItems', count: 10 });
  });
});

describe('ChangeCapture', () => {
  test('reports a filled-down formula column from the first row, and ignores the add-in\'s own writes', async () => {
    const fake = ledgerWorkbook();
    const seen: CapturedFormula[][] = [];
    const capture = new ChangeCapture({ sheets: ['Ledger'], onFormulas: (f) => seen.push(f), onError: (m) => { throw new Error(m); }, run: fake.run, runWithContext: fake.runWithContext });
    await capture.start();
    fake.api.setFormulaColumn('Ledger', 'D2', ['=B2*2', '=B3*2', '=B4*2'], '=RC[-2]*2', [20, 40, 10]);
    await fake.api.fireChanged('Ledger', 'D3:D4'); // Excel reports the fill-down without the first cell
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual([{ sheet: 'Ledger', cell: 'D2', range: 'D2:D4', formula: '=B2*2', formulaR1C1: '=RC[-2]*2', consistent: true, column: 4 }]);

    await capture.whileSuppressed(async () => fake.api.fireChanged('Ledger', 'D2'));
    expect(seen).toHaveLength(1);

    await capture.stop();
    await fake.api.fireChanged('Ledger', 'D2');
    expect(seen).toHaveLength(1);
  });

  test('formulasByColumn flags a column whose formula differs between rows', () => {
    const found = formulasByColumn('S', 2, 1, [['=A1', 5], ['=B9', 6]], [['=R[-1]C', 5], ['=R[7]C[1]', 6]]);
    expect(found).toEqual([{ sheet: 'S', cell: 'A2', range: 'A2:A3', formula: '=A1', formulaR1C1: '=R[-1]C', consistent: false, column: 1 }]);
  });
});

describe('excel actions', () => {
  test('remove duplicates, read the sample back, write a dataset sample as a table', async () => {
    const fake = ledgerWorkbook();
    const removed = await removeDuplicatesInSample({ sheet: 'Ledger', table: 'Ledger' }, [0], fake.run);
    expect(removed).toBe(1);
    const data = await readSampleData({ sheet: 'Ledger', table: 'Ledger' }, fake.run);
    expect(data.columns).toEqual([{ name: 'Account', type: 'number' }, { name: 'Amount', type: 'number' }, { name: 'Name', type: 'text' }]);
    expect(data.rows).toEqual([[4000, 10, null], [4010, 20, null]]);

    const written = await writeSampleSheet('General ledger (example)', [{ name: 'Memo', type: 'text' }, { name: 'Amount', type: 'number' }], [['=SUM(1)', 1], ['+44', 2]], fake.run);
    expect(written).toEqual({ sheet: 'General ledger (example)', table: 'General_ledger_example', range: 'A1:B3' });
    expect(fake.api.dump('General ledger (example)').A2).toMatchObject({ value: '=SUM(1)', type: 'String' });
    const sheets = await listSheets(fake.run);
    expect(sheets.find((s) => s.name === 'General ledger (example)')?.tables).toEqual([{ name: 'General_ledger_example', address: "'General ledger (example)'!A1:B3", columns: ['Memo', 'Amount'] }]);
  });
});

describe('snapshot size', () => {
  test('reads cells in row blocks of a bounded size, and leaves out sheets too big to be a sample', async () => {
    const fake = ledgerWorkbook();
    fake.api.addSheet('Big');
    fake.api.setValues('Big', 'A1', Array.from({ length: 300 }, (_, i) => [i, `x${i}`]));
    const syncsBefore = fake.api.log.syncs;
    const skipped: string[] = [];
    const wb = await loadWorkbookSnapshot(undefined, fake.run, { cellsPerSync: 4, maxCells: 100, onSkipped: (s, n) => skipped.push(`${s}:${n}`) });
    expect(skipped).toEqual(['Big:600']);
    expect(wb.worksheet('Big')?.usedRange()).toBeNull();
    const ledger = wb.worksheet('Ledger');
    expect([1, 2, 3, 4].map((r) => ledger?.cell(r, 2).value)).toEqual([
      { kind: 'text', value: 'Amount' }, { kind: 'number', value: 10 }, { kind: 'number', value: 20 }, { kind: 'number', value: 5 },
    ]);
    expect(wb.worksheet('Accounts')?.cell(3, 2).value).toEqual({ kind: 'text', value: 'Services' });
    expect(fake.api.log.syncs - syncsBefore).toBeGreaterThan(6);
  });
});
