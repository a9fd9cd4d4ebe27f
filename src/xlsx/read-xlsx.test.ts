import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { buildDocumentedExamples } from '../../test/fixtures/workbooks/documented-examples';
import { readPackageParts } from './package-parts';
import { dateToSerial, readXlsx } from './read-xlsx';

/** A workbook with a table whose part gets AutoFilter and sort state Excel would write. */
async function tableWithState(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('Data');
  ws.addTable({
    name: 'Sales', ref: 'A1', headerRow: true,
    columns: [{ name: 'Region' }, { name: 'Amount' }, { name: 'Note' }, { name: 'Rank' }],
    rows: [['East', 10, 'a', 1], ['West', 20, 'b', 2]],
  });
  const plain = book.addWorksheet('Plain');
  plain.addRow(['K', 'V']);
  plain.addRow(['x', 1]);
  plain.autoFilter = 'A1:B2';
  const zip = await JSZip.loadAsync(Buffer.from(await book.xlsx.writeBuffer()));
  const tablePath = Object.keys(zip.files).find((p) => /^xl\/tables\/table\d+\.xml$/.test(p)) as string;
  const xml = (await zip.file(tablePath)?.async('string')) as string;
  const filters =
    '<filterColumn colId="0"><filters blank="1"><filter val="East"/></filters></filterColumn>' +
    '<filterColumn colId="1"><customFilters and="1"><customFilter operator="greaterThanOrEqual" val="10"/><customFilter operator="lessThan" val="100"/></customFilters></filterColumn>' +
    '<filterColumn colId="2"><colorFilter dxfId="0"/></filterColumn>' +
    '<filterColumn colId="3"><top10 top="0" percent="1" val="25"/></filterColumn>' +
    '<sortState ref="A2:D3"><sortCondition descending="1" ref="B2:B3"/><sortCondition ref="A2:A3"/></sortState>';
  const patched = xml.replace(/<autoFilter ref="([^"]+)"(?:\s*\/>|>[\s\S]*?<\/autoFilter>)/, `<autoFilter ref="$1">${filters}</autoFilter>`);
  expect(patched).toContain('top10');
  zip.file(tablePath, patched);
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('package parts', () => {
  it('reads a table with its AutoFilter criteria and sort state', async () => {
    const parts = await readPackageParts(await tableWithState());
    const data = parts.sheets.get('Data');
    expect(data?.tables).toEqual([
      {
        name: 'Sales', range: { top: 1, left: 1, bottom: 3, right: 4 }, headerRow: true, totalsRow: false, columns: ['Region', 'Amount', 'Note', 'Rank'],
        filters: [
          { columnIndex: 0, filterOn: 'values', values: ['East'], blanks: true },
          { columnIndex: 1, filterOn: 'custom', criterion1: '>=10', criterion2: '<100', operator: 'and' },
          { columnIndex: 2, filterOn: 'unsupported', description: 'colorFilter' },
          { columnIndex: 3, filterOn: 'bottomPercent', count: 25 },
        ],
        sort: { fields: [{ columnIndex: 1, descending: true }, { columnIndex: 0, descending: false }], matchCase: false },
      },
    ]);
    expect(parts.sheets.get('Plain')?.autoFilter).toEqual({ range: { top: 1, left: 1, bottom: 2, right: 2 }, filters: [] });
  });

  it('reads a pivot table definition with its cache fields', async () => {
    const parts = await readPackageParts(await buildDocumentedExamples());
    expect(parts.sheets.get('Pivot')?.pivotTables).toEqual([
      {
        name: 'PivotTable1', source: { table: 'Orders' }, rows: ['Budget'], columns: [],
        values: [{ field: 'Predicted', name: 'Sum of Predicted', summarizeBy: 'Sum' }], filters: [],
        grandTotals: { rows: true, columns: true }, location: { sheet: 'Pivot', range: { top: 3, left: 1, bottom: 6, right: 2 } },
      },
    ]);
  });
});

