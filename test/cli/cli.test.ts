/** The command line without the engine: record, argument checks of run/explain, help texts. */
import ExcelJS from 'exceljs';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validateConfig } from '../../src/config/validate';
import { csvField, sampleCsv, serialToIsoDate } from '../../src/cli/sample-csv';
import { formatVerifyReport } from '../../src/cli/commands/verify';
import { compareRows, SAMPLE_ROW_COLUMN, rowCheckConfig } from '../../src/cli/verify-workbook';
import type { Recording } from '../../src/recorder/record';
import { DOCUMENTED_EXAMPLES_PATH } from '../fixtures/workbooks/documented-examples';
import { sheetscale } from './cli-helpers';

jest.setTimeout(60_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sheetscale-cli-'));
});

async function refusedBook(): Promise<string> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('Ledger');
  ws.addRow(['Qty', 'Price', 'Total', 'Next']);
  ws.addRow([2, 1.5, { formula: 'A2*B2', result: 3 }, { formula: 'A3*2', result: 6 }]);
  ws.addRow([3, 2, { formula: 'A3*B3', result: 6 }, { formula: 'A4*2', result: 0 }]);
  const file = path.join(dir, 'refused.xlsx');
  await book.xlsx.writeFile(file);
  return file;
}

describe('sheetscale record', () => {
  it('writes a valid config for the documented-examples workbook', async () => {
    const out = path.join(dir, 'config.json');
    const r = await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Recorded 8 steps from Orders to /);
    const config: unknown = JSON.parse(await readFile(out, 'utf8'));
    expect(validateConfig(config).ok).toBe(true);
    expect((config as { sources: Array<{ name: string }> }).sources.map((s) => s.name)).toEqual(['Orders', 'Items', 'Viscosity']);
  });

  it('refuses a formula that reads another row, with the exact message, and records the rest', async () => {
    const r = await sheetscale(['record', await refusedBook()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'refused: Ledger!D2 =A3*2: A3 refers to another row (this formula is in row 2); a formula column can only read cells of its own row, e.g. A2. Running totals and references to previous rows are not supported.\n',
    );
    const config = JSON.parse(r.stdout) as { steps: Array<{ column: string }> };
    expect(config.steps.map((s) => s.column)).toEqual(['Total']);
  });

  it('exits 2 naming the problem when the file cannot be recorded', async () => {
    const junk = path.join(dir, 'junk.xlsx');
    await writeFile(junk, 'not a workbook');
    const r = await sheetscale(['record', junk]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sheetscale record: junk\.xlsx is not a readable \.xlsx workbook/);
    const missing = await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '--sheet', 'Nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('sheetscale record: The workbook has no sheet "Nope" (sheets: Orders, Items, Viscosity, Pivot).\n');
  });
});

describe('sheetscale run and explain: what is checked before the engine starts', () => {
  it('exits 2 when a source is not bound, or bound to an unknown name', async () => {
    const out = path.join(dir, 'c2.json');
    await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '-o', out]);
    const r = await sheetscale(['run', out, '--input', 'Orders=orders.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sheetscale run: bind every source with --input: missing --input "Items=..." --input "Viscosity=...".\n');
    const u = await sheetscale(['run', out, '--input', 'Ordres=o.csv']);
    expect(u.code).toBe(2);
    expect(u.stderr).toBe('sheetscale run: --input Ordres: no such source in the config (sources: Orders, Items, Viscosity).\n');
  });

  it('exits 2 on an invalid config, naming the problem', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ version: 1 }));
    const r = await sheetscale(['run', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sheetscale run: .*bad\.json is not a valid config:\n/);
  });

  it('explain exits 2 on a missing file', async () => {
    const r = await sheetscale(['explain', path.join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file/);
  });

  it('documents every command in --help', async () => {
    for (const cmd of ['record', 'run', 'verify', 'explain']) {
      const r = await sheetscale([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Exit codes:/);
      expect(r.stdout).toMatch(/Example:/);
    }
    const run = await sheetscale(['run', '--help']);
    expect(run.stdout).toMatch(/--engine <name>/);
    expect(run.stdout).toMatch(/--memory-limit <size>/);
    expect(run.stdout).toMatch(/auto \(the default\) runs DuckDB when every input is a local path or file:\/\/ URI/);
  });
});

