import type { PreviewResult } from '../../../api/types';
import type { SheetscaleConfig } from '../../../config/types.generated';
import { compareFormulaCells, comparePivots, perRowConfig, previewInputs } from './compare';

const preview = (rows: PreviewResult['rows'], columns = ['Account', 'Name']): PreviewResult => ({
  summary: { status: 'succeeded', engine: 'spark', rowCount: rows.length, columns: columns.map((name) => ({ name, type: 'mixed' })), firstRows: [] },
  rows,
});

describe('verify', () => {
  test('compares every formula cell with Excel and names the mismatching cells', () => {
    const cells = [
      { cell: 'B2', row: 2, column: 'Name', formula: '=VLOOKUP(A2,T,2,FALSE)', expected: { kind: 'text' as const, value: 'Sales' }, rowIndex: 0 },
      { cell: 'B3', row: 3, column: 'Name', formula: '=VLOOKUP(A3,T,2,FALSE)', expected: { kind: 'error' as const, value: '#N/A' as const }, rowIndex: 1 },
      { cell: 'B4', row: 4, column: 'Name', formula: '=VLOOKUP(A4,T,2,FALSE)', expected: { kind: 'number' as const, value: 0.1 + 0.2 }, rowIndex: 2 },
    ];
    expect(compareFormulaCells(cells, preview([[1, 'Sales'], [2, { error: '#N/A' }], [3, 0.3]]), 'Ledger')).toEqual([]);
    expect(compareFormulaCells(cells, preview([[1, 'sales'], [2, 'x'], [3, 0.3]]), 'Ledger')).toEqual([
      { where: 'Ledger!B2', column: 'Name', excel: '"Sales"', sheetscale: '"sales"', formula: '=VLOOKUP(A2,T,2,FALSE)' },
      { where: 'Ledger!B3', column: 'Name', excel: '#N/A', sheetscale: '"x"', formula: '=VLOOKUP(A3,T,2,FALSE)' },
    ]);
  });

  test('a blank Excel cell matches empty text in the preview (the sample reaches the engine as CSV)', () => {
    const cells = [{ cell: 'B2', row: 2, column: 'Name', formula: '=IF(A2>0,"",A2)', expected: { kind: 'blank' as const }, rowIndex: 0 }];
    expect(compareFormulaCells(cells, preview([[1, '']]), 'Ledger')).toEqual([]);
    expect(compareFormulaCells(cells, preview([[1, 0]]), 'Ledger')).toHaveLength(1);
  });

  test('pivots are matched by row label, header rows skipped', () => {
    const samples = [{ name: 'PivotTable1', sheet: 'P', range: { top: 3, left: 1, bottom: 6, right: 2 }, cells: [
      [{ kind: 'text' as const, value: 'Row Labels' }, { kind: 'text' as const, value: 'Sum of Amount' }],
      [{ kind: 'text' as const, value: 'Sales' }, { kind: 'number' as const, value: 15 }],
      [{ kind: 'text' as const, value: 'Services' }, { kind: 'number' as const, value: 20 }],
      [{ kind: 'text' as const, value: 'Grand Total' }, { kind: 'number' as const, value: 35 }],
    ] }];
    const result = (rows: (string | number)[][]): PreviewResult => ({ ...preview([]), summary: { ...preview([]).summary, pivots: [{ name: 'PivotTable1', header: ['Row Labels', 'Sum of Amount'], rows }] } });
    expect(comparePivots(samples, result([['Sales', 15], ['Services', 20], ['Grand Total', 35]]))).toEqual({ compared: 3, mismatches: [] });
    expect(comparePivots(samples, result([['Sales', 15], ['Services', 21], ['Grand Total', 36]])).mismatches.map((m) => m.where))
      .toEqual(['PivotTable1 row "Services"', 'PivotTable1 row "Grand Total"']);
  });

  test('the per-row config keeps only formula, lookup and aggregate steps', () => {
    const config = {
      version: 1, main: 'ledger', sources: [], output: { columns: ['a'] },
      steps: [
        { op: 'lookup', id: 's1' }, { op: 'filter', id: 's2' }, { op: 'formula', id: 's3' }, { op: 'pivot', id: 's4' }, { op: 'sort', id: 's5' },
      ],
    } as unknown as SheetscaleConfig;
    const perRow = perRowConfig(config);
    expect(perRow.steps.map((s) => s.id)).toEqual(['s1', 's3']);
    expect(perRow.output.columns).toBeUndefined();
  });

  test('preview inputs use the JSON value encoding', () => {
    expect(previewInputs([{ source: 'ledger', sheet: 'L', columns: [], rows: [[{ kind: 'blank' }, { kind: 'number', value: 1 }, { kind: 'error', value: '#DIV/0!' }, { kind: 'logical', value: true }]] }]))
      .toEqual({ ledger: { rows: [[null, 1, { error: '#DIV/0!' }, true]] } });
  });
});
