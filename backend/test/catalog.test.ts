import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../src/catalog';
import { ParquetFiles } from '../src/parquet-files';
import { LocalStorage } from '../src/storage/local-storage';

let dir: string;
let storage: LocalStorage;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-catalog-'));
  storage = new LocalStorage(dir, 'http://x');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, body: unknown) => {
  writeFileSync(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return path.join(dir, name);
};
const alice = { user: 'alice', groups: ['finance'], admin: false };

test('relative locations resolve against the catalog file; missing files are left out with a warning; columns are read from CSV headers', async () => {
  write('fx.csv', 'Currency,Rate,Date,Active\nEUR,1.08,2024-01-31,TRUE\nGBP,1.27,2024-01-31,false\n');
  const file = write('catalog.json', {
    datasets: [
      { id: 'fx', name: 'FX', groups: ['finance'], location: 'fx.csv' },
      { id: 'gone', name: 'Gone', groups: ['finance'], location: 'nope.csv' },
      { id: 'gl', name: 'GL', groups: ['finance'], location: 's3://acme/gl/', format: { type: 'parquet' }, columns: [{ name: 'Amount', type: 'number' }] },
    ],
  });
  const warnings: string[] = [];
  const catalog = await Catalog.load(file, storage, (m) => warnings.push(m));
  expect(catalog.readable(alice).map((d) => d.id)).toEqual(['fx', 'gl']);
  expect(warnings).toEqual([expect.stringContaining('dataset "gone" left out')]);
  const fx = catalog.requireReadable(alice, 'fx');
  expect(fx.location).toBe(path.join(dir, 'fx.csv'));
  expect(fx.columns).toEqual([
    { name: 'Currency', type: 'text' },
    { name: 'Rate', type: 'number' },
    { name: 'Date', type: 'date' },
    { name: 'Active', type: 'logical' },
  ]);
  expect(await catalog.sample(fx, 5)).toEqual([
    ['EUR', 1.08, 45322, true],
    ['GBP', 1.27, 45322, false],
  ]);
});

test('groups decide who reads what; admin reads all; unknown and forbidden ids look the same', async () => {
  write('a.csv', 'A\n1\n');
  const catalog = await Catalog.load(write('c.json', { datasets: [{ id: 'a', name: 'A', groups: ['hr'], location: 'a.csv' }] }), storage);
  expect(catalog.readable(alice)).toEqual([]);
  expect(catalog.readable({ user: 'root', groups: ['admin'], admin: true }).map((d) => d.id)).toEqual(['a']);
  const msg = (id: string) => {
    try {
      catalog.requireReadable(alice, id);
    } catch (e) {
      return (e as Error).message.replace(`"${id}"`, "<id>");
    }
    return 'allowed';
  };
  expect(msg('a')).toBe(msg('zzz'));
});

test('a malformed catalog names the entry', async () => {
  await expect(Catalog.load(write('bad.json', { datasets: [{ id: 'x y', groups: ['a'], location: 'a.csv' }] }), storage)).rejects.toThrow(/datasets\[0\]: id must match/);
  await expect(Catalog.load(write('bad2.json', { datasets: [{ id: 'x', groups: [], location: 'a.csv' }] }), storage)).rejects.toThrow(/\(x\): groups must name at least one group/);
  await expect(Catalog.load(write('bad3.json', { datasets: [{ id: 'p', groups: ['a'], location: 's3://b/p/', format: { type: 'parquet' } }] }), storage)).rejects.toThrow(/columns are required for parquet/);
});

test('Parquet datasets: columns declared, sample read from the part files of the folder', async () => {
  const folder = path.join(__dirname, 'fixtures', 'parquet-output', 'result');
  const parquet = new ParquetFiles(storage);
  try {
    const file = write('pq.json', { datasets: [{ id: 'gl', name: 'GL', groups: ['finance'], location: folder, format: { type: 'parquet' }, columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }] }] });
    const catalog = await Catalog.load(file, storage, undefined, parquet);
    expect(await catalog.sample(catalog.requireReadable(alice, 'gl'), 6)).toEqual([['4000', 10.5], ['4100', null], ['4200', -3], ['4300', 7], ['4400', 1e15], ['4000', 10.5]]);
  } finally {
    await parquet.close();
  }
});
