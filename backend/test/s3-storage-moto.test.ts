/** S3Storage against moto's S3: objects, ranged reads, listing past a page, deletes, presigned links. */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ResultReader } from '../src/result-reader';
import type { EngineSummary } from '../src/runners/runner';
import { S3Storage, parseS3Uri } from '../src/storage/s3-storage';
import { motoCredentials, startMoto, type Moto } from '../test-support/moto';

jest.setTimeout(60_000);

let moto: Moto;
let storage: S3Storage;
beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: motoCredentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
  storage = new S3Storage(s3, 'results', 'sheetscale/', 7);
});
afterAll(async () => moto?.stop());

test('write, read, ranged read, missing object', async () => {
  const uri = storage.uriFor('jobs/j1/config.json');
  expect(uri).toBe('s3://results/sheetscale/jobs/j1/config.json');
  await storage.write(uri, '{"version":1}');
  expect((await storage.read(uri))!.toString()).toBe('{"version":1}');
  expect((await storage.readHead(uri, 4))!.toString()).toBe('{"ve');
  expect(await storage.read(storage.uriFor('nope.json'))).toBeNull();
  expect(parseS3Uri('s3://b/k/x.csv')).toEqual({ bucket: 'b', key: 'k/x.csv' });
});

test('list pages through several pages; removePrefix deletes them all (and nothing else)', async () => {
  const prefix = storage.uriFor('jobs/many/output');
  await Promise.all(Array.from({ length: 23 }, (_, i) => storage.write(`${prefix}/result/part-${String(i).padStart(5, '0')}.csv`, 'A\n1\n')));
  await storage.write(storage.uriFor('jobs/many/config.json'), '{}');
  const listed = await storage.list(prefix);
  expect(listed).toHaveLength(23);
  expect(listed[0]).toBe(`${prefix}/result/part-00000.csv`);
  await storage.removePrefix(prefix);
  expect(await storage.list(prefix)).toEqual([]);
  expect(await storage.read(storage.uriFor('jobs/many/config.json'))).not.toBeNull();
});

test('a presigned URL downloads the object without credentials', async () => {
  const uri = storage.uriFor('jobs/j2/output/result/part-00000.csv');
  await storage.write(uri, 'Account,Amount\n4000,1\n');
  const link = await storage.signedUrl(uri, 600);
  expect(link.url).toMatch(/X-Amz-Signature=/);
  expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
  const r = await fetch(link.url);
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('Account,Amount\n4000,1\n');
});

test('result rows from Parquet parts in S3', async () => {
  const fixture = path.join(__dirname, 'fixtures', 'parquet-output');
  const out = storage.uriFor('jobs/j3/output');
  for (const f of ['part-00000-a.snappy.parquet', 'part-00001-b.snappy.parquet']) await storage.write(`${out}/result/${f}`, readFileSync(path.join(fixture, 'result', f)));
  const summary = JSON.parse(readFileSync(path.join(fixture, 'summary.json'), 'utf8')) as EngineSummary;
  const reader = new ResultReader(storage);
  try {
    const page = await reader.page(out, summary, 5, 10);
    expect(page.rows.map((r) => r[0])).toEqual(['4000', '4100', '4200']);
    expect(page.total).toBe(8);
  } finally {
    await reader.close();
  }
});