describe('value helpers of verify', () => {
  it('writes samples as CSV the engine reads back with their kinds', () => {
    expect(serialToIsoDate(40558)).toBe('2011-01-15');
    expect(serialToIsoDate(59)).toBe('1900-02-28');
    expect(serialToIsoDate(61)).toBe('1900-03-01');
    expect(serialToIsoDate(60)).toBeUndefined();
    expect(serialToIsoDate(0, '1904')).toBe('1904-01-01');
    expect(csvField({ kind: 'text', value: 'a,"b"' }, 'text')).toBe('"a,""b"""');
    expect(csvField({ kind: 'logical', value: true }, 'mixed')).toBe('TRUE');
    expect(sampleCsv([{ name: 'D', type: 'date' }, { name: 'N', type: 'number' }], [[{ kind: 'number', value: 40558 }, { kind: 'blank' }]])).toBe('D,N\n2011-01-15,\n');
  });

  it('prints each mismatch with cell, formula, Excel\'s value and ours', () => {
    expect(formatVerifyReport({ cells: [{ cell: 'M2', formula: '=ROUND(C2,D2)', expected: 2.3, actual: 2.2, match: false }, { cell: 'M3', formula: '=ROUND(C3,D3)', expected: 2.1, actual: 2.1, match: true }], refused: [] })).toEqual([
      'Compared 2 formula cells with the values Excel cached: 1 mismatch.',
      '  MISMATCH M2 =ROUND(C2,D2): Excel 2.3, sheetscale 2.2',
    ]);
  });
});

describe('sheetscale run with a stand-in engine (SHEETSCALE_PYTHON)', () => {
  const fake = path.join(__dirname, 'fake-engine', 'python');

  it('passes the bindings, prints the summary and exits 0', async () => {
    const config = path.join(dir, 'run.json');
    await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '-o', config]);
    const out = path.join(dir, 'run-out');
    const r = await sheetscale(['run', config, '-i', 'Orders=o.csv', '-i', 'Items=s3://b/items.csv', '-i', 'Viscosity=v.csv', '-o', out, '--today', '2026-01-02'], { SHEETSCALE_PYTHON: fake });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Succeeded: 2 rows, 2 columns in 1.5 s.',
        'engine: spark (auto: input s3://b/items.csv is not on this machine)',
        `Result: ${out}/result (parquet, 2 rows); summary: ${out}/summary.json`,
        '  step s1 lookup; 1 unmatched; errors: Rate 1',
        'First 2 rows:',
        '  Code  Rate',
        '  A1    0.1',
        '  ZZ    #N/A',
        '',
      ].join('\n'),
    );
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as { args: string[] };
    expect(summary.args).toEqual(expect.arrayContaining(['-m', 'sheetscale_engine.job', '--input', `Orders=${path.join(path.resolve('.'), 'o.csv')}`, '--input', 'Items=s3://b/items.csv', '--today', '2026-01-02']));
  });

  /** The engine's command line after `run CONFIG -i ... EXTRA`, and what run printed. */
  async function runWith(name: string, extra: string[]): Promise<{ args: string[]; stdout: string }> {
    const config = path.join(dir, `${name}.json`);
    await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '-o', config]);
    const out = path.join(dir, `${name}-out`);
    const r = await sheetscale(['run', config, '-i', 'Orders=o.csv', '-i', 'Items=i.csv', '-i', 'Viscosity=v.csv', '-o', out, ...extra], { SHEETSCALE_PYTHON: fake });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as { args: string[] };
    return { args: summary.args, stdout: r.stdout };
  }
  const valueOf = (args: string[], flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

  it('passes --engine auto by default and prints the engine that ran, and why', async () => {
    const { args, stdout } = await runWith('engine-auto', []);
    expect(valueOf(args, '--engine')).toBe('auto');
    expect(args.filter((a) => a === '--engine')).toHaveLength(1);
    expect(args).not.toContain('--memory-limit');
    expect(stdout.split('\n')[1]).toBe('engine: duckdb (auto: every input is on this machine (0 bytes))');
  });

  it('passes --engine spark and --memory-limit when asked', async () => {
    const { args, stdout } = await runWith('engine-spark', ['--engine', 'spark', '--memory-limit', '2GB']);
    expect(valueOf(args, '--engine')).toBe('spark');
    expect(valueOf(args, '--memory-limit')).toBe('2GB');
    expect(stdout.split('\n')[1]).toBe('engine: spark (asked for (--engine spark))');
    const duck = await runWith('engine-duckdb', ['-e', 'duckdb']);
    expect(valueOf(duck.args, '--engine')).toBe('duckdb');
  });

  it('rejects an unknown --engine or a --memory-limit without a unit with exit 2, before starting the engine', async () => {
    const config = path.join(dir, 'engine-bad.json');
    await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '-o', config]);
    const bound = ['-i', 'Orders=o.csv', '-i', 'Items=i.csv', '-i', 'Viscosity=v.csv', '-o', path.join(dir, 'engine-bad-out')];
    const r = await sheetscale(['run', config, ...bound, '--engine', 'foo'], { SHEETSCALE_PYTHON: fake });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sheetscale run: --engine foo: unknown engine; choose one of auto, duckdb, spark.\n');
    const old = await sheetscale(['run', config, ...bound, '--engine', 'spark-local'], { SHEETSCALE_PYTHON: fake });
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/--engine spark-local: unknown engine/);
    const mem = await sheetscale(['run', config, ...bound, '--memory-limit', 'lots'], { SHEETSCALE_PYTHON: fake });
    expect(mem.code).toBe(2);
    expect(mem.stderr).toBe('sheetscale run: --memory-limit lots: write a size with its unit, e.g. 2GB or 512MB.\n');
    expect(existsSync(path.join(dir, 'engine-bad-out'))).toBe(false);
  });

  it('exits 1 and explains a failed job from error.json', async () => {
    const config = path.join(dir, 'run2.json');
    await sheetscale(['record', DOCUMENTED_EXAMPLES_PATH, '-o', config]);
    const r = await sheetscale(['run', config, '-i', 'Orders=o.csv', '-i', 'Items=i.csv', '-i', 'Viscosity=v.csv', '-o', path.join(dir, 'run2-out')], { SHEETSCALE_PYTHON: fake, FAKE_ENGINE_FAIL: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Job failed: SOURCE_NOT_FOUND: No file matches orders.csv for source Orders.\n  at source Orders, orders.csv\n  hint: Check the --input path.\n');
  });
});

