/**
 * The adapter against office-addin-mock (Microsoft's data-driven Office.js mock): values only
 * appear after load + sync, so these pass only if the adapter loads what it reads before reading.
 */
import { OfficeMockObject } from 'office-addin-mock';
import { currentSelection, readSampleData } from './excel-actions';
import type { ExcelRunner } from './excel-run';

function runnerOver(mock: OfficeMockObject): ExcelRunner {
  // office-addin-mock has no Excel.run: the batch gets the seeded context.
  const context = (mock as unknown as { context: Excel.RequestContext }).context;
  return async (batch) => {
    const result = await batch(context);
    await context.sync();
    return result;
  };
}

test('currentSelection loads the address and the sheet name before reading them', async () => {
  const mock = new OfficeMockObject({
    context: {
      workbook: {
        range: { address: 'Ledger!B2:D9', worksheet: { name: 'Ledger' } },
        getSelectedRange() {
          return this.range;
        },
      },
    },
  });
  expect(await currentSelection(runnerOver(mock))).toEqual({ sheet: 'Ledger', address: 'B2:D9' });
});

test('readSampleData types the columns from the values Excel gives', async () => {
  const mock = new OfficeMockObject({
    context: {
      workbook: {
        range: {
          address: 'Ledger!A1:C3',
          values: [['Account', 'Posted', 'Memo'], [4000, 45658, 'x'], [4010, 45659, '']],
          valueTypes: [['String', 'String', 'String'], ['Double', 'Double', 'String'], ['Double', 'Double', 'Empty']],
          numberFormat: [['General', 'General', 'General'], ['0', 'yyyy-mm-dd', '@'], ['0', 'yyyy-mm-dd', '@']],
        },
        worksheets: {
          sheet: {
            getRange() {
              return (this as unknown as { _parent: unknown })._parent;
            },
          },
          getItem() {
            return this.sheet;
          },
        },
      },
    },
  });
  // The mock cannot link objects; give the sheet's getRange the seeded range.
  const ctx = (mock as unknown as { context: { workbook: { range: unknown; worksheets: { sheet: { getRange: () => unknown } } } } }).context;
  ctx.workbook.worksheets.sheet.getRange = () => ctx.workbook.range;
  const data = await readSampleData({ sheet: 'Ledger', range: 'A1:C3' }, runnerOver(mock));
  expect(data).toEqual({
    address: 'Ledger!A1:C3',
    columns: [{ name: 'Account', type: 'number' }, { name: 'Posted', type: 'date' }, { name: 'Memo', type: 'text' }],
    rows: [[4000, 45658, 'x'], [4010, 45659, null]],
  });
});
