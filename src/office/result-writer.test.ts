import type { CellValue } from '../api/types';
import { fakeOffice, type FakeOffice } from './fake-office-host';
import { chunkRows, writeResultSheet, type WriteResultOptions } from './result-writer';
import { toExcelCell } from './cell-values';
import { EXCEL_ERROR_CODES } from './error-codes';

async function* pages(...p: CellValue[][][]): AsyncGenerator<CellValue[][]> {
  for (const page of p) yield page;
}

function setup(options?: { payloadLimitBytes?: number }) {
  const fake = fakeOffice(options);
  (globalThis as { Office?: unknown }).Office = fake.Office;
  fake.api.addSheet('Sheet1');
  return fake;
}

function baseOptions(fake: ReturnType<typeof fakeOffice>, rows: CellValue[][], extra: Partial<WriteResultOptions> = {}): WriteResultOptions {
  return {
    sheetName: 'Result job-1',
    provenance: { jobId: 'job-1', configHash: 'sha256:abc', datasets: ['ledger'], engine: 'spark', engineVersion: '3.5.6', totalRows: rows.length, finishedAt: '2026-01-02T03:04:05Z' },
    columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }, { name: 'Posted', type: 'date' }, { name: 'Ok', type: 'logical' }],
    rows: pages(rows),
    rowsToWrite: rows.length,
    run: fake.run,
    ...extra,
  };
}

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

function cell(fake: FakeOffice, sheet: string, address: string) {
  return fake.api.dump(sheet)[address];
}