describe('verify of filters and sorts', () => {
  const rec = {
    config: {
      version: 1, main: 'Sales', recordedFrom: { sheet: 'Data', range: 'A1:B5' },
      sources: [{ name: 'Sales', columns: [{ name: 'Amount', type: 'number' }], format: { type: 'csv' } }],
      steps: [
        { op: 'pivot', id: 's1', provenance: { sheet: 'P' }, name: 'P', rows: ['Amount'], values: [{ column: 'Amount' }] },
        { op: 'filter', id: 's2', provenance: { sheet: 'Data' }, conditions: [{ column: 'Amount', filterOn: 'custom', criterion1: '>1' }] },
      ],
      output: {},
    },
    formulaCells: [{ cell: 'B2', row: 2, column: 'X', formula: '=A2', expected: { kind: 'number', value: 1 }, rowIndex: 0 }],
    visibleRows: [1, 3],
    refused: [], warnings: [], samples: [], pivots: [],
  } as unknown as Recording;

  it('runs the recorded steps without pivots, numbering the sample rows', () => {
    const c = rowCheckConfig(rec.config);
    expect(c.steps.map((s) => s.op)).toEqual(['filter']);
    expect(c.sources[0]?.columns.map((x) => x.name)).toEqual(['Amount', SAMPLE_ROW_COLUMN]);
  });

  it('matches when the engine keeps the rows Excel shows, in order, and names them otherwise', () => {
    const summary = (ids: number[]) => ({ status: 'succeeded', rowCount: ids.length, columns: [{ name: 'Amount', type: 'number' }, { name: SAMPLE_ROW_COLUMN, type: 'number' }], firstRows: ids.map((i) => [i, i]) });
    expect(compareRows(rec, summary([1, 3]))).toMatchObject({ match: true });
    const bad = compareRows(rec, summary([1, 2, 3]));
    expect(bad).toEqual({ cell: 'Data!A1:B5', formula: 'AutoFilter', expected: 'Excel shows rows 3, 5', actual: 'sheetscale keeps rows 3, 4, 5', match: false });
    expect(formatVerifyReport({ cells: [bad as NonNullable<typeof bad>], refused: [] })).toEqual([
      'Compared 0 formula cells and the rows kept by AutoFilter with the values Excel cached: 1 mismatch.',
      '  MISMATCH Data!A1:B5 AutoFilter: Excel shows rows 3, 5; sheetscale keeps rows 3, 4, 5',
    ]);
  });
});

describe('progress display', () => {
  it('draws one rewritten line on a terminal and nothing otherwise', async () => {
    const { progressDisplay } = await import('../../src/cli/progress-display');
    const written: string[] = [];
    const tty = { isTTY: true, columns: 60, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const p = progressDisplay(tty);
    p.onProgress({ event: 'progress', phase: 'computing', fraction: 0.5, message: 'step s2' });
    p.done();
    expect(written[0]).toBe(`\r${'[##########..........]  50% computing: step s2'.padEnd(59)}`);
    expect(written[1]).toBe(`\r${' '.repeat(59)}\r`);
    const plain: string[] = [];
    const q = progressDisplay({ isTTY: false, write: (s: string) => plain.push(s) } as unknown as NodeJS.WriteStream);
    q.onProgress({ event: 'progress', phase: 'reading', fraction: 0 });
    q.done();
    expect(plain).toEqual([]);
  });
});