/** A package holding only what readPackageParts reads: one sheet with one pivot on a range. */
async function pivotPackage(pageFields: string, regionItems: string): Promise<Buffer> {
  const zip = new JSZip();
  const rel = (id: string, type: string, target: string): string => `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/>`;
  const rels = (body: string): string => `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${body}</Relationships>`;
  zip.file('xl/workbook.xml', '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="Report" sheetId="1" r:id="rId1"/></sheets></workbook>');
  zip.file('xl/_rels/workbook.xml.rels', rels(rel('rId1', 'worksheet', 'worksheets/sheet1.xml')));
  zip.file('xl/worksheets/sheet1.xml', '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>');
  zip.file('xl/worksheets/_rels/sheet1.xml.rels', rels(rel('rId1', 'pivotTable', '../pivotTables/pivotTable1.xml')));
  zip.file('xl/pivotTables/_rels/pivotTable1.xml.rels', rels(rel('rId1', 'pivotCacheDefinition', '../pivotCache/pivotCacheDefinition1.xml')));
  zip.file('xl/pivotCache/pivotCacheDefinition1.xml', '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cacheSource type="worksheet"><worksheetSource ref="A1:C9" sheet="Data"/></cacheSource><cacheFields count="3"><cacheField name="Region"><sharedItems><s v="East"/><s v="West"/><m/></sharedItems></cacheField><cacheField name="Year"><sharedItems><n v="2024"/><n v="2025"/></sharedItems></cacheField><cacheField name="Amount"><sharedItems/></cacheField></cacheFields></pivotCacheDefinition>');
  zip.file('xl/pivotTables/pivotTable1.xml', `<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" name="Sales by year" rowGrandTotals="0"><location ref="B5:E9"/><pivotFields count="3"><pivotField axis="axisPage">${regionItems}</pivotField><pivotField axis="axisCol"><items count="3"><item x="0"/><item x="1"/><item t="default"/></items></pivotField><pivotField dataField="1"/></pivotFields><colFields count="2"><field x="1"/><field x="-2"/></colFields>${pageFields}<dataFields count="2"><dataField name="Count of Amount" fld="2" subtotal="count"/><dataField fld="2" subtotal="stdDevp"/></dataFields></pivotTableDefinition>`);
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('pivot parts', () => {
  it('reads column fields, summaries, grand totals and a single-item report filter', async () => {
    const parts = await readPackageParts(await pivotPackage('<pageFields count="1"><pageField fld="0" item="1" hier="-1"/></pageFields>', '<items count="4"><item x="0"/><item x="1"/><item x="2"/><item t="default"/></items>'));
    expect(parts.date1904).toBe(true);
    expect(parts.sheets.get('Report')?.pivotTables).toEqual([
      {
        name: 'Sales by year', source: { sheet: 'Data', range: { top: 1, left: 1, bottom: 9, right: 3 } }, rows: [], columns: ['Year', '\u03a3Values'],
        values: [{ field: 'Amount', name: 'Count of Amount', summarizeBy: 'Count' }, { field: 'Amount', summarizeBy: 'StandardDeviationP' }],
        filters: [{ field: 'Region', values: ['West'] }],
        grandTotals: { rows: true, columns: false }, location: { sheet: 'Report', range: { top: 5, left: 2, bottom: 9, right: 5 } },
      },
    ]);
  });

  it('reads a multi-item report filter from the items left visible, and no filter when all are', async () => {
    const hidden = await readPackageParts(await pivotPackage('<pageFields count="1"><pageField fld="0" hier="-1"/></pageFields>', '<items count="4"><item x="0"/><item x="1" h="1"/><item x="2"/><item t="default"/></items>'));
    expect(hidden.sheets.get('Report')?.pivotTables[0]?.filters).toEqual([{ field: 'Region', values: ['East', null] }]);
    const all = await readPackageParts(await pivotPackage('<pageFields count="1"><pageField fld="0" hier="-1"/></pageFields>', '<items count="4"><item x="0"/><item x="1"/><item x="2"/><item t="default"/></items>'));
    expect(all.sheets.get('Report')?.pivotTables[0]?.filters).toEqual([{ field: 'Region' }]);
  });
});

describe('readXlsx', () => {
  it('turns dates back into serial numbers of the workbook date system', () => {
    expect(dateToSerial(new Date(Date.UTC(2011, 0, 15)), false)).toBe(40558);
    expect(dateToSerial(new Date(Date.UTC(2011, 0, 15)), true)).toBe(40558 - 1462);
  });

  it('loads a table whose AutoFilter has criteria exceljs rejects (colour, top 10, a nested sort state)', async () => {
    const wb = await readXlsx(await tableWithState(), 'sorted.xlsx');
    const table = wb.worksheet('Data')?.tables()[0];
    expect(table?.sort).toEqual({ fields: [{ columnIndex: 1, descending: true }, { columnIndex: 0, descending: false }], matchCase: false });
    expect(wb.worksheet('Data')?.cell(2, 1).value).toEqual({ kind: 'text', value: 'East' });
  });

  it('fails with the file named on something that is not a workbook', async () => {
    await expect(readXlsx(Buffer.from('not a zip'), 'junk.xlsx')).rejects.toThrow(/^junk\.xlsx is not a readable \.xlsx workbook/);
  });
});