describe('writeResultSheet', () => {
  test('writes provenance, header and typed values into a new sheet with a table', async () => {
    const fake = setup();
    const rows: CellValue[][] = [
      ['4000', 12.5, 45658, true],
      ['4010', null, 45659, false],
      [null, { error: '#N/A' }, null, null],
    ];
    const out = await writeResultSheet(baseOptions(fake, rows));
    expect(out).toMatchObject({ sheetName: 'Result job-1', rowsWritten: 3, cancelled: false, tableTopLeft: 'A10' });
    const view = fake.api.dump('Result job-1');
    expect(view.A2).toMatchObject({ value: 'Job id' });
    expect(view.B2).toMatchObject({ value: 'job-1' });
    expect(view.B3).toMatchObject({ value: 'sha256:abc' });
    expect(view.B5).toMatchObject({ value: 'spark 3.5.6' });
    expect(view.B6).toMatchObject({ value: 3, type: 'Double', numberFormat: 'General' });
    expect(view.B7).toMatchObject({ value: '3 of 3 rows shown', numberFormat: '@' });
    expect(view.A10).toMatchObject({ value: 'Account' });
    // Text stays text even when it looks like a number: the column is '@'.
    expect(view.A11).toMatchObject({ value: '4000', type: 'String', numberFormat: '@' });
    expect(view.B11).toMatchObject({ value: 12.5, type: 'Double' });
    expect(view.C11).toMatchObject({ value: 45658, type: 'Double', numberFormat: 'yyyy-mm-dd' });
    expect(view.D11).toMatchObject({ value: true, type: 'Boolean' });
    expect(view.B13).toMatchObject({ value: '#N/A', type: 'Error' });
    expect(view.B12).toBeUndefined(); // blank
    expect(fake.api.tables()).toEqual([{ name: 'Result_job_1', sheet: 'Result job-1', address: 'A10:D13' }]);
  });

  test('provenance from the job stays text too', async () => {
    const fake = setup();
    const options = baseOptions(fake, [['a', 1, null, null]]);
    options.provenance = { ...options.provenance, jobId: '=1+1', datasets: ['@evil'] };
    await writeResultSheet(options);
    const view = fake.api.dump(fake.api.sheetNames().find((n) => n.startsWith('Result')) ?? '');
    expect(view.B2).toMatchObject({ value: '=1+1', type: 'String' });
    expect(view.B4).toMatchObject({ value: '@evil', type: 'String' });
  });

  test('text that looks like a formula never becomes one', async () => {
    const fake = setup();
    const nasty = ['=HYPERLINK("http://evil.example","click")', '+1', '-x', '@a', '=1+1'];
    const rows: CellValue[][] = nasty.map((t) => [t, 1, null, null]);
    await writeResultSheet(baseOptions(fake, rows));
    nasty.forEach((t, i) => {
      const c = cell(fake, 'Result job-1', `A${11 + i}`);
      expect(c).toMatchObject({ value: t, type: 'String', numberFormat: '@' });
      expect(c?.formula).toBeUndefined();
    });
  });

  test('text in a mixed column and text pivot labels are protected too', async () => {
    const fake = setup();
    const rows: CellValue[][] = [['a', 1, null, null]];
    await writeResultSheet(baseOptions(fake, rows, {
      columns: [{ name: 'Mixed', type: 'mixed' }, { name: 'Amount', type: 'number' }, { name: 'Posted', type: 'date' }, { name: 'Ok', type: 'logical' }],
      rows: pages([['=cmd|"/c calc"!A0', 2, null, null]]),
      pivots: [{ name: 'PivotTable1', header: ['Row Labels', 'Sum of Amount'], rows: [['=evil()', 3], ['Grand Total', 3]] }],
      totals: { Amount: 2 },
    }));
    const view = fake.api.dump('Result job-1');
    expect(view.A11).toMatchObject({ value: '=cmd|"/c calc"!A0', type: 'String' });
    const evil = Object.values(view).find((c) => c.value === '=evil()');
    expect(evil).toMatchObject({ type: 'String' });
    expect(Object.values(view).some((c) => c.formula !== undefined)).toBe(false);
    expect(Object.values(view).some((c) => c.value === 'Totals (full result)')).toBe(true);
  });

  test('chunks by bytes: many syncs, each under the budget', async () => {
    const fake = setup();
    const rows: CellValue[][] = Array.from({ length: 2000 }, (_, i) => [`account ${i} ${'x'.repeat(40)}`, i, 45000 + i, i % 2 === 0]);
    const progress: number[] = [];
    const out = await writeResultSheet(baseOptions(fake, rows, { chunkBytes: 50_000, onProgress: (n) => progress.push(n) }));
    expect(out.rowsWritten).toBe(2000);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress[progress.length - 1]).toBe(2000);
    expect(cell(fake, 'Result job-1', 'A2010')).toMatchObject({ value: `account 1999 ${'x'.repeat(40)}` });
    expect(fake.api.tables()[0]?.address).toBe('A10:D2010');
  });

  test('shrinks the chunk when Excel answers RequestPayloadSizeLimitExceeded', async () => {
    const fake = setup({ payloadLimitBytes: 60_000 });
    const rows: CellValue[][] = Array.from({ length: 1500 }, (_, i) => [`row ${i} ${'y'.repeat(30)}`, i, null, null]);
    const out = await writeResultSheet(baseOptions(fake, rows, { chunkBytes: 1_000_000 }));
    expect(out.rowsWritten).toBe(1500);
    expect(cell(fake, 'Result job-1', 'A1510')).toMatchObject({ value: `row 1499 ${'y'.repeat(30)}` });
    expect(Math.max(...fake.api.log.requests)).toBeGreaterThan(60_000); // the refused ones
  });

  test('a sheet name already taken gets a suffix, within 31 characters', async () => {
    const fake = setup();
    fake.api.addSheet('Result a-very-long-job-identifi');
    const name = 'Result a-very-long-job-identifier-that-goes-on';
    const out = await writeResultSheet(baseOptions(fake, [['a', 1, null, null]], { sheetName: name }));
    expect(out.sheetName.length).toBeLessThanOrEqual(31);
    expect(out.sheetName).toBe('Result a-very-long-job-iden (2)');
  });

  test('cancel keeps what is written and says so', async () => {
    const fake = setup();
    const controller = new AbortController();
    const rows: CellValue[][] = Array.from({ length: 100 }, (_, i) => [`r${i}`, i, null, null]);
    async function* slow(): AsyncGenerator<CellValue[][]> {
      yield rows.slice(0, 50);
      controller.abort();
      yield rows.slice(50);
    }
    const out = await writeResultSheet(baseOptions(fake, rows, { rows: slow(), signal: controller.signal }));
    expect(out).toMatchObject({ rowsWritten: 50, cancelled: true });
    expect(cell(fake, 'Result job-1', 'B7')?.value).toBe('50 of 100 rows shown (cancelled)');
  });

  test('refuses more rows than a sheet holds, naming the limit', async () => {
    const fake = setup();
    await expect(writeResultSheet(baseOptions(fake, [], { rowsToWrite: 2_000_000 }))).rejects.toThrow(/more than a sheet holds \(1048576\)/);
  });

  test('an Excel failure names the sheet and rows', async () => {
    const fake = setup();
    const failing = ((batch) => fake.run(async (ctx) => {
      const result = await batch(ctx);
      if (fake.api.sheetNames().includes('Result job-1') && fake.api.tables().length === 0 && fake.api.log.syncs > 2) throw Object.assign(new Error('GeneralException'), { code: 'GeneralException' });
      return result;
    })) as typeof fake.run;
    await expect(writeResultSheet(baseOptions(fake, [['a', 1, null, null]], { run: failing }))).rejects.toThrow(/rows 1–1 into sheet "Result job-1"/);
  });
});

describe('chunkRows', () => {
  test('never leaves a row out and never splits one', () => {
    const cells = Array.from({ length: 10 }, (_, i) => [toExcelCell(`v${i}`, { name: 'a', type: 'text' }, EXCEL_ERROR_CODES)]);
    const chunks = chunkRows(cells, 1);
    expect(chunks).toHaveLength(10);
    expect(chunks.flat()).toEqual(cells);
  });
});
