import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ResultReader, cellFromParquet, cellFromResultText } from '../src/result-reader';
import type { EngineSummary } from '../src/runners/runner';
import { LocalStorage } from '../src/storage/local-storage';
import { MemoryStorage } from './memory-storage';

const fixture = path.join(__dirname, 'fixtures', 'parquet-output');
const summary = JSON.parse(readFileSync(path.join(fixture, 'summary.json'), 'utf8')) as EngineSummary;
// The rows make.py wrote: part 0 has five, part 1 the first three again.
const part0 = [
  ['4000', 10.5, true, 1.25],
  ['4100', null, false, { error: '#N/A' }],
  ['4200', -3, null, 'x'],
  ['4300', 7, true, null],
  ['4400', 1e15, false, true],
];
const all = [...part0, ...part0.slice(0, 3)];

let reader: ResultReader;
afterEach(async () => reader?.close());

test('pages through Spark Parquet part files in order, decoding the XV struct; markers and checksums skipped', async () => {
  reader = new ResultReader(new LocalStorage(path.dirname(fixture), 'http://x'));
  expect((await reader.files(fixture, summary)).map((f) => path.basename(f.uri))).toEqual(['part-00000-a.snappy.parquet', 'part-00001-b.snappy.parquet']);
  const page = await reader.page(fixture, summary, 0, 100);
  expect(page).toEqual({ columns: summary.columns, rows: all, offset: 0, total: 8 });
  // A page that straddles the two files.
  expect((await reader.page(fixture, summary, 4, 3)).rows).toEqual(all.slice(4, 7));
  expect((await reader.page(fixture, summary, 8, 10)).rows).toEqual([]);
});

test('reads back the real engine’s Parquet result exactly as its summary’s firstRows (JSON-encoded formula column)', async () => {
  const out = path.join(__dirname, 'fixtures', 'engine-output');
  const engineSummary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as EngineSummary;
  reader = new ResultReader(new LocalStorage(path.dirname(out), 'http://x'));
  const page = await reader.page(out, engineSummary, 0, 1000);
  expect(page.rows).toEqual(engineSummary.firstRows);
  expect(page.rows).toEqual([['4000', 10.5, 45322, 21], ['4100', -3, 45351, -6], ['4000', 7, 45352, 14]]);
  expect(page.total).toBe(3);
});

test('reads Parquet and CSV parts from object storage (S3) too', async () => {
  const storage = new MemoryStorage();
  for (const f of ['part-00000-a.snappy.parquet', 'part-00001-b.snappy.parquet', '_SUCCESS']) await storage.write(`s3://bucket/sheetscale/jobs/j/output/result/${f}`, readFileSync(path.join(fixture, 'result', f)));
  reader = new ResultReader(storage);
  expect((await reader.page('s3://bucket/sheetscale/jobs/j/output', summary, 3, 3)).rows).toEqual(all.slice(3, 6));

  await storage.write('s3://bucket/sheetscale/jobs/c/output/result/part-00000.csv', 'A,B\n1,#DIV/0!\n2,\n');
  await storage.write('s3://bucket/sheetscale/jobs/c/output/result/part-00001.csv', 'A,B\n3,"x, y"\n');
  const csvSummary: EngineSummary = { status: 'succeeded', rowCount: 3, columns: [{ name: 'A', type: 'number' }, { name: 'B', type: 'mixed' }] };
  expect((await reader.page('s3://bucket/sheetscale/jobs/c/output', csvSummary, 1, 5)).rows).toEqual([[2, null], [3, 'x, y']]);
  expect((await reader.page('s3://bucket/sheetscale/jobs/c/output', csvSummary, 0, 1)).rows).toEqual([[1, { error: '#DIV/0!' }]]);
});

test('cell decoding follows the JSON value encoding', () => {
  expect(cellFromParquet({ k: 0, n: null, s: null, b: null })).toBeNull();
  expect(cellFromParquet({ k: 3, n: null, s: null, b: false })).toBe(false);
  expect(cellFromParquet(Number.NaN)).toEqual({ error: '#NUM!' });
  expect(cellFromParquet('{"error":"#DIV/0!"}', 'json')).toEqual({ error: '#DIV/0!' });
  expect(cellFromParquet('"007"', 'json')).toBe('007');
  expect(cellFromParquet('null', 'json')).toBeNull();
  expect(cellFromResultText('TRUE', 'logical')).toBe(true);
  expect(cellFromResultText('45351', 'date')).toBe(45351);
  expect(cellFromResultText('#N/A', 'number')).toEqual({ error: '#N/A' });
  expect(cellFromResultText('007', 'text')).toBe('007');
});
