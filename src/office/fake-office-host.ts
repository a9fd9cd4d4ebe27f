/**
 * The fake Office/Excel host of test/e2e/fake-office (an in-memory workbook behind the Excel JS
 * API subset we use, with load/sync discipline) for jest tests of src/office.
 */
import type { ExcelRunner, ExcelRunnerWithContext } from './excel-run';

// The fake is a plain browser/Node script shared with the browser tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeOffice } = require('../../test/e2e/fake-office/fake-office.js') as {
  createFakeOffice: (options?: { payloadLimitBytes?: number; maxApiVersion?: number }) => FakeOffice;
};

export interface FakeCellView { value: unknown; type: string; formula?: string; numberFormat?: string }

export interface FakeApi {
  addSheet(name: string): unknown;
  setValues(sheet: string, topLeft: string, rows: unknown[][]): void;
  setFormulaColumn(sheet: string, topCell: string, formulasA1: string[], formulaR1C1: string, values: unknown[]): void;
  addTable(sheet: string, address: string, name: string): unknown;
  resizeTable(name: string, address: string): void;
  select(sheet: string, address: string): void;
  fireChanged(sheet: string, address: string, changeType?: string): Promise<void>;
  dump(sheet: string): Record<string, FakeCellView>;
  grid(sheet: string): unknown[][];
  sheetNames(): string[];
  tables(): { name: string; sheet: string; address: string }[];
  log: { syncs: number; requests: number[]; dialogs: string[] };
  flags: { enableEvents: boolean };
  dialog: { nextMessage: string | ((url: string) => string) | null; nextError: number | null };
}

export interface FakeOffice {
  Office: typeof Office;
  Excel: { run: ExcelRunner & ExcelRunnerWithContext };
  api: FakeApi;
}

export function fakeOffice(options?: { payloadLimitBytes?: number; maxApiVersion?: number }): FakeOffice & { run: ExcelRunner; runWithContext: ExcelRunnerWithContext } {
  const fake = createFakeOffice(options);
  const run: ExcelRunner = (batch) => fake.Excel.run(batch);
  const runWithContext: ExcelRunnerWithContext = (context, batch) => fake.Excel.run(context, batch);
  return { ...fake, run, runWithContext };
}
