/**
 * The AWS side against moto's server: S3Storage (objects, ranged reads, paged listing, deletes,
 * presigned links), the job package upload, and the EMR runners' real requests (moto accepts
 * them; its steps never finish, so the state machines themselves are tested with
 * aws-sdk-client-mock in emr-*-runner.test.ts).
 */
import { EMRClient, ListStepsCommand, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { CreateApplicationCommand, EMRServerlessClient, GetJobRunCommand } from '@aws-sdk/client-emr-serverless';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { uploadJobPackage } from '../src/job-package';
import { EmrServerlessRunner } from '../src/runners/emr-serverless-runner';
import { EmrStepRunner } from '../src/runners/emr-step-runner';
import type { RunSpec } from '../src/runners/runner';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ResultReader } from '../src/result-reader';
import type { EngineSummary } from '../src/runners/runner';
import { S3Storage, parseS3Uri } from '../src/storage/s3-storage';
import { motoCredentials, startMoto, type Moto } from '../test-support/moto';

jest.setTimeout(60_000);

let moto: Moto;
let storage: S3Storage;
const aws = () => ({ endpoint: moto.endpoint, region: 'us-east-1', credentials: motoCredentials });
beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({ ...aws(), forcePathStyle: true });
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
  await storage.remove(uri);
  expect(await storage.read(uri)).toBeNull();
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

test('the job package is uploaded next to where the runners point spark-submit', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-pkg-'));
  writeFileSync(path.join(dir, 'job.py'), 'print("job")\n');
  writeFileSync(path.join(dir, 'sheetscale_engine.zip'), 'PK');
  await uploadJobPackage(storage, dir, 's3://results/package/');
  expect((await storage.read('s3://results/package/job.py'))!.toString()).toBe('print("job")\n');
  await expect(uploadJobPackage(storage, path.join(dir, 'missing'), 's3://results/package/')).rejects.toThrow(/sheetscale_engine.spark.package/);
});

const spec = (jobId: string): RunSpec => ({
  jobId,
  attempt: 1,
  attemptKey: 'a1-test',
  configUri: `s3://results/sheetscale/jobs/${jobId}/config.json`,
  inputs: { ledger: 's3://data/ledger/' },
  outputUri: `s3://results/sheetscale/jobs/${jobId}/output`,
  externalId: null,
});

test('EMR: the step request is accepted, runs, and is found again by name after a restart (never submitted twice)', async () => {
  const emr = new EMRClient(aws());
  const cluster = await emr.send(
    new RunJobFlowCommand({
      Name: 'sheetscale',
      ReleaseLabel: 'emr-7.12.0',
      Instances: { MasterInstanceType: 'r7g.xlarge', SlaveInstanceType: 'r7g.2xlarge', InstanceCount: 3, KeepJobFlowAliveWhenNoSteps: true },
      JobFlowRole: 'EMR_EC2_DefaultRole',
      ServiceRole: 'EMR_DefaultRole',
      StepConcurrencyLevel: 10,
    }),
  );
  const clusterId = cluster.JobFlowId!;
  const runner = () => new EmrStepRunner({ emr, clusterId, storage, jobPackageUri: 's3://results/package/', pollBaseMs: 5, pollMaxMs: 20 });
  const phases: string[] = [];
  const ids: string[] = [];
  const exec = runner().run(spec('job-moto-1'), { onExternalId: (id) => ids.push(id), onProgress: (_f, p) => phases.push(String(p)) });
  for (let i = 0; i < 400 && !phases.includes('running'); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ids).toHaveLength(1);
  expect(phases).toContain('running');
  exec.detach!(); // the service stops following it (shutdown) ...
  expect(await exec.done).toEqual({ kind: 'detached' });

  // ... and, restarted without the stored step id, finds the same step instead of adding one.
  const again = runner();
  expect(await again.findStep(spec('job-moto-1'))).toBe(ids[0]);
  const reattached: string[] = [];
  const exec2 = again.run(spec('job-moto-1'), { onExternalId: (id) => reattached.push(id), onProgress: () => undefined });
  for (let i = 0; i < 400 && reattached.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  exec2.detach!();
  await exec2.done;
  expect(reattached).toEqual(ids);
  const steps = (await emr.send(new ListStepsCommand({ ClusterId: clusterId }))).Steps ?? [];
  expect(steps.map((s) => s.Name)).toEqual(['sheetscale job-moto-1 a1-test']);
  expect(steps[0]!.Config?.Args).toEqual(expect.arrayContaining(['spark-submit', '--config', 's3://results/sheetscale/jobs/job-moto-1/config.json']));
});

test('EMR Serverless: StartJobRun with the client token is accepted; the run is followed to its end', async () => {
  const client = new EMRServerlessClient(aws());
  const app = await client.send(new CreateApplicationCommand({ name: 'sheetscale', releaseLabel: 'emr-7.12.0', type: 'SPARK' }));
  const s = spec('job-moto-2');
  // moto finishes job runs at once without running anything: put the engine's summary in place.
  await storage.write(`${s.outputUri}/summary.json`, JSON.stringify({ status: 'succeeded', rowCount: 1 }));
  const ids: string[] = [];
  const runner = new EmrServerlessRunner({ client, applicationId: app.applicationId!, executionRoleArn: 'arn:aws:iam::123456789012:role/sheetscale', storage, jobPackageUri: 's3://results/package', pollBaseMs: 5, pollMaxMs: 20 });
  expect(await runner.run(s, { onExternalId: (id) => ids.push(id), onProgress: () => undefined }).done).toEqual({ kind: 'succeeded', summary: { status: 'succeeded', rowCount: 1 } });
  const run = (await client.send(new GetJobRunCommand({ applicationId: app.applicationId!, jobRunId: ids[0]! }))).jobRun!;
  expect(run.jobDriver?.sparkSubmit?.entryPoint).toBe('s3://results/package/job.py');
  expect(run.executionRole).toBe('arn:aws:iam::123456789012:role/sheetscale');
});
